/// How an engine waits between attempts to open a device that went away.
public struct ReopenBackoff: Sendable {
    /// Waits before each attempt; the last one repeats for every later attempt.
    public var delays: [Duration]
    /// Sleeps for a delay. `nil` (the default) waits on the engine's stop signal, so `stop()`
    /// ends a wait at once; tests pass a function that returns immediately (and records).
    public var sleep: (@Sendable (Duration) -> Void)?

    public init(delays: [Duration], sleep: (@Sendable (Duration) -> Void)? = nil) {
        precondition(!delays.isEmpty, "ReopenBackoff needs at least one delay")
        self.delays = delays
        self.sleep = sleep
    }

    /// 0.1, 0.2, 0.5, 1, then every 2 seconds: fast enough to catch a sound server that restarts
    /// in a moment, slow enough not to spin while a USB microphone stays unplugged.
    public static let standard = ReopenBackoff(delays: [.milliseconds(100), .milliseconds(200), .milliseconds(500), .seconds(1), .seconds(2)])

    /// The wait before attempt `attempt` (0-based).
    public func delay(beforeAttempt attempt: Int) -> Duration {
        delays[min(attempt, delays.count - 1)]
    }
}
