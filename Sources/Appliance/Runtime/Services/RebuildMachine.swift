/// When to tear the session down and build it again: it has not been connected for
/// `session.rebuild_after_s` although the device is linked and the network is up (a default
/// route exists). The transport's own reconnect backoff handles short outages; this catches the
/// rare state it cannot leave (a wedged HTTP/2 connection, a resolver stuck on an old answer).
public struct RebuildMachine: Sendable, Hashable {
    public enum Input: Sendable, Hashable {
        /// The connection or link state changed.
        case conditions(connected: Bool, linked: Bool)
        /// The rebuild timer fired; whether the network is up now.
        case timerFired(networkUp: Bool)
    }

    public enum Action: Sendable, Hashable {
        case schedule(Duration)
        case cancelTimer
        case rebuild
    }

    enum State: Sendable, Hashable {
        /// Connected, or unlinked: nothing to watch.
        case fine
        /// Disconnected while linked: the timer runs.
        case waiting
    }

    public let rebuildAfter: Duration
    private(set) var state = State.fine
    /// The link state last seen (nil before the first report).
    private(set) var linked: Bool?

    public init(rebuildAfter: Duration) {
        self.rebuildAfter = rebuildAfter
    }

    public mutating func handle(_ input: Input) -> [Action] {
        let wasLinked = linked
        if case .conditions(_, let isLinked) = input { linked = isLinked }
        switch (state, input) {
        // Linked again after being unlinked (`hark login` in another shell): the connection
        // built while unlinked waited for a token from the authorizer that was restarted, so
        // a fresh one is built now.
        case (_, .conditions(_, linked: true)) where wasLinked == false:
            state = .fine
            return [.cancelTimer, .rebuild]

        // Lost the connection while linked: start counting.
        case (.fine, .conditions(connected: false, linked: true)):
            state = .waiting
            return [.schedule(rebuildAfter)]
        case (.fine, .conditions):
            return []

        // Connected again (or unlinked, which no rebuild fixes): stop counting.
        case (.waiting, .conditions(connected: true, _)), (.waiting, .conditions(_, linked: false)):
            state = .fine
            return [.cancelTimer]
        case (.waiting, .conditions):
            return []

        // Too long offline with the network up: rebuild, and count again for the new session.
        case (.waiting, .timerFired(networkUp: true)):
            return [.rebuild, .schedule(rebuildAfter)]
        // The network itself is down: a rebuild would not help; look again later.
        case (.waiting, .timerFired(networkUp: false)):
            return [.schedule(rebuildAfter)]
        case (.fine, .timerFired):
            return []
        }
    }
}
