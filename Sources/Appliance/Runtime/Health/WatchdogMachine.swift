/// When to ping systemd's watchdog: every half period, and only after every liveness probe
/// passed. A value state machine: the service carries out its actions and feeds back the
/// timer and the probe results.
public struct WatchdogMachine: Sendable, Hashable {
    public enum Input: Sendable, Hashable {
        case start
        case timerFired
        /// The probes finished; the names of those that failed (empty: all alive).
        case probed(failing: [String])
    }

    public enum Action: Sendable, Hashable {
        /// Run every probe and report `.probed`.
        case probe
        case sendWatchdog
        /// Report `.timerFired` after this long.
        case schedule(Duration)
        /// Log once: pings withheld because these are not alive.
        case reportWithheld([String])
        /// Log once: everything is alive again, pings resume.
        case reportRecovered
    }

    enum State: Sendable, Hashable {
        case stopped
        case waiting
        case probing
    }

    /// The half of `WATCHDOG_USEC` between pings.
    public let interval: Duration
    private(set) var state = State.stopped
    /// The probes that failed last time (empty when healthy), so each failure is logged once.
    private(set) var withheldFor: [String] = []

    public init(watchdogPeriod: Duration) {
        interval = watchdogPeriod / 2
    }

    public mutating func handle(_ input: Input) -> [Action] {
        switch (state, input) {
        // Starting: prove liveness before the first ping.
        case (.stopped, .start):
            state = .probing
            return [.probe]
        case (_, .start):
            return []

        // Time for the next ping: probe first.
        case (.waiting, .timerFired):
            state = .probing
            return [.probe]
        case (_, .timerFired):
            return []

        // Everything answered: ping, and say so if pings had been withheld.
        case (.probing, .probed(let failing)) where failing.isEmpty:
            state = .waiting
            let recovered = !withheldFor.isEmpty
            withheldFor = []
            return (recovered ? [.reportRecovered] : []) + [.sendWatchdog, .schedule(interval)]

        // Something is stuck: no ping; systemd restarts us if it stays so for the period.
        case (.probing, .probed(let failing)):
            state = .waiting
            let news = failing != withheldFor
            withheldFor = failing
            return (news ? [.reportWithheld(failing)] : []) + [.schedule(interval)]
        case (_, .probed):
            return []
        }
    }
}
