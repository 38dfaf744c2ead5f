/// The three audio activities that share one speaker, highest priority first: Alexa's
/// dialog (listening, speech), then alerts (alarms, timers, reminders), then content (music).
public enum FocusChannel: Int, Sendable, Hashable, CaseIterable, Comparable {
    case dialog = 0
    case alerts = 1
    case content = 2

    /// A channel with a smaller raw value wins.
    public static func < (lhs: FocusChannel, rhs: FocusChannel) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}

/// How an activity may go on while a higher channel holds the speaker.
public enum FocusMixing: String, Sendable, Hashable {
    /// Keep playing, quieter (ducked).
    case duck
    /// Stop producing sound and resume where it left off when the foreground comes back.
    case pause
}

/// One channel's share of the speaker.
public enum FocusLevel: Sendable, Hashable, CustomStringConvertible {
    /// It owns the speaker.
    case foreground
    /// A higher channel owns it; the activity ducks or pauses as told.
    case background(FocusMixing)
    /// The channel is not in use (released, or never acquired).
    case none

    public var description: String {
        switch self {
        case .foreground: "foreground"
        case .background(let mixing): "background(\(mixing.rawValue))"
        case .none: "none"
        }
    }
}
