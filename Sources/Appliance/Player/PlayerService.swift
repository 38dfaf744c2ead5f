import AVS
import AVSTransport
import Audio
import Logging
import Synchronization

/// Runs the AudioPlayer agent against real streams: `cid:` attachments from the AVS
/// connection and HTTPS URLs fetched by `MediaFetcher`, decoded while they download and played
/// on the content playback engine (a second PCM stream beside speech: dmix or the sound
/// server mixes them). One loop (`run()`) feeds the agent every input in arrival order and
/// carries out its actions; the stream tasks and timers report through the same inbox.
public actor PlayerService {
    public struct Configuration: Sendable {
        /// `avs.ca_file`: CAs for HTTPS streams; nil: the system store.
        public var caFile: String?
        /// A stream that delivers no byte for this long has stalled: PlaybackFailed.
        public var stallTimeout: Duration
        /// Content volume while Alexa speaks, as a share of the speaker volume, in percent.
        public var duckPercent: Int

        public init(caFile: String? = nil, stallTimeout: Duration = .seconds(10), duckPercent: Int = 40) {
            self.caFile = caFile
            self.stallTimeout = stallTimeout
            self.duckPercent = duckPercent
        }
    }

    /// How much of the speaker content may have (the focus design: dialog > alerts > content).
    public enum ContentFocus: Sendable, Hashable {
        /// Nothing else plays.
        case foreground
        /// Alexa speaks: play on, quieter.
        case ducked
        /// Something must be heard alone (an alert): hold the stream, resume later.
        case paused
    }

    /// A note for a transcript or a test.
    public enum Note: Sendable, Hashable {
        case streamStarted(token: String, url: String)
        case event(String)
        case failed(token: String, String)
        case focus(ContentFocus)
    }

    enum Message: Sendable {
        case directive(Directive)
        case command(PlaybackController.Command)
        case report(PlayerReport)
        case timer(AudioPlayer.AudioPlayerTimer, generation: Int)
        case focus(ContentFocus)
        case speaker(volume: Int, muted: Bool)
    }

    private var agent = AudioPlayer()
    private var controller = PlaybackController()
    private let configuration: Configuration
    private let playback: any AudioPlayback
    private let fetcher: MediaFetcher?
    private let attachments: @Sendable (String) async -> AsyncStream<[UInt8]>
    private let send: @Sendable (Event) -> Void
    private let fullContext: @Sendable () -> [ContextEntry]
    private let clock: any Clock<Duration>
    private let logger: Logger
    private let observe: @Sendable (Note) -> Void
    /// Called with the new PlaybackState after every change, and whether a stream is active
    /// (the content channel is wanted).
    private let provide: @Sendable (ContextEntry, Bool) -> Void
    private let inbox: AsyncStream<Message>.Continuation
    private let messages: AsyncStream<Message>
    private let contextEntry: Mutex<ContextEntry>
    private var runCounter = 0
    private var stream: (run: Int, control: StreamControl, task: Task<Void, Never>)?
    private var timers: ClockTimers<AudioPlayer.AudioPlayerTimer>
    private var focus = ContentFocus.foreground
    private var speaker = (volume: 50, muted: false)
    private var contentActive = false

    /// - Parameters:
    ///   - playback: the content engine (not the one speech plays on).
    ///   - attachments: the bytes of a `cid:` attachment, by Content-ID.
    ///   - send: queues an event for AVS.
    ///   - fullContext: every capability's state, for PlaybackController events.
    public init(configuration: Configuration, playback: any AudioPlayback,
                attachments: @escaping @Sendable (String) async -> AsyncStream<[UInt8]>,
                send: @escaping @Sendable (Event) -> Void, fullContext: @escaping @Sendable () -> [ContextEntry],
                clock: any Clock<Duration> = ContinuousClock(), logger: Logger,
                observe: @escaping @Sendable (Note) -> Void = { _ in },
                provide: @escaping @Sendable (ContextEntry, Bool) -> Void = { _, _ in }) {
        self.configuration = configuration
        self.playback = playback
        do {
            fetcher = try MediaFetcher(caFile: configuration.caFile, stallTimeout: configuration.stallTimeout)
        } catch {
            logger.error("cannot start the HTTPS client for music streams; only attachments will play", metadata: ["error": "\(error)"])
            fetcher = nil
        }
        self.attachments = attachments
        self.send = send
        self.fullContext = fullContext
        self.clock = clock
        timers = ClockTimers(clock: clock)
        self.logger = logger
        self.observe = observe
        self.provide = provide
        (messages, inbox) = AsyncStream.makeStream(of: Message.self)
        contextEntry = Mutex(AudioPlayer().context)
    }

    // MARK: - API, safe from any thread

    /// `AudioPlayer.PlaybackState`, for the context of every event.
    public nonisolated var context: ContextEntry { contextEntry.withLock { $0 } }

    /// An AudioPlayer directive, once the sequencer released it.
    public nonisolated func handle(_ directive: Directive) { inbox.yield(.directive(directive)) }

    /// The user's play / pause / next / previous (PlaybackController).
    public nonisolated func command(_ command: PlaybackController.Command) { inbox.yield(.command(command)) }

    /// What the focus machine grants content now.
    public nonisolated func setFocus(_ focus: ContentFocus) { inbox.yield(.focus(focus)) }

    /// The speaker's volume, which content follows (ducked below it while Alexa speaks).
    public nonisolated func setSpeaker(volume: Int, muted: Bool) { inbox.yield(.speaker(volume: volume, muted: muted)) }

    /// Runs until the task is cancelled, then stops the stream and the timers.
    public func run() async {
        let inbox = self.inbox
        await withTaskCancellationHandler {
            for await message in messages { handle(message) }
        } onCancel: {
            inbox.finish()
        }
        stream?.control.stop()
        stream?.task.cancel()
        playback.stop()
        timers.cancelAll()
        fetcher?.shutdown()
    }

    // MARK: - Inputs

    private func handle(_ message: Message) {
        switch message {
        case .directive(let directive):
            feed(.directive(directive))
        case .command(let command):
            let event = controller.event(for: command, context: fullContext())
            observe(.event(event.header.qualifiedName))
            send(event)
        case .report(let report):
            handle(report)
        case .timer(let timer, let generation):
            guard timers.take(timer, generation: generation) else { return }
            feed(.timerFired(timer))
        case .focus(let newFocus):
            guard newFocus != focus else { return }
            let old = focus
            focus = newFocus
            observe(.focus(newFocus))
            applyVolume()
            if newFocus == .paused { feed(.pause) } else if old == .paused { feed(.resume) }
        case .speaker(let volume, let muted):
            speaker = (volume, muted)
            applyVolume()
        }
    }

    private func handle(_ report: PlayerReport) {
        switch report {
        case .started(let run, let offset) where run == stream?.run:
            feed(.playbackStarted(offsetInMilliseconds: offset))
        case .progress(let run, let offset) where run == stream?.run:
            feed(.playbackProgress(offsetInMilliseconds: offset))
        case .bufferingComplete(let run) where run == stream?.run:
            feed(.bufferingComplete)
        case .stutterStarted(let run, let offset) where run == stream?.run:
            feed(.stutterStarted(offsetInMilliseconds: offset))
        case .stutterFinished(let run, let offset, let milliseconds) where run == stream?.run:
            feed(.stutterFinished(offsetInMilliseconds: offset, stutterMilliseconds: milliseconds))
        case .finished(let run, let offset) where run == stream?.run:
            stream = nil
            feed(.playbackFinished(offsetInMilliseconds: offset))
        case .stopped(let run, let offset) where run == stream?.run:
            stream = nil
            feed(.playbackStopped(offsetInMilliseconds: offset))
        case .failed(let run, let offset, let error) where run == stream?.run:
            stream = nil
            logger.warning("stream failed", metadata: ["error": "\(error.message)", "type": "\(error.type.rawValue)"])
            observe(.failed(token: agent.current?.item.token ?? "", error.message))
            feed(.playbackFailed(offsetInMilliseconds: offset, error))
        default:
            // A report of a stream already replaced.
            break
        }
    }

    private func feed(_ input: AudioPlayer.Input) {
        let actions = agent.handle(input)
        let context = agent.context
        let changed = contextEntry.withLock { entry in
            defer { entry = context }
            return entry != context
        }
        let active = agent.current != nil
        if changed || active != contentActive {
            contentActive = active
            provide(context, active)
        }
        for action in actions { perform(action) }
    }

    // MARK: - Actions

    private func perform(_ action: AudioPlayer.Action) {
        switch action {
        case .sendEvent(let event):
            observe(.event(event.header.qualifiedName))
            send(event)
        case .play(let item):
            start(item)
        case .stop:
            guard let stream else { return }
            stream.control.stop()
            playback.stop()
        case .pause:
            stream?.control.pause()
        case .resume:
            stream?.control.resume()
        case .schedule(let timer, let delay):
            let inbox = self.inbox
            timers.schedule(timer, after: delay) { timer, generation in
                inbox.yield(.timer(timer, generation: generation))
            }
        case .cancel(let timer):
            timers.cancel(timer)
        }
    }

    private func start(_ item: AudioItem) {
        runCounter += 1
        let run = runCounter
        let control = StreamControl()
        if focus == .paused { control.pause() }
        let (playback, inbox, attachments, fetcher) = (self.playback, self.inbox, self.attachments, self.fetcher)
        logger.info("stream starting", metadata: ["token": "\(item.token)", "url": "\(Self.loggable(item.url))", "offset": "\(item.offsetInMilliseconds)"])
        observe(.streamStarted(token: item.token, url: item.url))
        let task = Task {
            let source: AsyncStream<MediaFetcher.Chunk>
            if let contentID = item.contentID {
                source = Self.chunks(of: await attachments(contentID))
            } else if let fetcher {
                source = fetcher.stream(item.url)
            } else {
                source = AsyncStream { $0.yield(.failed(MediaError(.internalDeviceError, "no HTTPS client"))); $0.finish() }
            }
            await StreamPlaying.run(source: source, item: item, playback: playback, run: run, control: control) {
                inbox.yield(.report($0))
            }
        }
        stream = (run, control, task)
    }

    /// An attachment as stream chunks: it is complete when the AVS response part ends.
    private static func chunks(of attachment: AsyncStream<[UInt8]>) -> AsyncStream<MediaFetcher.Chunk> {
        AsyncStream { continuation in
            let task = Task {
                for await bytes in attachment { continuation.yield(.bytes(bytes)) }
                continuation.yield(.complete)
                continuation.finish()
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func applyVolume() {
        let volume = focus == .ducked ? speaker.volume * configuration.duckPercent / 100 : speaker.volume
        playback.setVolume(volume)
        playback.setMuted(speaker.muted)
    }

    /// A URL without its query (stream URLs often carry session tokens there).
    static func loggable(_ url: String) -> String {
        String(url.split(separator: "?", maxSplits: 1).first ?? "")
    }
}
