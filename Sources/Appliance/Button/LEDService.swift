import GPIO
import Logging

/// The status light: `show(_:)` from anywhere, the pattern played on an output line with an
/// injected clock. A failing line is logged once and the service carries on (a light is never
/// worth stopping the appliance for).
public actor LEDService {
    private enum Message: Sendable {
        case input(LEDMachine.Input)
    }

    private var machine = LEDMachine()
    private let clock: any Clock<Duration>
    private let logger: Logger
    private let drive: @Sendable (Bool) throws(GPIOError) -> Void
    private let inbox: AsyncStream<Message>.Continuation
    private let messages: AsyncStream<Message>
    private var timer: Task<Void, Never>?
    private var failed = false

    /// - Parameter drive: sets the light (logical level), e.g. `OutputLine.set`.
    public init(clock: any Clock<Duration> = ContinuousClock(), logger: Logger,
                drive: @escaping @Sendable (Bool) throws(GPIOError) -> Void) {
        self.clock = clock
        self.logger = logger
        self.drive = drive
        (messages, inbox) = AsyncStream.makeStream(of: Message.self)
    }

    /// Drives `line`.
    public init(line: OutputLine, clock: any Clock<Duration> = ContinuousClock(), logger: Logger) {
        self.init(clock: clock, logger: logger, drive: { active throws(GPIOError) in try line.set(active) })
    }

    /// Shows `status` from now on (any thread).
    public nonisolated func show(_ status: ApplianceStatus) {
        inbox.yield(.input(.show(status)))
    }

    /// Runs until `finish()` or cancellation; leaves the light off.
    public func run() async {
        for await message in messages {
            switch message {
            case .input(let input):
                if case .show(let status) = input { logger.debug("LED: \(status)") }
                perform(machine.handle(input))
            }
        }
        timer?.cancel()
        set(false)
    }

    public nonisolated func finish() {
        inbox.finish()
    }

    private func perform(_ actions: [LEDMachine.Action]) {
        for action in actions {
            switch action {
            case .set(let on):
                set(on)
            case .schedule(let delay, let generation):
                timer?.cancel()
                let (clock, inbox) = (clock, inbox)
                timer = Task {
                    do {
                        try await clock.sleep(for: delay)
                    } catch {
                        return
                    }
                    inbox.yield(.input(.timerFired(generation: generation)))
                }
            case .cancelTimer:
                timer?.cancel()
                timer = nil
            }
        }
    }

    private func set(_ on: Bool) {
        logger.debug("LED line \(on ? "on" : "off")")
        do {
            try drive(on)
        } catch {
            guard !failed else { return }
            failed = true
            logger.warning("LED: \(error); the status light stays as it is")
        }
    }
}
