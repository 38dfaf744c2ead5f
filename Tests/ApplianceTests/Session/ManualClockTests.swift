import Synchronization
import TestSupport
import Testing

/// The clock the session tests drive time with. A sleep that never ends hangs the whole test
/// run silently, so its edge cases are pinned down here.
@Suite struct ManualClockTests {
    /// The session's drain races a sleep against the event sender and cancels the loser at
    /// once; the sleep may be cancelled before it has registered. It must still end.
    @Test func aSleepCancelledBeforeItRegistersEnds() async {
        let clock = ManualClock()
        let ended = EndedCount()
        for _ in 0..<50 {
            Task {
                withUnsafeCurrentTask { $0?.cancel() }
                do { try await clock.sleep(for: .seconds(1)) } catch { ended.count.withLock { $0 += 1 } }
            }
        }
        // Awaiting the tasks would hang this test if the bug came back; poll with a bound.
        let deadline = ContinuousClock.now + .seconds(10)
        while ended.count.withLock({ $0 }) < 50, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        #expect(ended.count.withLock { $0 } == 50, "cancelled sleeps still waiting")
        #expect(clock.sleeperCount == 0)
    }

    @Test func sleepersWakeWhenTheirDeadlinePassesAndCancellationThrows() async throws {
        let clock = ManualClock()
        let woken = Task { try await clock.sleep(for: .seconds(5)) }
        let cancelled = Task { try await clock.sleep(for: .seconds(60)) }
        while clock.sleeperCount < 2 { await Task.yield() }
        await clock.advance(by: .seconds(4), step: .seconds(1))
        #expect(clock.sleeperCount == 2)
        await clock.advance(by: .seconds(1), step: .seconds(1))
        try await woken.value
        #expect(clock.sleeperCount == 1)
        cancelled.cancel()
        await #expect(throws: CancellationError.self) { try await cancelled.value }
        #expect(clock.sleeperCount == 0)
    }
}

private final class EndedCount: Sendable {
    let count = Mutex(0)
}
