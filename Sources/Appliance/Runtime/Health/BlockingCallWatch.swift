import ALSA
import Synchronization

/// Watches the blocking C calls an audio thread makes (`snd_pcm_readi`, `snd_pcm_writei`,
/// `snd_pcm_drain`, ...): a call in progress for longer than a bound means the thread is stuck
/// (a wedged driver, a sound server that stopped answering), and the watchdog withholds its
/// ping so systemd restarts the process. An idle thread (no call in progress) is fine.
///
/// Cost: one uncontended lock and one clock read per call, i.e. per 20 ms period.
public final class BlockingCallWatch: Sendable {
    public let name: String
    private let now: @Sendable () -> ContinuousClock.Instant
    private let calls = Mutex<(next: Int, started: [Int: ContinuousClock.Instant])>((0, [:]))

    public init(name: String, now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }) {
        self.name = name
        self.now = now
    }

    /// Runs `body` as one watched call.
    public func watch<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let started = now()
        let id = calls.withLock { calls in
            defer { calls.next += 1 }
            calls.started[calls.next] = started
            return calls.next
        }
        defer { _ = calls.withLock { $0.started.removeValue(forKey: id) } }
        return try body()
    }

    /// How long the oldest call in progress has been running; nil when none is.
    public var longestCallInProgress: Duration? {
        let oldest = calls.withLock { $0.started.values.min() }
        return oldest.map { now() - $0 }
    }

    /// Alive unless a call has been in progress for longer than `bound`.
    public func probe(bound: Duration) -> LivenessProbe {
        LivenessProbe(name: name) { _ in
            guard let longest = self.longestCallInProgress else { return true }
            return longest <= bound
        }
    }
}

extension PCMDriver {
    /// This driver with every call that can block on the device watched by `watch`.
    public func watched(by watch: BlockingCallWatch) -> PCMDriver {
        var driver = self
        let base = self
        driver.open = { name, stream throws(ALSAError) in try watch.watch { () throws(ALSAError) in try base.open(name, stream) } }
        driver.readInterleaved = { pcm, buffer, frames throws(ALSAError) in
            try watch.watch { () throws(ALSAError) in try base.readInterleaved(pcm, buffer, frames) }
        }
        driver.writeInterleaved = { pcm, buffer, frames throws(ALSAError) in
            try watch.watch { () throws(ALSAError) in try base.writeInterleaved(pcm, buffer, frames) }
        }
        driver.drain = { pcm throws(ALSAError) in try watch.watch { () throws(ALSAError) in try base.drain(pcm) } }
        driver.recover = { pcm, error throws(ALSAError) in try watch.watch { () throws(ALSAError) in try base.recover(pcm, error) } }
        driver.resume = { pcm throws(ALSAError) in try watch.watch { () throws(ALSAError) in try base.resume(pcm) } }
        return driver
    }
}
