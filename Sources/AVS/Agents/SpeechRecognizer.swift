/// The SpeechRecognizer capability agent: opens and closes the microphone for a turn.
///
/// Tap-to-talk is `NEAR_FIELD` + `TAP` and ends on AVS's StopCapture or a local cap;
/// hold-to-talk is `CLOSE_TALK` + `PRESS_AND_HOLD` and ends on release (AVS never sends
/// StopCapture for it). ExpectSpeech asks for another turn: its `initiator` is echoed
/// unchanged in the next Recognize, and if the user does not speak in time,
/// `ExpectSpeechTimedOut` is sent.
public struct SpeechRecognizer: Sendable {
    public enum Trigger: Sendable, Hashable {
        case tap, hold
    }

    public enum Input: Sendable, Hashable {
        /// Start a turn: send Recognize with this dialog id and context, open the mic.
        case start(Trigger, dialogRequestId: String, context: [ContextEntry])
        /// The hold-to-talk button was released.
        case release
        /// StopCapture or ExpectSpeech.
        case directive(Directive)
        /// The microphone stopped by itself (device lost, stream ended).
        case captureStopped
        case timerFired(TimerID)
        /// Abandon whatever is going on (connection lost, user stop).
        case cancel
    }

    public struct Settings: Sendable, Hashable {
        public var format: RecognizeAudioFormat
        /// The longest tap-to-talk capture if StopCapture never comes.
        public var captureLimit: Duration
        /// Whether ExpectSpeech opens the microphone at once (true) or waits up to its
        /// timeout for the user to press the button (false).
        public var expectSpeechOpensMicrophone: Bool

        public init(format: RecognizeAudioFormat = .opus, captureLimit: Duration = .seconds(10), expectSpeechOpensMicrophone: Bool = true) {
            self.format = format
            self.captureLimit = captureLimit
            self.expectSpeechOpensMicrophone = expectSpeechOpensMicrophone
        }
    }

    public enum State: Sendable, Hashable {
        case idle
        case capturing(Trigger)
        /// An ExpectSpeech is waiting for the next Recognize, which echoes its initiator.
        case expecting(initiator: JSONValue?)
    }

    public private(set) var state = State.idle
    public let settings: Settings
    private var ids: MessageIDSource

    public init(settings: Settings = Settings(), ids: MessageIDSource = MessageIDSource()) {
        self.settings = settings
        self.ids = ids
    }

    /// `SpeechRecognizer.RecognizerState` (SpeechRecognizer 2.0).
    public var context: ContextEntry {
        ContextEntry(namespace: "SpeechRecognizer", name: "RecognizerState", payload: ["wakeword": "ALEXA"])
    }

    public var isCapturing: Bool {
        if case .capturing = state { return true }
        return false
    }

    public mutating func handle(_ input: Input) -> [AVSAction] {
        switch (state, input) {
        case (.idle, .start(let trigger, let dialogRequestId, let context)):
            // A fresh turn from the button.
            return begin(trigger, initiator: nil, dialogRequestId: dialogRequestId, context: context)
        case (.expecting(let initiator), .start(let trigger, let dialogRequestId, let context)):
            // The answer to ExpectSpeech: its initiator goes back unchanged.
            var actions: [AVSAction] = settings.expectSpeechOpensMicrophone ? [] : [.cancel(.expectSpeechTimeout)]
            actions += begin(trigger, initiator: initiator, dialogRequestId: dialogRequestId, context: context)
            return actions
        case (.capturing, .start):
            // Already listening; the session ends the old capture before starting anew.
            return []
        case (.capturing(.tap), .directive(let directive)) where directive.header.name == "StopCapture":
            // AVS heard the end of the utterance.
            state = .idle
            return [.stopCapture, .cancel(.captureLimit)]
        case (_, .directive(let directive)) where directive.header.name == "StopCapture":
            // Hold-to-talk ends on release only; a late StopCapture has nothing to stop.
            return []
        case (_, .directive(let directive)) where directive.header.name == "ExpectSpeech":
            return expectSpeech(directive)
        case (_, .directive(let directive)):
            // Not a SpeechRecognizer directive this agent knows.
            return [.reject(directive, .unsupportedOperation, "unsupported directive \(directive.header.qualifiedName)", ids: &ids)]
        case (.capturing(.tap), .timerFired(.captureLimit)):
            // StopCapture never came: end the capture ourselves.
            state = .idle
            return [.stopCapture]
        case (.capturing(.hold), .release):
            // Hold-to-talk: the audio ends with the button.
            state = .idle
            return [.stopCapture]
        case (.capturing(let trigger), .captureStopped), (.capturing(let trigger), .cancel):
            // The microphone is gone or the turn is abandoned: close the request too.
            state = .idle
            return trigger == .tap ? [.stopCapture, .cancel(.captureLimit)] : [.stopCapture]
        case (.expecting, .timerFired(.expectSpeechTimeout)):
            // The user did not answer in time.
            state = .idle
            return [.sendEvent(Event(header: header("ExpectSpeechTimedOut")))]
        case (.expecting, .cancel):
            // The follow-up is abandoned (barge-in elsewhere, connection lost).
            state = .idle
            return settings.expectSpeechOpensMicrophone ? [] : [.cancel(.expectSpeechTimeout)]
        case (_, .release), (_, .captureStopped), (_, .timerFired), (_, .cancel):
            // Nothing to do in this state (a stale timer, a release after a tap, ...).
            return []
        }
    }

    private mutating func begin(
        _ trigger: Trigger, initiator: JSONValue?, dialogRequestId: String, context: [ContextEntry]
    ) -> [AVSAction] {
        let profile: RecognizeProfile = trigger == .tap ? .nearField : .closeTalk
        let defaultInitiator: JSONValue = ["type": trigger == .tap ? "TAP" : "PRESS_AND_HOLD", "payload": .emptyObject]
        let payload: JSONValue = [
            "profile": .string(profile.rawValue),
            "format": .string(settings.format.rawValue),
            "initiator": initiator ?? defaultInitiator,
        ]
        let event = Event(header: header("Recognize", dialogRequestId: dialogRequestId), payload: payload, context: context)
        state = .capturing(trigger)
        var actions: [AVSAction] = [.sendRecognize(event), .startCapture(profile, settings.format)]
        if trigger == .tap { actions.append(.schedule(.captureLimit, after: settings.captureLimit)) }
        return actions
    }

    private mutating func expectSpeech(_ directive: Directive) -> [AVSAction] {
        guard let timeout = directive.payload["timeoutInMilliseconds"]?.intValue, timeout >= 0 else {
            return [.reject(directive, .unexpectedInformationReceived, "ExpectSpeech needs timeoutInMilliseconds", ids: &ids)]
        }
        var actions: [AVSAction] = []
        if case .capturing(let trigger) = state {
            // Cannot happen in a well-behaved dialog; close the old capture before expecting.
            actions += [.stopCapture] + (trigger == .tap ? [.cancel(.captureLimit)] : [])
        }
        let initiator = directive.payload["initiator"]
        state = .expecting(initiator: initiator == .null ? nil : initiator)
        if !settings.expectSpeechOpensMicrophone {
            actions.append(.schedule(.expectSpeechTimeout, after: .milliseconds(timeout)))
        }
        return actions
    }

    private mutating func header(_ name: String, dialogRequestId: String? = nil) -> MessageHeader {
        MessageHeader(namespace: "SpeechRecognizer", name: name, messageId: ids.makeID(), dialogRequestId: dialogRequestId)
    }
}
