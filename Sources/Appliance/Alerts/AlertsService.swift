#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import AVS
import Audio
import Logging

/// Runs the `AlertsAgent` against the real world: alerts come from the session (forwarded
/// directives), are kept in the alert store, sound on their own playback stream at their
/// wall-clock time whether or not AVS is reachable, and every event goes through the
/// outbox, so none is lost to a network outage or a reboot.
public actor AlertsService {
    public struct Services: Sendable {
        /// The alerts' own stream on the playback device.
        public var playback: any AudioPlayback
        public var store: AlertStore
        public var outbox: OutboxSender
        public var focus: FocusArbiter
        public var context: ContextMirror
        /// Nil: always the local tone.
        public var fetcher: AssetFetcher?
        /// Drives the waits (tests pass a faster one).
        public var clock: any Clock<Duration>
        /// Calendar time now (`clock_gettime(CLOCK_REALTIME)` on the device).
        public var wallClock: @Sendable () -> AlertTime
        /// The alert's volume at full and lowered (0...100): under a dialog it ducks.
        public var volume: Int

        public init(playback: any AudioPlayback, store: AlertStore, outbox: OutboxSender, focus: FocusArbiter, context: ContextMirror,
                    fetcher: AssetFetcher? = nil, clock: any Clock<Duration> = ContinuousClock(),
                    wallClock: @escaping @Sendable () -> AlertTime = AlertsService.systemTime, volume: Int = 70) {
            self.playback = playback
            self.store = store
            self.outbox = outbox
            self.focus = focus
            self.context = context
            self.fetcher = fetcher
            self.clock = clock
            self.wallClock = wallClock
            self.volume = volume
        }
    }

    /// What the service did, for the log, `hark ctl` and tests.
    public enum Note: Sendable, Hashable {
        case sounding(token: String, tone: Bool)
        case silent(token: String)
        case stored(count: Int)
        case eventQueued(String)
    }

    enum Message: Sendable {
        case directive(Directive)
        case stop
        case focus(FocusLevel)
        case sound(run: Int, AlertSound.Outcome)
        case wake(generation: Int)
    }

    private var agent: AlertsAgent
    private let services: Services
    private let logger: Logger
    private let observe: @Sendable (Note) -> Void
    private let inbox: AsyncStream<Message>.Continuation
    private let messages: AsyncStream<Message>
    private var runs = 0
    private var sound: (run: Int, token: String, stop: StopFlag, task: Task<Void, Never>)?
    private var wake: (generation: Int, task: Task<Void, Never>)?
    /// The last sound's task: the next alert's sound waits for it to let go of the stream.
    private var lastSound: Task<Void, Never>?

    public init(services: Services, logger: Logger, observe: @escaping @Sendable (Note) -> Void = { _ in }) {
        agent = AlertsAgent()
        self.services = services
        self.logger = logger
        self.observe = observe
        (messages, inbox) = AsyncStream.makeStream(of: Message.self)
        services.playback.setVolume(services.volume)
    }

    /// Takes Alerts directives and `stop` from the session, and the alerts channel's focus.
    public nonisolated func attach(to bridge: SessionBridge) {
        let inbox = self.inbox
        bridge.route(namespace: "Alerts") { inbox.yield(.directive($0)) }
        bridge.onTrigger { if $0 == .stop { inbox.yield(.stop) } }
        services.focus.observe(.alerts) { inbox.yield(.focus($0)) }
    }

    /// The button or `hark ctl stop` outside a session.
    public nonisolated func stop() {
        inbox.yield(.stop)
    }

    /// Loads the stored alerts and runs until cancelled.
    public func run() async {
        var stored: [Alert] = []
        do {
            stored = try services.store.load() ?? []
        } catch {
            logger.error("stored alerts unreadable; starting without them", metadata: ["error": "\(error)"])
        }
        logger.info("alerts loaded", metadata: ["count": "\(stored.count)"])
        perform(agent.handle(.start(stored: stored, now: services.wallClock())))
        let inbox = self.inbox
        await withTaskCancellationHandler {
            for await message in messages { handle(message) }
        } onCancel: {
            inbox.finish()
        }
        sound?.stop.stop()
        sound?.task.cancel()
        services.playback.stop()
        wake?.task.cancel()
    }

    private func handle(_ message: Message) {
        let now = services.wallClock()
        switch message {
        case .directive(let directive):
            perform(agent.handle(.directive(directive, now: now)))
        case .stop:
            perform(agent.handle(.stop(now: now)))
        case .focus(let level):
            perform(agent.handle(.focusChanged(level, now: now)))
        case .sound(let run, let outcome):
            guard let current = sound, current.run == run else { return }
            sound = nil
            if case .failed(let why) = outcome {
                logger.error("alert sound failed", metadata: ["token": "\(current.token)", "error": "\(why)"])
            }
            if outcome != .stopped { perform(agent.handle(.soundFinished(token: current.token, now: now))) }
        case .wake(let generation):
            guard wake?.generation == generation else { return }
            wake = nil
            perform(agent.handle(.timeReached(now: now)))
        }
    }

    private func perform(_ actions: [AlertsAgent.Action]) {
        for action in actions { perform(action) }
        services.context.provide(agent.context)
    }

    private func perform(_ action: AlertsAgent.Action) {
        switch action {
        case .send(let event):
            do {
                try services.outbox.deliver(event)
            } catch {
                logger.error("cannot store an alert event; sending it without the guarantee", metadata: ["error": "\(error)"])
                Task { [outbox = services.outbox] in _ = await outbox.outboxConnectionSend(event) }
            }
            observe(.eventQueued(event.header.qualifiedName))
        case .persist(let alerts):
            do {
                try services.store.save(alerts)
                observe(.stored(count: alerts.count))
            } catch {
                logger.error("cannot store the alerts", metadata: ["error": "\(error)"])
            }
        case .wake(let time):
            wake?.task.cancel()
            wake = nil
            guard let time else { return }
            runs += 1
            let (generation, clock, wallClock, inbox) = (runs, services.clock, services.wallClock, self.inbox)
            wake = (generation, Task {
                // Sleep in slices and look at the calendar again: the wall clock may be set
                // (NTP at boot) while we wait.
                while !Task.isCancelled {
                    let left = time.seconds(since: wallClock())
                    if left <= 0 { break }
                    do { try await clock.sleep(for: .seconds(min(left, 30))) } catch { return }
                }
                inbox.yield(.wake(generation: generation))
            })
        case .acquireFocus:
            services.focus.acquire(.alerts)
        case .releaseFocus:
            services.focus.release(.alerts)
        case .startSound(let alert):
            sound?.stop.stop()
            services.playback.setVolume(services.volume)
            runs += 1
            let (run, stop, inbox) = (runs, StopFlag(), self.inbox)
            let (playback, fetcher, observe) = (services.playback, services.fetcher, self.observe)
            logger.notice("alert sounding", metadata: ["token": "\(alert.token)", "type": "\(alert.kind.rawValue)"])
            let previous = lastSound
            let task = Task {
                await previous?.value
                let outcome = await AlertSound.play(alert, playback: playback, fetcher: fetcher, stop: stop) { source in
                    observe(.sounding(token: alert.token, tone: source == .tone))
                }
                inbox.yield(.sound(run: run, outcome))
            }
            sound = (run, alert.token, stop, task)
            lastSound = task
        case .stopSound:
            guard let current = sound else { return }
            current.stop.stop()
            services.playback.stop()
            observe(.silent(token: current.token))
        case .attenuate(let lowered):
            services.playback.setVolume(lowered ? services.volume / 4 : services.volume)
        }
    }

    /// The calendar time from `clock_gettime(CLOCK_REALTIME)`.
    public static func systemTime() -> AlertTime {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return AlertTime(secondsSince1970: Int64(now.tv_sec))
    }
}
