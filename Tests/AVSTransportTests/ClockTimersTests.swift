import AVSTransport
import Synchronization
import Testing
import TestSupport

/// `ClockTimers` on a manual clock: a timer pushed back keeps its one task and fires once, at
/// the new moment, with the newest generation; one moved earlier fires earlier; a cancelled
/// one never fires.
@Suite struct ClockTimersTests {
    /// The firings seen, as (timer, generation) and the clock time they came at.
    final class Firings: Sendable {
        let seen = Mutex<[(id: String, generation: Int, at: Duration)]>([])
        func record(_ id: String, _ generation: Int, _ clock: ManualClock) {
            let at = clock.now.offset
            seen.withLock { $0.append((id, generation, at)) }
        }
        var all: [(id: String, generation: Int, at: Duration)] { seen.withLock { $0 } }
    }

    /// A manual clock that counts the sleeps cut short by cancellation: on a real clock each
    /// one keeps its task in memory until the moment it was due.
    final class CountingClock: Clock, Sendable {
        let base = ManualClock()
        let cancelledSleeps = Atomic<Int>(0)
        var now: TestInstant { base.now }
        var minimumResolution: Duration { base.minimumResolution }
        func sleep(until deadline: TestInstant, tolerance: Duration?) async throws {
            do {
                try await base.sleep(until: deadline, tolerance: tolerance)
            } catch {
                cancelledSleeps.add(1, ordering: .relaxed)
                throw error
            }
        }
    }

    @Test func aTimerPushedBackFiresOnceAtTheNewMomentWithoutCancellingASleep() async throws {
        let counting = CountingClock()
        let clock = counting.base
        let firings = Firings()
        var timers = ClockTimers<String>(clock: counting)
        // Pushed back by 1 s ten times, as every request pushes back the ping.
        for step in 0..<10 {
            timers.schedule("ping", after: .seconds(5)) { firings.record($0, $1, clock) }
            try await waitUntil { clock.sleeperCount == 1 }
            #expect(clock.sleeperCount == 1, "push \(step)")
            await clock.advance(by: .seconds(1))
        }
        #expect(counting.cancelledSleeps.load(ordering: .relaxed) == 0, "a push moves the deadline, it does not cancel a sleep")
        // The last push was at 9 s: due at 14 s, not at the first deadline (5 s).
        #expect(firings.all.isEmpty)
        await clock.advance(by: .seconds(4) - .milliseconds(100))
        #expect(firings.all.isEmpty, "\(firings.all)")
        await clock.advance(by: .milliseconds(200))
        try await waitUntil { !firings.all.isEmpty }
        let fired = try #require(firings.all.first)
        #expect(fired.id == "ping" && fired.at >= .seconds(14) && fired.at <= .milliseconds(14_100), "\(firings.all)")
        let taken = timers.take("ping", generation: fired.generation)
        #expect(taken, "the firing carries the newest generation")
        await clock.advance(by: .seconds(30))
        #expect(firings.all.count == 1)
    }

    @Test func aTimerMovedEarlierFiresAtTheEarlierMoment() async throws {
        let clock = ManualClock()
        let firings = Firings()
        var timers = ClockTimers<String>(clock: clock)
        timers.schedule("limit", after: .seconds(60)) { firings.record($0, $1, clock) }
        timers.schedule("limit", after: .seconds(2)) { firings.record($0, $1, clock) }
        await clock.advance(by: .milliseconds(2_100))
        try await waitUntil { !firings.all.isEmpty }
        let fired = try #require(firings.all.first)
        #expect(fired.at >= .seconds(2) && fired.at <= .milliseconds(2_100), "\(firings.all)")
        let taken = timers.take("limit", generation: fired.generation)
        #expect(taken)
        await clock.advance(by: .seconds(60))
        #expect(firings.all.count == 1, "the replaced 60 s timer never fires")
    }

    @Test func aCancelledTimerNeverFiresAndAnotherIsUntouched() async throws {
        let clock = ManualClock()
        let firings = Firings()
        var timers = ClockTimers<String>(clock: clock)
        timers.schedule("a", after: .seconds(1)) { firings.record($0, $1, clock) }
        timers.schedule("b", after: .seconds(1)) { firings.record($0, $1, clock) }
        timers.cancel("a")
        await clock.advance(by: .seconds(2))
        try await waitUntil { !firings.all.isEmpty }
        #expect(firings.all.map(\.id) == ["b"])
        // After it fired, scheduling it again starts a new timer.
        timers.schedule("b", after: .seconds(1)) { firings.record($0, $1, clock) }
        await clock.advance(by: .seconds(2))
        try await waitUntil { firings.all.count == 2 }
        #expect(firings.all.map(\.id) == ["b", "b"])
    }

    private func waitUntil(_ condition: () -> Bool) async throws {
        for _ in 0..<500 where !condition() { try await Task.sleep(for: .milliseconds(2)) }
    }
}
