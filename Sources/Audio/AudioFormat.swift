/// Interleaved signed 16-bit little-endian PCM: the only sample format inside Hark.
public struct AudioFormat: Sendable, Hashable, CustomStringConvertible {
    /// Frames per second (Hz).
    public var sampleRate: Int
    /// Samples per frame (1 = mono, 2 = stereo).
    public var channels: Int

    public init(sampleRate: Int, channels: Int) {
        self.sampleRate = sampleRate
        self.channels = channels
    }

    /// What AVS wants from the microphone: 16 kHz, mono.
    public static let microphone = AudioFormat(sampleRate: 16_000, channels: 1)

    /// Bytes per frame (2 per sample).
    public var bytesPerFrame: Int { 2 * channels }

    /// Frames in `milliseconds` of audio at this rate (160 for 10 ms at 16 kHz).
    public func frames(milliseconds: Int) -> Int {
        sampleRate * milliseconds / 1000
    }

    public var description: String {
        let layout = switch channels {
        case 1: "mono"
        case 2: "stereo"
        default: "\(channels) channels"
        }
        return "\(sampleRate) Hz \(layout) S16_LE"
    }
}
