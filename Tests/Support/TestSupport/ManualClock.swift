import Synchronization

/// A point on a test clock: the time since the clock started.
public struct TestInstant: InstantProtocol {
    public var offset: Duration
    public init(offset: Duration) { self.offset = offset }
    public func advanced(by duration: Duration) -> TestInstant { TestInstant(offset: offset + duration) }
    public func duration(to other: TestInstant) -> Duration { other.offset - offset }
    public static func < (lhs: TestInstant, rhs: TestInstant) -> Bool { lhs.offset < rhs.offset }
}

/// A clock that only moves when the test calls `advance(by:)`; sleepers wake in deadline
/// order as their deadlines pass. Cancelled sleepers throw `CancellationError`, also when the
/// cancellation comes before the sleep has registered (a task group cancelled right after it
/// added the sleeping child): such a sleep must end, or whoever awaits it waits for ever.
public final class ManualClock: Clock, Sendable {
    public typealias Instant = TestInstant

    private struct Sleeper {
        var id: Int
        var deadline: Instant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleepers: [Sleeper] = []
        /// Sleeps cancelled before they registered.
        var cancelledEarly: Set<Int> = []
        var nextID = 0
    }

    private let state = Mutex(State())

    public init() {}

    public var now: Instant { state.withLock { $0.now } }
    public var minimumResolution: Duration { .nanoseconds(1) }
    public var sleeperCount: Int { state.withLock { $0.sleepers.count } }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Outcome { case due, cancelled, waiting }
                let outcome = state.withLock { state -> Outcome in
                    if state.cancelledEarly.remove(id) != nil { return .cancelled }
                    if deadline <= state.now { return .due }
                    state.sleepers.append(Sleeper(id: id, deadline: deadline, continuation: continuation))
                    return .waiting
                }
                switch outcome {
                case .due: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                case .waiting: break
                }
            }
        } onCancel: {
            let sleeper = state.withLock { state -> Sleeper? in
                guard let index = state.sleepers.firstIndex(where: { $0.id == id }) else {
                    // Not registered yet (or already woken): the registration sees this mark.
                    state.cancelledEarly.insert(id)
                    return nil
                }
                return state.sleepers.remove(at: index)
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
        // A sleep woken by `advance` and then cancelled leaves its mark behind; drop it.
        _ = state.withLock { $0.cancelledEarly.remove(id) }
    }

    /// Moves time forward in small steps, waking due sleepers and letting them run (woken
    /// tasks, and threads such as curl's, get a moment to react before time moves on).
    public func advance(by duration: Duration, step: Duration = .milliseconds(100)) async {
        let end = now.advanced(by: duration)
        while now < end {
            let next = min(now.advanced(by: step), end)
            let due = state.withLock { state -> [Sleeper] in
                state.now = next
                let due = state.sleepers.filter { $0.deadline <= next }
                state.sleepers.removeAll { $0.deadline <= next }
                return due
            }
            for sleeper in due { sleeper.continuation.resume() }
            try? await Task.sleep(for: .milliseconds(2))
        }
    }
}
