// TEMPORARY: the engine branch owns `AudioFormat` (see PLAN.md's API contract). This copy of
// the contract lets the WAV and microphone code build before that lands; delete this file
// when merging the engine's AudioFormat.

/// Interleaved signed 16-bit little-endian PCM.
public struct AudioFormat: Sendable, Hashable, CustomStringConvertible {
    /// Samples per second per channel, in Hz.
    public var sampleRate: Int
    /// Interleaved channels.
    public var channels: Int

    public init(sampleRate: Int, channels: Int) {
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// 16 kHz mono: what AVS wants from the microphone.
    public static let microphone = AudioFormat(sampleRate: 16_000, channels: 1)

    public var description: String { "\(sampleRate) Hz, \(channels) ch, S16_LE" }
}
