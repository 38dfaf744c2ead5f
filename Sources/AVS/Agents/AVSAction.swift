/// What the dialog session and its capability agents ask the device to do. The session's
/// owner carries these out in order and reports back with inputs.
public enum AVSAction: Sendable, Hashable {
    /// Open the microphone and stream into the Recognize just sent.
    case startCapture(RecognizeProfile, RecognizeAudioFormat)
    /// Close the microphone and the Recognize request body now.
    case stopCapture
    /// Send an event without audio.
    case sendEvent(Event)
    /// Open a Recognize request (metadata now, audio streamed until `stopCapture`).
    case sendRecognize(Event)
    /// Play the attachment `contentID` (an MP3 that may still be downloading).
    case play(contentID: String, token: String)
    /// Stop playing speech; report where with `playbackStopped(offsetInMilliseconds:)`.
    case stopPlayback
    /// Set the output volume, 0...100.
    case setVolume(Int)
    case setMute(Bool)
    /// Store the speaker settings so they survive a restart.
    case persistSpeaker(SpeakerSettings)
    /// Start a timer; one already running is moved to the new moment (no `cancel` needed).
    case schedule(TimerID, after: Duration)
    case cancel(TimerID)
    case stateChanged(DialogState)
    /// AVS reported an error (`System.Exception`): log it and surface it to the user.
    case systemException(code: String, description: String)
    /// AVS moved the device to another endpoint (`SetGateway` / `SetEndpoint`): persist it
    /// and reconnect there.
    case changeEndpoint(String)
    /// A directive was discarded because it belongs to an older dialog (for logs).
    case directiveDropped(MessageHeader)
    /// A directive for an agent that lives outside the dialog (Alerts, AudioPlayer,
    /// PlaybackController, Notifications), released by the sequencer in dialog order: an
    /// AudioPlayer.Play after a Speak of the same dialog comes out only once the Speak ended.
    case forward(Directive)
}

/// The timers the session uses. Only their owner's clock knows what time it is.
public enum TimerID: Sendable, Hashable {
    /// Local safety cap on a tap-to-talk capture that AVS never stops.
    case captureLimit
    /// How long an `ExpectSpeech` waits for the user.
    case expectSpeechTimeout
    /// One hour without user activity (`System.UserInactivityReport`).
    case userInactivity
}

/// The session's state, as a light or a status command would show it.
public enum DialogState: String, Sendable, Hashable {
    case idle, listening, thinking, speaking, expecting, offline
}

/// `SpeechRecognizer.Recognize` profile: how far the user is from the microphone and who
/// ends the capture.
public enum RecognizeProfile: String, Sendable, Hashable {
    /// Hold-to-talk: the device ends the audio when the button is released.
    case closeTalk = "CLOSE_TALK"
    /// Tap-to-talk: AVS ends the audio with StopCapture.
    case nearField = "NEAR_FIELD"
    case farField = "FAR_FIELD"
}

/// `SpeechRecognizer.Recognize` audio format.
public enum RecognizeAudioFormat: String, Sendable, Hashable {
    /// 16 kHz mono Opus, 32 kbit/s CBR, 20 ms frames of 80 bytes.
    case opus = "OPUS"
    /// 16 kHz mono signed 16-bit little-endian PCM.
    case l16 = "AUDIO_L16_RATE_16000_CHANNELS_1"
}

/// Speaker state that is persisted across restarts.
public struct SpeakerSettings: Sendable, Hashable, Codable {
    /// 0...100.
    public var volume: Int
    public var muted: Bool

    public init(volume: Int = 50, muted: Bool = false) {
        self.volume = volume
        self.muted = muted
    }
}
