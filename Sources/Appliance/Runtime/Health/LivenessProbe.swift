import Synchronization

/// Something that proves it is alive when asked: the session actor answering a ping, an audio
/// thread not stuck inside one C call. The watchdog pings systemd only while every probe passes.
public struct LivenessProbe: Sendable {
    /// For the log line when the probe fails ("session", "capture").
    public let name: String
    /// `true` when alive; must return within `timeout` (a probe that cannot tell in time has
    /// failed).
    public let check: @Sendable (_ timeout: Duration) async -> Bool

    public init(name: String, check: @escaping @Sendable (_ timeout: Duration) async -> Bool) {
        self.name = name
        self.check = check
    }

    /// Whether `ask` answers `true` within `timeout`. The answer is awaited in a task of its
    /// own, so a hung `ask` (an actor stuck in a job) costs one suspended task, not the caller.
    public static func answers(within timeout: Duration, clock: any Clock<Duration> = ContinuousClock(),
                               _ ask: @escaping @Sendable () async -> Bool) async -> Bool {
        let outcome = FirstAnswer()
        return await withCheckedContinuation { continuation in
            outcome.install(continuation)
            let timer = Task {
                try? await clock.sleep(for: timeout)
                return outcome.resolve(false)
            }
            // An answer in time ends the timer too, so no sleeping task outlives a probe.
            let asking = Task { if outcome.resolve(await ask()) { timer.cancel() } }
            Task { if await timer.value { asking.cancel() } }
        }
    }
}

/// The first of two racing answers resumes the continuation; the other is ignored.
private final class FirstAnswer: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<Bool, Never>?, done: Bool)>((nil, false))

    func install(_ continuation: CheckedContinuation<Bool, Never>) {
        state.withLock { $0.continuation = continuation }
    }

    /// Resumes with `value` if nobody did yet; says whether this call did.
    @discardableResult
    func resolve(_ value: Bool) -> Bool {
        let continuation = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            guard !state.done, let continuation = state.continuation else { return nil }
            state.done = true
            state.continuation = nil
            return continuation
        }
        continuation?.resume(returning: value)
        return continuation != nil
    }
}
