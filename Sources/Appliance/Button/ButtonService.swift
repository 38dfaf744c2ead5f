import GPIO
import Logging

/// The button: edges in (from an `EdgeWatcher`'s thread, or a test), gestures out through
/// `onGesture`, with the classifier's timers run on an injected clock.
///
/// Edges and timer expiries go through one inbox, so the classifier sees them in order on
/// the service's actor; nothing here blocks.
public actor ButtonService {
    private enum Message: Sendable {
        case input(ButtonClassifier.Input)
    }

    private var classifier: ButtonClassifier
    private let clock: any Clock<Duration>
    private let logger: Logger
    private let onGesture: @Sendable (ButtonGesture) -> Void
    private let inbox: AsyncStream<Message>.Continuation
    private let messages: AsyncStream<Message>
    private var timers: [ButtonClassifier.Timer: Task<Void, Never>] = [:]

    /// - Parameters:
    ///   - initiallyActive: the line's value when it was requested (`EdgeWatcher.initialValue`).
    ///   - onGesture: called on the service's actor for every gesture, in order.
    public init(settings: ButtonClassifier.Settings, initiallyActive: Bool = false,
                clock: any Clock<Duration> = ContinuousClock(), logger: Logger,
                onGesture: @escaping @Sendable (ButtonGesture) -> Void) {
        classifier = ButtonClassifier(settings: settings, initiallyActive: initiallyActive)
        self.clock = clock
        self.logger = logger
        self.onGesture = onGesture
        (messages, inbox) = AsyncStream.makeStream(of: Message.self)
    }

    /// An edge from the line (any thread).
    public nonisolated func edge(_ edge: EdgeEvent) {
        inbox.yield(.input(.edge(edge)))
    }

    /// Runs until cancelled (or `finish()`), then cancels its timers.
    public func run() async {
        perform(classifier.startActions)
        for await message in messages {
            switch message {
            case .input(let input):
                perform(classifier.handle(input))
            }
        }
        for timer in timers.values { timer.cancel() }
        timers = [:]
    }

    /// Ends `run()` after the edges already delivered.
    public nonisolated func finish() {
        inbox.finish()
    }

    private func perform(_ actions: [ButtonClassifier.Action]) {
        for action in actions {
            switch action {
            case .gesture(let gesture):
                logger.info("button: \(gesture)")
                onGesture(gesture)
            case .schedule(let timer, let delay, let generation):
                timers[timer]?.cancel()
                let (clock, inbox) = (clock, inbox)
                timers[timer] = Task {
                    do {
                        try await clock.sleep(for: delay)
                    } catch {
                        return
                    }
                    inbox.yield(.input(.timerFired(timer, generation: generation)))
                }
            case .cancel(let timer):
                timers.removeValue(forKey: timer)?.cancel()
            case .notice(let notice):
                log(notice)
            }
        }
    }

    private func log(_ notice: ButtonNotice) {
        switch notice {
        case .pressedAtStart:
            logger.warning("button: the line is active (pressed) at start; ignoring it until it is released (a stuck button, or check gpio.active_low)")
        case .heldTooLong(let duration):
            logger.notice("button: held for \(Self.milliseconds(duration)) ms: stopping all audio; ignoring the button until it is released")
        case .releasedAfterStuck(let duration):
            logger.notice("button: released after \(Self.milliseconds(duration)) ms held; working again")
        case .storm(let presses, let window):
            logger.warning("button: \(presses) presses within \(Self.milliseconds(window)) ms: a loose contact or noise? ignoring the button until it is quiet (raise gpio.debounce_ms if this repeats)")
        case .stormEnded:
            logger.notice("button: quiet again; working again")
        }
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
    }
}

extension ButtonGesture {
    /// What the gesture asks of the session: tap-to-talk, hold-to-talk press and release, or
    /// stop (the very long press).
    public var trigger: SessionService.Trigger {
        switch self {
        case .tap: .tap
        case .holdStarted: .press
        case .holdEnded: .release
        case .longPress: .stop
        }
    }
}
