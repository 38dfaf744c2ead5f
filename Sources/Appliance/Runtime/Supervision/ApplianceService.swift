import Synchronization

/// One long-running part of `hark run` (control socket, authorization, session, watchdog), as
/// swift-service-lifecycle's one-method `Service`: `run` returns when the service is done.
///
/// Graceful shutdown is separate from cancellation: on SIGTERM the supervisor triggers
/// `context.shutdown` (finish the turn's bookkeeping, close sockets, say goodbye) and waits;
/// only a service that overstays its grace period has its task cancelled.
public protocol ApplianceService: Sendable {
    /// For log lines ("control socket", "session").
    var name: String { get }
    /// Runs until `context.shutdown` is triggered (return then) or something fails (throw; the
    /// supervisor restarts the service with backoff, or stops everything for a `FatalError`).
    /// Call `context.ready()` once the service serves, so the next one can start.
    func run(_ context: ServiceContext) async throws
}

/// A failure that restarting cannot fix (a configuration the running process refuses): the
/// supervisor stops everything and `hark run` exits non-zero with `reason`.
public struct FatalError: Error, Sendable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// What a running service gets from the supervisor.
public struct ServiceContext: Sendable {
    public let shutdown: ShutdownSignal
    let readySignal: ShutdownSignal

    /// The service is up; the supervisor starts the next one.
    public func ready() { readySignal.trigger() }
}

/// A one-shot flag a task can wait on: graceful shutdown, or "ready".
public final class ShutdownSignal: Sendable {
    private let state = Mutex<(triggered: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    public init() {}

    public var isTriggered: Bool { state.withLock { $0.triggered } }

    public func trigger() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            guard !state.triggered else { return [] }
            state.triggered = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once triggered (at once if it already was).
    public func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state -> Bool in
                if state.triggered { return true }
                state.waiters.append(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Waits until triggered or `duration` passed; `true` when triggered.
    public func wait(upTo duration: Duration, clock: any Clock<Duration> = ContinuousClock()) async -> Bool {
        await LivenessProbe.answers(within: duration, clock: clock) {
            await self.wait()
            return true
        }
    }
}
