/// A fake clock for state machines: records `schedule`/`cancel` actions and fires timers when
/// the test advances time, in deadline order.
struct FakeTimers<Timer: Hashable> {
    private(set) var now: Duration = .zero
    private(set) var deadlines: [Timer: Duration] = [:]

    mutating func schedule(_ timer: Timer, after delay: Duration) {
        deadlines[timer] = now + delay
    }

    mutating func cancel(_ timer: Timer) {
        deadlines[timer] = nil
    }

    func delay(of timer: Timer) -> Duration? {
        deadlines[timer].map { $0 - now }
    }

    /// Pops the earliest timer due by `end`, moving time to its deadline; `nil` when none is
    /// due (time then stays put: call `settle(at:)`).
    mutating func popDue(by end: Duration) -> Timer? {
        guard let (timer, deadline) = deadlines.filter({ $0.value <= end }).min(by: { $0.value < $1.value }) else {
            return nil
        }
        now = deadline
        deadlines[timer] = nil
        return timer
    }

    mutating func settle(at end: Duration) {
        now = max(now, end)
    }
}
