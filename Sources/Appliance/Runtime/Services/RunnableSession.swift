/// A session and the services that live and end with it (alerts, notifications, the player):
/// what `SessionRunner` builds, runs and rebuilds as one.
public struct RunnableSession: Sendable {
    public let session: SessionService
    /// Run beside the session's loop; cancelled when the session ends.
    public let companions: [@Sendable () async -> Void]

    public init(session: SessionService, companions: [@Sendable () async -> Void] = []) {
        self.session = session
        self.companions = companions
    }

    /// The session's loop and its companions until the task is cancelled or the session ends.
    func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await session.run() }
            for companion in companions { group.addTask { await companion() } }
            // When the session ends (cancelled, or its inbox closed), the rest ends with it.
            await group.next()
            group.cancelAll()
        }
    }
}
