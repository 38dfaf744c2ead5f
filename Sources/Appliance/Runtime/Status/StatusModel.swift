import AVS

/// What decides the appliance status, folded from what the parts report. A value: the hub
/// feeds it and compares the status before and after.
public struct StatusModel: Sendable, Hashable {
    /// A refresh token is stored (`false`: `unlinked`, whatever else holds).
    public var linked = true
    /// Connected and synchronized with AVS.
    public var connected = false
    /// The dialog's state as the session last reported it.
    public var dialog = DialogState.offline
    /// A failure that needs a person, in words; cleared by the part that set it.
    public var failure: String?
    /// Speaker settings as last reported.
    public var volume: Int?
    public var muted = false

    public init(linked: Bool = true) {
        self.linked = linked
    }

    /// Unlinked beats a failure beats offline beats the dialog's own state.
    public var status: ApplianceStatus {
        if !linked { return .unlinked }
        if failure != nil { return .error }
        if !connected { return .offline }
        return ApplianceStatus(dialog)
    }

    /// Folds a session note in.
    public mutating func apply(_ note: SessionNote) {
        switch note {
        case .connection(let isConnected):
            connected = isConnected
            if !isConnected { dialog = .offline }
        case .state(let state):
            dialog = state
        case .volume(let level, let isMuted):
            volume = level
            muted = isMuted
        default:
            break
        }
    }
}
