import AVS
import AVSTransport
import Audio
import Logging

/// Runs a `DialogSession` against the real services: the AVS connection, the microphone and
/// the speaker. The session's state lives on this actor, and one loop (`run()`) feeds it every
/// input in arrival order and carries out the actions it returns. Audio runs on the engines'
/// threads; the tasks that move bytes between them report back through the same inbox.
public actor SessionService {
    /// The user's button (or key): tap, press, release, stop.
    public enum Trigger: Sendable, Hashable {
        case tap, press, release, stop
    }

    enum Message: Sendable {
        case connection(ConnectionUpdate)
        case trigger(Trigger)
        case audio(AudioReport)
        case timer(TimerID, generation: Int)
    }

    public struct Services: Sendable {
        public var connection: any AVSConnection
        public var capture: any AudioCapture
        public var playback: any AudioPlayback
        public var speakerStore: SpeakerStore?
        public var clock: any Clock<Duration>

        public init(connection: any AVSConnection, capture: any AudioCapture, playback: any AudioPlayback,
                    speakerStore: SpeakerStore?, clock: any Clock<Duration> = ContinuousClock()) {
            self.connection = connection
            self.capture = capture
            self.playback = playback
            self.speakerStore = speakerStore
            self.clock = clock
        }
    }

    /// How long stopping waits for queued events to be sent.
    static let drainLimit: Duration = .seconds(2)

    private(set) var session: DialogSession
    private let services: Services
    private let micFormat: MicrophoneFormat
    let logger: Logger
    private let observe: @Sendable (SessionNote) -> Void
    private let inbox: AsyncStream<Message>.Continuation
    private let messages: AsyncStream<Message>
    /// The transport reads the context from here when it synchronizes.
    public nonisolated let contextMirror: ContextMirror
    /// Agents outside the dialog get their directives, the connection, triggers and the
    /// dialog state from here.
    public nonisolated let bridge = SessionBridge()

    var attachments = AttachmentStreams()
    private var runCounter = 0
    private var upload: (run: Int, upload: RecognizeUpload, stop: StopFlag)?
    private var recognizeMessageId: String?
    private var speech: (run: Int, stop: StopFlag, task: Task<Void, Never>)?
    private var timers: ClockTimers<TimerID>
    private var connected = false
    let eventQueue: AsyncStream<Event>.Continuation
    private let events: AsyncStream<Event>

    /// - Parameters:
    ///   - settings: the dialog's settings; `speaker` is replaced by the stored settings when
    ///     the store has some.
    ///   - observe: called (on the session's actor) for every `SessionNote`.
    public init(settings: DialogSession.Settings, micFormat: MicrophoneFormat, services: Services,
                contextMirror: ContextMirror = ContextMirror(), logger: Logger,
                observe: @escaping @Sendable (SessionNote) -> Void = { _ in }) {
        var settings = settings
        if let store = services.speakerStore {
            do {
                if let stored = try store.load() { settings.speaker = stored }
            } catch {
                logger.warning("cannot read the stored speaker settings; using the initial volume", metadata: ["error": "\(error)"])
            }
        }
        session = DialogSession(settings: settings)
        self.services = services
        timers = ClockTimers(clock: services.clock)
        self.micFormat = micFormat
        self.logger = logger
        self.observe = observe
        self.contextMirror = contextMirror
        (messages, inbox) = AsyncStream.makeStream(of: Message.self)
        (events, eventQueue) = AsyncStream.makeStream(of: Event.self)
        services.playback.setVolume(settings.speaker.volume)
        services.playback.setMuted(settings.speaker.muted)
        contextMirror.update(session.context)
    }

    /// Reports a button or key; safe from any thread.
    public nonisolated func trigger(_ trigger: Trigger) {
        inbox.yield(.trigger(trigger))
    }

    /// The dialog state now.
    public var state: DialogState { session.state }

    /// Starts the connection and runs the session until the task is cancelled, then stops the
    /// connection, the microphone and the speaker.
    public func run() async {
        let connection = services.connection
        let inbox = self.inbox
        let forwarder = Task {
            for await update in connection.updates { inbox.yield(.connection(update)) }
        }
        let sender = Task { [events, observe, logger] in
            // Events go out one after another, in the order the session produced them.
            for await event in events {
                let name = event.header.qualifiedName
                switch await connection.send(event) {
                case .delivered:
                    observe(.eventSent(name))
                case let result:
                    logger.warning("event not delivered", metadata: ["event": "\(name)", "result": "\(result)"])
                    observe(.eventFailed(name, "\(result)"))
                }
            }
        }
        connection.start()
        logger.info("session started", metadata: ["volume": "\(session.speaker.settings.volume)", "muted": "\(session.speaker.settings.muted)"])
        await withTaskCancellationHandler {
            for await message in messages {
                handle(message)
            }
        } onCancel: {
            inbox.finish()
        }
        // Events already queued (a VolumeChanged right after the last speech) still go out,
        // for at most `drainLimit`, before the connection closes.
        // (In a task of its own: this one is cancelled, and a cancelled sleep ends at once.)
        eventQueue.finish()
        await Task { [clock = services.clock] in
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await sender.value }
                group.addTask { try? await clock.sleep(for: Self.drainLimit) }
                await group.next()
                // Past the limit the sender is cancelled, not just the child awaiting it
                // (awaiting a task's value ignores cancellation): its send in flight ends at
                // once instead of after its own timeout, and so does every queued event.
                sender.cancel()
                group.cancelAll()
            }
        }.value
        sender.cancel()
        // Waits for the curl thread: a rebuilt session must not leave one behind, and the
        // process must not exit while one still runs (OpenSSL's exit-time cleanup).
        connection.shutdown()
        forwarder.cancel()
        upload?.stop.stop()
        services.capture.stop()
        speech?.stop.stop()
        services.playback.stop()
        timers.cancelAll()
        bridge.detachAll()
    }

    // MARK: - Inputs

    private func handle(_ message: Message) {
        switch message {
        case .trigger(let trigger):
            bridge.triggered(trigger)
            switch trigger {
            case .tap: feed(.tap)
            case .press: feed(.press)
            case .release: feed(.release)
            case .stop: feed(.stop)
            }
        case .connection(let update):
            handle(update)
        case .audio(let report):
            handle(report)
        case .timer(let timer, let generation):
            guard timers.take(timer, generation: generation) else { return }
            feed(.timerFired(timer))
        }
    }

    private func handle(_ update: ConnectionUpdate) {
        switch update {
        case .state(let state):
            logger.info("connection \(state)")
            let isConnected = state == .connected
            guard isConnected != connected else { return }
            connected = isConnected
            if !isConnected { endUnfinishedAttachments() }
            observe(.connection(connected: isConnected))
            bridge.connectionChanged(isConnected)
            feed(.connectionChanged(connected: isConnected))
        case .directive(let directive):
            logger.info("directive \(directive.header.qualifiedName)", metadata: ["messageId": "\(directive.header.messageId)"])
            observe(.directive(directive.header.qualifiedName))
            feed(.directive(directive))
        case .malformedDirective(let error):
            logger.warning("malformed directive", metadata: ["error": "\(error.description)"])
            observe(.malformedDirective)
            feed(.unparsableDirective(error))
        case .attachmentBegan(let contentID):
            attachments.began(contentID)
            feed(.attachmentBegan(contentID: contentID))
        case .attachmentData(let contentID, let bytes):
            if attachments.data(contentID, bytes) {
                logger.warning("dropped an attachment nobody asked for that exceeds the limit",
                               metadata: ["contentID": "\(contentID)", "limitBytes": "\(AttachmentStreams.unclaimedByteLimit)"])
            }
        case .attachmentEnded(let contentID):
            attachments.ended(contentID)
            feed(.attachmentEnded(contentID: contentID))
        case .eventResult(let messageId, let result):
            guard messageId == recognizeMessageId else { return }
            recognizeMessageId = nil
            if case .delivered = result {} else {
                logger.warning("Recognize not answered", metadata: ["result": "\(result)"])
                observe(.eventFailed("SpeechRecognizer.Recognize", "\(result)"))
                // Refused (429, 5xx) or failed while the user still speaks: nobody listens any
                // more, so close the microphone now rather than at the capture cap.
                if upload != nil { feed(.captureStopped) }
            }
            endUnfinishedAttachments()
            feed(.recognizeFinished)
        case .malformedResponse(let text):
            logger.warning("malformed response from AVS", metadata: ["problem": "\(text)"])
        }
    }

    /// Attachments still arriving when their response ended or the connection went are cut
    /// off: their streams end, so speech waiting on one ends too (see AttachmentStreams).
    private func endUnfinishedAttachments() {
        for contentID in attachments.endUnfinished() {
            logger.warning("attachment cut off: its response ended before it did", metadata: ["contentID": "\(contentID)"])
        }
    }

    private func handle(_ report: AudioReport) {
        switch report {
        case .captureEnded(let run, let bytes, let byItself):
            observe(.captureEnded(audioBytes: bytes))
            guard upload?.run == run else { return }
            upload = nil
            if byItself { feed(.captureStopped) }
        case .playbackStarted(let run):
            guard speech?.run == run else { return }
            observe(.playbackStarted)
            feed(.playbackStarted)
        case .playbackFinished(let run, let milliseconds):
            guard speech?.run == run else { return }
            speech = nil
            observe(.playbackFinished(milliseconds: milliseconds))
            feed(.playbackFinished)
        case .playbackStopped(let run, let milliseconds):
            guard speech?.run == run else { return }
            speech = nil
            observe(.playbackStopped(milliseconds: milliseconds))
            feed(.playbackStopped(offsetInMilliseconds: milliseconds))
        case .playbackFailed(let run, let why):
            guard speech?.run == run else { return }
            speech = nil
            logger.error("speech could not be played", metadata: ["error": "\(why)"])
            observe(.playbackFailed(why))
            feed(.playbackFailed)
        }
    }

    /// One input into the dialog, and its actions carried out in order.
    func feed(_ input: DialogSession.Input) {
        session.externalContext = contextMirror.provided
        let actions = session.handle(input)
        contextMirror.update(session.context)
        for action in actions { perform(action) }
    }

    // MARK: - Actions

    private func perform(_ action: AVSAction) {
        switch action {
        case .sendRecognize(let event):
            runCounter += 1
            upload?.stop.stop()
            let opened = services.connection.beginRecognize(event)
            upload = (runCounter, opened, StopFlag())
            recognizeMessageId = opened.messageId
        case .startCapture(let profile, let format):
            guard let upload else { return }
            observe(.recognizeOpened(profile: profile.rawValue, format: format.rawValue))
            let inbox = self.inbox
            let (capture, micFormat) = (services.capture, self.micFormat)
            Task {
                await MicrophoneStreaming.run(capture: capture, upload: upload.upload, format: micFormat, run: upload.run,
                                              stop: upload.stop) { inbox.yield(.audio($0)) }
            }
        case .stopCapture:
            // The task finishes the Recognize body as soon as it sees the flag.
            upload?.stop.stop()
            services.capture.stop()
        case .sendEvent(let event):
            eventQueue.yield(event)
        case .play(let contentID, _):
            runCounter += 1
            let stop = StopFlag()
            let run = runCounter
            let attachment = attachments.take(contentID)
            let (playback, inbox, clock) = (services.playback, self.inbox, services.clock)
            let task = Task {
                await SpeechPlaying.run(attachment: attachment, playback: playback, run: run, stop: stop, clock: clock) {
                    inbox.yield(.audio($0))
                }
            }
            speech = (run, stop, task)
        case .stopPlayback:
            guard let speech else { return }
            speech.stop.stop()
            services.playback.stop()
            speech.task.cancel()
        case .setVolume(let volume):
            services.playback.setVolume(volume)
            observe(.volume(volume, muted: session.speaker.settings.muted))
        case .setMute(let muted):
            services.playback.setMuted(muted)
            observe(.volume(session.speaker.settings.volume, muted: muted))
        case .persistSpeaker(let settings):
            do {
                try services.speakerStore?.save(settings)
            } catch {
                logger.error("cannot store the speaker settings", metadata: ["error": "\(error)"])
            }
        case .schedule(let timer, let delay):
            let inbox = self.inbox
            timers.schedule(timer, after: delay) { timer, generation in
                inbox.yield(.timer(timer, generation: generation))
            }
        case .cancel(let timer):
            timers.cancel(timer)
        case .stateChanged(let state):
            logger.info("dialog \(state.rawValue)")
            observe(.state(state))
            bridge.dialogStateChanged(state)
        case .systemException(let code, let description):
            logger.error("AVS reported an exception", metadata: ["code": "\(code)", "description": "\(description)"])
            observe(.systemException("\(code): \(description)"))
        case .changeEndpoint(let endpoint):
            // The transport persists and follows SetGateway itself.
            logger.notice("AVS moved this device", metadata: ["endpoint": "\(endpoint)"])
        case .directiveDropped(let header):
            logger.debug("directive of an older dialog dropped", metadata: ["directive": "\(header.qualifiedName)"])
        case .forward(let directive):
            forward(directive)
        }
    }
}
