import AVS
import AVSTransport
import Logging

/// Sends the outbox's events to AVS one at a time, oldest first, and removes each after its
/// 2xx. A failure leaves the event at the head: the sender waits for the connection to come
/// back (`nudge()`) or for a backoff to pass, then tries the same event again, so the order
/// AVS sees is the order the events were stored, across reconnects and reboots.
public actor OutboxSender {
    public nonisolated let outbox: EventOutbox
    /// The transport: `AVSConnection.send(_:mustDeliver: true)` in the appliance.
    private let send: @Sendable (Event) async -> EventResult
    private let clock: any Clock<Duration>
    private let logger: Logger
    private let observe: @Sendable (SessionNote) -> Void
    private let wakeups: AsyncStream<Void>
    private let wakeup: AsyncStream<Void>.Continuation
    /// Waits between attempts while nothing nudges: 1, 2, 5, 10, 20, 30 s, then 30 s.
    static let backoff: [Duration] = [.seconds(1), .seconds(2), .seconds(5), .seconds(10), .seconds(20), .seconds(30)]

    public init(outbox: EventOutbox, send: @escaping @Sendable (Event) async -> EventResult, clock: any Clock<Duration> = ContinuousClock(),
                logger: Logger, observe: @escaping @Sendable (SessionNote) -> Void = { _ in }) {
        self.outbox = outbox
        self.send = send
        self.clock = clock
        self.logger = logger
        self.observe = observe
        (wakeups, wakeup) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Something changed (a new event, the connection is back): look again now.
    public nonisolated func nudge() {
        wakeup.yield()
    }

    /// Stores an event and has it sent; throws only if it could not be stored (it is then sent
    /// once, without the guarantee, rather than not at all).
    public nonisolated func deliver(_ event: Event) throws(StateFileError) {
        try outbox.append(event)
        nudge()
    }

    /// Runs until cancelled.
    public func run() async {
        var failures = 0
        var iterator = wakeups.makeAsyncIterator()
        while !Task.isCancelled {
            guard let head = outbox.pending.first else {
                // Nothing to send: sleep until an event is stored.
                guard await iterator.next(isolation: #isolation) != nil else { return }
                continue
            }
            let name = head.event.header.qualifiedName
            let result = await send(head.event)
            switch result {
            case .delivered:
                failures = 0
                observe(.eventSent(name))
                remove(head)
            case let refused where !refused.isRetryable && refused != .expired && refused != .cancelled:
                // 400 and the like: sending it again cannot help; AVS has AlertsState.
                logger.error("AVS refused a stored event for good; dropped", metadata: ["event": "\(name)", "result": "\(refused)"])
                observe(.eventFailed(name, "\(refused)"))
                remove(head)
            default:
                // Offline, timed out, 5xx, 429: keep it at the head and try again later.
                observe(.eventFailed(name, "\(result), kept for retry"))
                if Task.isCancelled { return }
                let delay = Self.backoff[min(failures, Self.backoff.count - 1)]
                failures += 1
                // Wait for `delay`, or less when nudged (the connection came back).
                let (clock, wakeup) = (self.clock, self.wakeup)
                let timer = Task {
                    try? await clock.sleep(for: delay)
                    wakeup.yield()
                }
                _ = await iterator.next(isolation: #isolation)
                timer.cancel()
            }
        }
    }

    private func remove(_ entry: EventOutbox.Entry) {
        do {
            try outbox.remove(entry.sequence)
        } catch {
            // Stays on disk: sent again after a restart, which AVS tolerates.
            logger.error("cannot remove a delivered event from the outbox", metadata: ["error": "\(error)"])
        }
    }
}

extension OutboxSender {
    /// Last resort when the disk refuses an event: one attempt, no guarantee.
    func outboxConnectionSend(_ event: Event) async -> EventResult {
        await send(event)
    }
}
