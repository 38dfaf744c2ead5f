import AVS

/// What the appliance is doing, as a light, `hark ctl status`, the control socket's events and
/// systemd's `STATUS=` show it. The dialog's state plus what lies outside a dialog: not linked
/// to an account, no connection, an error that needs a person, an alert ringing.
public enum ApplianceStatus: String, Sendable, Hashable, CaseIterable {
    /// Connected and synchronized, nothing happening.
    case idle
    /// The microphone is open and streaming to AVS.
    case listening
    /// The microphone closed; the answer has not started.
    case thinking
    /// Alexa is speaking.
    case speaking
    /// AVS asked for more speech (ExpectSpeech) and the microphone opens next.
    case expecting
    /// Not connected: no network yet, AVS unreachable, or reconnecting with backoff.
    case offline
    /// No refresh token: `hark login` links the device.
    case unlinked
    /// An alert (alarm, timer, reminder) is sounding.
    case alerting
    /// Something needs a person (audio device gone for good, configuration refused at run
    /// time); the log says what.
    case error

    /// The appliance status for a dialog state, when linked and nothing else overrides it.
    public init(_ dialog: DialogState) {
        switch dialog {
        case .idle: self = .idle
        case .listening: self = .listening
        case .thinking: self = .thinking
        case .speaking: self = .speaking
        case .expecting: self = .expecting
        case .offline: self = .offline
        }
    }
}
