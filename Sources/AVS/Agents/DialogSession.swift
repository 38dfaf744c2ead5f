/// One device's conversation with Alexa: composes the directive sequencer and the
/// capability agents, and reports the state a light or `status` shows (idle, listening,
/// thinking, speaking, expecting, offline).
///
/// A value state machine: the owner feeds it what happened (button, directives, player and
/// microphone reports, timers, connection) and carries out the actions it returns. It never
/// reads the clock; timers come back as `.timerFired`.
public struct DialogSession: Sendable {
    public enum Input: Sendable, Hashable {
        /// Tap-to-talk button.
        case tap
        /// Hold-to-talk button down / up.
        case press, release
        /// The user wants silence: stop listening and speaking.
        case stop
        case directive(Directive)
        /// A directive part that is not a valid directive (answered with ExceptionEncountered).
        case unparsableDirective(DirectiveParseError)
        /// Attachment bookkeeping from the transport; the player reads attachments by Content-ID.
        case attachmentBegan(contentID: String), attachmentEnded(contentID: String)
        case playbackStarted
        case playbackProgress(offsetInMilliseconds: Int)
        case playbackFinished
        case playbackStopped(offsetInMilliseconds: Int)
        case playbackFailed
        /// The microphone stopped by itself.
        case captureStopped
        /// The Recognize request's response has ended (with or without directives).
        case recognizeFinished
        case timerFired(TimerID)
        /// Connected means synchronized (SynchronizeState answered 2xx).
        case connectionChanged(connected: Bool)
    }

    public struct Settings: Sendable, Hashable {
        public var recognizer: SpeechRecognizer.Settings
        /// Restored from the last run.
        public var speaker: SpeakerSettings

        public init(recognizer: SpeechRecognizer.Settings = .init(), speaker: SpeakerSettings = .init()) {
            self.recognizer = recognizer
            self.speaker = speaker
        }
    }

    public private(set) var state = DialogState.offline
    public private(set) var sequencer = DirectiveSequencer()
    public private(set) var recognizer: SpeechRecognizer
    public private(set) var synthesizer: SpeechSynthesizer
    public private(set) var speaker: Speaker
    public private(set) var system: SystemAgent
    private var ids: MessageIDSource
    private var connected = false
    /// The microphone closed and the answer has not come yet.
    private var awaitingResponse = false

    public init(settings: Settings = Settings(), ids: MessageIDSource = MessageIDSource()) {
        var ids = ids
        recognizer = SpeechRecognizer(settings: settings.recognizer, ids: MessageIDSource(seed: ids.next()))
        synthesizer = SpeechSynthesizer(ids: MessageIDSource(seed: ids.next()))
        speaker = Speaker(settings: settings.speaker, ids: MessageIDSource(seed: ids.next()))
        system = SystemAgent(ids: MessageIDSource(seed: ids.next()))
        self.ids = ids
    }

    /// Context entries of agents outside the dialog (AlertsState, PlaybackState,
    /// IndicatorState), set by the owner before each input; every context the session builds
    /// (Recognize, SynchronizeState) carries them after its own.
    public var externalContext: [ContextEntry] = []

    /// The full context: every capability's state.
    public var context: [ContextEntry] {
        let own = [recognizer.context, synthesizer.context, speaker.context]
        return own + externalContext.filter { entry in
            !own.contains { $0.namespace == entry.namespace && $0.name == entry.name }
        }
    }

    /// `System.SynchronizeState` with the full context, for the transport to send when the
    /// downchannel opens.
    public mutating func synchronizeStateEvent() -> Event {
        system.synchronizeState(context: context)
    }

    public mutating func handle(_ input: Input) -> [AVSAction] {
        var actions: [AVSAction]
        switch (state, input) {
        case (.offline, .connectionChanged(connected: true)):
            // Synchronized: the inactivity clock starts with the first connection.
            connected = true
            actions = system.handle(.start)
        case (_, .connectionChanged(connected: true)):
            // Already connected.
            actions = []
        case (_, .connectionChanged(connected: false)):
            // Lost: a capture or follow-up cannot reach AVS any more. Speech already
            // downloading may play out.
            connected = false
            awaitingResponse = false
            actions = recognizer.handle(.cancel)
        case (.offline, .tap), (.offline, .press):
            // No connection, no turn.
            actions = []
        case (.listening, .tap), (.listening, .press):
            // Already listening.
            actions = []
        case (_, .tap):
            // A new turn; barges in on speech.
            actions = startTurn(.tap)
        case (_, .press):
            actions = startTurn(.hold)
        case (.listening, .release):
            // Hold-to-talk: the audio ends here.
            actions = system.handle(.activity) + recognizer.handle(.release)
            awaitingResponse = !recognizer.isCapturing
        case (_, .release):
            // A release without a hold turn (after a tap, or offline).
            actions = []
        case (_, .stop):
            // Silence: drop the capture, the follow-up and the speech.
            awaitingResponse = false
            actions = recognizer.handle(.cancel) + synthesizer.handle(.interrupt)
        case (_, .directive(let directive)):
            // Sequence first, then run what may run now.
            actions = sequence(.directive(directive))
        case (_, .unparsableDirective(let error)):
            // Not a directive at all: say so, and carry on.
            actions = [.sendEvent(.exceptionEncountered(
                unparsedDirective: error.raw, type: .unexpectedInformationReceived, message: error.description, messageId: ids.makeID()))]
        case (_, .attachmentBegan), (_, .attachmentEnded):
            // The player streams attachments by Content-ID itself.
            actions = []
        case (_, .playbackStarted):
            actions = player(.playbackStarted)
        case (_, .playbackProgress(let offset)):
            actions = player(.playbackProgress(offsetInMilliseconds: offset))
        case (_, .playbackFinished):
            actions = player(.playbackFinished)
        case (_, .playbackStopped(let offset)):
            actions = player(.playbackStopped(offsetInMilliseconds: offset))
        case (_, .playbackFailed):
            actions = player(.playbackFailed)
        case (.listening, .captureStopped):
            // The microphone ended early; whatever was sent still gets an answer.
            actions = recognizer.handle(.captureStopped)
            awaitingResponse = true
        case (_, .captureStopped):
            actions = []
        case (_, .recognizeFinished):
            // The answer is complete; if it held no speech, the turn is over.
            awaitingResponse = false
            actions = []
        case (_, .timerFired(.userInactivity)):
            actions = system.handle(.timerFired(.userInactivity))
        case (_, .timerFired(let timer)):
            // Capture cap or ExpectSpeech timeout.
            let wasCapturing = recognizer.isCapturing
            actions = recognizer.handle(.timerFired(timer))
            if wasCapturing && !recognizer.isCapturing { awaitingResponse = true }
        }
        actions += followUp()
        let newState = derivedState()
        if newState != state {
            state = newState
            actions.append(.stateChanged(newState))
        }
        return actions
    }

