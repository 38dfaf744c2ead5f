/// How long to wait before restarting a failed service: doubling from `initial` up to
/// `maximum`, back to `initial` once the service had run for `stableAfter` before failing.
public struct RestartBackoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration
    public var stableAfter: Duration
    /// Failures in a row (each within `stableAfter` of its start).
    public private(set) var failures = 0

    public init(initial: Duration = .seconds(1), maximum: Duration = .seconds(60), stableAfter: Duration = .seconds(120)) {
        self.initial = initial
        self.maximum = maximum
        self.stableAfter = stableAfter
    }

    /// The service failed after running `ranFor`: the delay before the next start.
    public mutating func failed(afterRunning ranFor: Duration) -> Duration {
        failures = ranFor >= stableAfter ? 1 : failures + 1
        var delay = initial
        for _ in 1..<failures where delay < maximum { delay *= 2 }
        return min(delay, maximum)
    }
}
