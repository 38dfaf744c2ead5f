import Synchronization

/// The session in service now. The session runner replaces it when it rebuilds; the control
/// socket, the button and the watchdog reach whichever session is current through here.
public final class SessionSlot: Sendable {
    private let session = Mutex<SessionService?>(nil)

    public init() {}

    public var current: SessionService? { session.withLock { $0 } }

    func replace(with newSession: SessionService?) {
        session.withLock { $0 = newSession }
    }

    /// A button gesture for the current session (dropped while none runs).
    public func trigger(_ trigger: SessionService.Trigger) {
        current?.trigger(trigger)
    }

    public func setVolume(_ level: Int) {
        guard let session = current else { return }
        Task { await session.setVolume(level) }
    }

    public func setMuted(_ muted: Bool) {
        guard let session = current else { return }
        Task { await session.setMuted(muted) }
    }

    /// The session actor answers a ping within `timeout` (no session yet counts as alive:
    /// the runner is between builds, and its own failures are restarted by the supervisor).
    public func probe() -> LivenessProbe {
        LivenessProbe(name: "session") { timeout in
            guard let session = self.current else { return true }
            return await LivenessProbe.answers(within: timeout) { await session.ping() }
        }
    }
}