    // MARK: - Turns

    private mutating func startTurn(_ trigger: SpeechRecognizer.Trigger) -> [AVSAction] {
        var actions = system.handle(.activity)
        if synthesizer.current != nil {
            // Barge-in: cut the speech off (SpeechInterrupted follows when the player stops).
            actions += synthesizer.handle(.interrupt)
        }
        let dialogRequestId = ids.makeID()
        _ = sequencer.handle(.newDialog(dialogRequestId))
        awaitingResponse = false
        actions += recognizer.handle(.start(trigger, dialogRequestId: dialogRequestId, context: context))
        return actions
    }

    /// ExpectSpeech that opens the microphone by itself starts the follow-up turn now.
    private mutating func followUp() -> [AVSAction] {
        guard connected, case .expecting = recognizer.state, recognizer.settings.expectSpeechOpensMicrophone else { return [] }
        return startTurn(.tap)
    }

    private func derivedState() -> DialogState {
        if !connected { return .offline }
        if recognizer.isCapturing { return .listening }
        if synthesizer.current != nil { return .speaking }
        if case .expecting = recognizer.state { return .expecting }
        if awaitingResponse { return .thinking }
        return .idle
    }

    // MARK: - Directives

    private mutating func sequence(_ input: DirectiveSequencer.Input) -> [AVSAction] {
        var actions: [AVSAction] = []
        for step in sequencer.handle(input) {
            switch step {
            case .dispatch(let directive): actions += dispatch(directive)
            case .drop(let directive): actions.append(.directiveDropped(directive.header))
            }
        }
        return actions
    }

    private mutating func dispatch(_ directive: Directive) -> [AVSAction] {
        switch directive.header.namespace {
        case "SpeechRecognizer":
            let wasCapturing = recognizer.isCapturing
            let actions = recognizer.handle(.directive(directive))
            if wasCapturing && !recognizer.isCapturing { awaitingResponse = true }
            return actions
        case "SpeechSynthesizer":
            let actions = synthesizer.handle(.directive(directive))
            if actions.contains(where: \.isExceptionEncountered) {
                // A Speak that cannot play must not hold up the rest of its dialog.
                return actions + sequence(.completed(messageId: directive.header.messageId))
            }
            awaitingResponse = false
            return actions
        case "Speaker":
            return speaker.handle(.directive(directive))
        case "System":
            return system.handle(.directive(directive))
        case let namespace where Self.forwardedNamespaces.contains(namespace):
            // Another agent's directive, now that its turn in the dialog has come.
            return [.forward(directive)]
        case "Alexa.ApiGateway" where directive.header.name == "SetGateway":
            guard let gateway = directive.payload["gateway"]?.stringValue, !gateway.isEmpty else {
                return [.reject(directive, .unexpectedInformationReceived, "SetGateway needs a gateway", ids: &ids)]
            }
            return [.changeEndpoint(gateway)]
        default:
            return [.reject(directive, .unsupportedOperation, "unsupported directive \(directive.header.qualifiedName)", ids: &ids)]
        }
    }

    /// Namespaces whose agents run outside the dialog; their directives come out as `.forward`.
    public static let forwardedNamespaces: Set<String> = ["Alerts", "AudioPlayer", "PlaybackController", "Notifications"]

    /// A player report; when a Speak ends, its dialog's queued directives may run.
    private mutating func player(_ input: SpeechSynthesizer.Input) -> [AVSAction] {
        let before = synthesizer.current?.messageId
        var actions = synthesizer.handle(input)
        if let before, synthesizer.current?.messageId != before {
            actions += sequence(.completed(messageId: before))
        }
        return actions
    }
}

extension AVSAction {
    var isExceptionEncountered: Bool {
        if case .sendEvent(let event) = self { return event.header.qualifiedName == "System.ExceptionEncountered" }
        return false
    }
}

extension DialogSession.Input {
    /// The input for a JSON part from the transport: the directive, or why it is not one.
    public static func directivePart(_ bytes: [UInt8]) -> Self {
        switch parseDirective(bytes) {
        case .success(let directive): .directive(directive)
        case .failure(let error): .unparsableDirective(error)
        }
    }
}
