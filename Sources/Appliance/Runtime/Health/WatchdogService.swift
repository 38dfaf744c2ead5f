import Logging

/// Pings systemd's watchdog at half of `WATCHDOG_USEC` while every liveness probe passes (the
/// session actor answers, no audio thread is stuck in a C call). A hung session means no
/// pings, and systemd restarts the process.
public struct WatchdogService: Sendable {
    public let notifier: SystemdNotifier
    public let probes: [LivenessProbe]
    public let period: Duration
    public let clock: any Clock<Duration>
    public let logger: Logger

    public init(notifier: SystemdNotifier, probes: [LivenessProbe], period: Duration,
                clock: any Clock<Duration> = ContinuousClock(), logger: Logger) {
        self.notifier = notifier
        self.probes = probes
        self.period = period
        self.clock = clock
        self.logger = logger
    }

    /// How long each probe may take: half the ping interval, so a round of probes never
    /// delays a ping past the period, and a busy board has time to answer.
    var probeTimeout: Duration { period / 4 }

    /// Runs until cancelled.
    public func run() async {
        var machine = WatchdogMachine(watchdogPeriod: period)
        var inputs: [WatchdogMachine.Input] = [.start]
        while !inputs.isEmpty, !Task.isCancelled {
            for action in machine.handle(inputs.removeFirst()) {
                switch action {
                case .probe:
                    inputs.append(.probed(failing: await failingProbes()))
                case .sendWatchdog:
                    notifier.watchdog()
                case .schedule(let delay):
                    do {
                        try await clock.sleep(for: delay)
                    } catch {
                        return
                    }
                    inputs.append(.timerFired)
                case .reportWithheld(let names):
                    logger.error("watchdog: not pinging systemd, not alive: \(names.joined(separator: ", ")); systemd restarts hark if this lasts")
                case .reportRecovered:
                    logger.notice("watchdog: everything answers again; pinging systemd")
                }
            }
        }
    }

    /// The names of the probes that did not pass, checked concurrently.
    func failingProbes() async -> [String] {
        let timeout = probeTimeout
        return await withTaskGroup(of: (String, Bool).self) { group in
            for probe in probes {
                group.addTask { (probe.name, await probe.check(timeout)) }
            }
            var failing: [String] = []
            for await (name, alive) in group where !alive { failing.append(name) }
            return failing.sorted()
        }
    }
}
