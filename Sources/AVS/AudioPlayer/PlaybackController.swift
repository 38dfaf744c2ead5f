/// The PlaybackController capability agent: the device's own play / pause / next / previous
/// buttons (or `hark ctl`). It only tells AVS what the user pressed; AVS answers with
/// AudioPlayer directives (Play, Stop, ...), so it has no state of its own beyond ids.
public struct PlaybackController: Sendable {
    /// A transport control the user operated.
    public enum Command: String, Sendable, Hashable, CaseIterable {
        case play, pause, next, previous

        /// The event's name: `PlayCommandIssued`, `PauseCommandIssued`, ...
        public var eventName: String {
            switch self {
            case .play: "PlayCommandIssued"
            case .pause: "PauseCommandIssued"
            case .next: "NextCommandIssued"
            case .previous: "PreviousCommandIssued"
            }
        }
    }

    private var ids: MessageIDSource

    public init(ids: MessageIDSource = MessageIDSource()) {
        self.ids = ids
    }

    /// The event for `command`: payload `{}`, with the full context (AVS needs the player's
    /// state to know what "next" means).
    public mutating func event(for command: Command, context: [ContextEntry]) -> Event {
        Event(header: MessageHeader(namespace: "PlaybackController", name: command.eventName, messageId: ids.makeID()),
              payload: .emptyObject, context: context)
    }
}
