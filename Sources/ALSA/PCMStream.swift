import CALSA

/// The direction of a PCM: `SND_PCM_STREAM_CAPTURE` or `SND_PCM_STREAM_PLAYBACK`.
public enum PCMStream: Sendable, Hashable, CustomStringConvertible {
    case capture
    case playback

    /// The alsa-lib value.
    public var rawValue: snd_pcm_stream_t {
        switch self {
        case .capture: SND_PCM_STREAM_CAPTURE
        case .playback: SND_PCM_STREAM_PLAYBACK
        }
    }

    public var description: String {
        switch self {
        case .capture: "capture"
        case .playback: "playback"
        }
    }
}
