/// The PCM layout an MP3 stream decodes to: interleaved signed 16-bit samples in native
/// (little-endian on every Hark target) byte order.
public struct MP3Format: Sendable, Hashable, CustomStringConvertible {
    /// Samples per second per channel, in Hz (24 000 for Alexa speech).
    public var sampleRate: Int
    /// Interleaved channels: 1 (mono) or 2 (stereo).
    public var channels: Int

    public init(sampleRate: Int, channels: Int) {
        self.sampleRate = sampleRate
        self.channels = channels
    }

    public var description: String { "\(sampleRate) Hz \(channels == 1 ? "mono" : channels == 2 ? "stereo" : "\(channels) ch") S16" }
}

/// PCM decoded from an MP3 stream, all in one format.
public struct MP3Chunk: Sendable, Equatable {
    /// The rate and channels of `samples`.
    public var format: MP3Format
    /// Interleaved signed 16-bit samples (`frames × channels` values).
    public var samples: [Int16]

    public init(format: MP3Format, samples: [Int16]) {
        self.format = format
        self.samples = samples
    }
}
