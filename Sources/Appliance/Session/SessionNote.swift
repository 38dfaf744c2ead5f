import AVS

/// Something the session did or saw, for a transcript, a status light or a test. Each note
/// carries what a person reading a turn wants to know; timing is added by the observer.
public enum SessionNote: Sendable, Hashable {
    /// Connected means synchronized (SynchronizeState answered).
    case connection(connected: Bool)
    case state(DialogState)
    /// An event went out (`Namespace.Name`).
    case eventSent(String)
    /// An event was refused or failed (`Namespace.Name`, why).
    case eventFailed(String, String)
    /// A Recognize request opened (profile, format).
    case recognizeOpened(profile: String, format: String)
    /// The microphone closed and the request body was finished; audio bytes sent.
    case captureEnded(audioBytes: Int)
    case directive(String)
    case malformedDirective
    /// The first reply sample was written to the playback device.
    case playbackStarted
    case playbackFinished(milliseconds: Int)
    case playbackStopped(milliseconds: Int)
    case playbackFailed(String)
    case volume(Int, muted: Bool)
    case systemException(String)
}

extension SessionNote: CustomStringConvertible {
    public var description: String {
        switch self {
        case .connection(true): "connected and synchronized"
        case .connection(false): "disconnected"
        case .state(let state): "state \(state.rawValue)"
        case .eventSent(let name): "→ \(name)"
        case .eventFailed(let name, let why): "→ \(name) FAILED: \(why)"
        case .recognizeOpened(let profile, let format): "→ SpeechRecognizer.Recognize (\(profile), \(format)), microphone open"
        case .captureEnded(let bytes): "microphone closed, \(bytes) bytes of audio sent"
        case .directive(let name): "← \(name)"
        case .malformedDirective: "← malformed directive (answered with ExceptionEncountered)"
        case .playbackStarted: "first reply sample written to the speaker"
        case .playbackFinished(let ms): "speech played out (\(ms) ms)"
        case .playbackStopped(let ms): "speech stopped after \(ms) ms"
        case .playbackFailed(let why): "speech failed: \(why)"
        case .volume(let volume, let muted): "speaker volume \(volume)\(muted ? ", muted" : "")"
        case .systemException(let text): "AVS exception: \(text)"
        }
    }
}
