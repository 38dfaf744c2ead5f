import AVS
import Synchronization

/// What agents outside the dialog (Alerts, AudioPlayer, PlaybackController, Notifications)
/// see of the session: the directives the dialog forwards to them, by namespace, in the order
/// the sequencer released them; whether the session is connected (synchronized); the user's
/// triggers (a `stop` silences an alert too); and the dialog's state (for focus).
///
/// Handlers are called on the session's actor, in order: they must only hand the value on
/// (to their own actor's inbox), never block.
public final class SessionBridge: Sendable {
    public typealias DirectiveHandler = @Sendable (Directive) -> Void

    private struct Listeners {
        var directives: [String: DirectiveHandler] = [:]
        var connection: [@Sendable (Bool) -> Void] = []
        var triggers: [@Sendable (SessionService.Trigger) -> Void] = []
        var dialog: [@Sendable (DialogState) -> Void] = []
    }

    private let listeners = Mutex(Listeners())

    public init() {}

    /// Directives of `namespace` go to `handler` (one handler per namespace; a later one
    /// replaces it).
    public func route(namespace: String, to handler: @escaping DirectiveHandler) {
        listeners.withLock { $0.directives[namespace] = handler }
    }

    public func onConnectionChange(_ handler: @escaping @Sendable (Bool) -> Void) {
        listeners.withLock { $0.connection.append(handler) }
    }

    public func onTrigger(_ handler: @escaping @Sendable (SessionService.Trigger) -> Void) {
        listeners.withLock { $0.triggers.append(handler) }
    }

    public func onDialogState(_ handler: @escaping @Sendable (DialogState) -> Void) {
        listeners.withLock { $0.dialog.append(handler) }
    }

    /// Forgets every handler. The session does this when its loop ends: the handlers hold the
    /// agents, and the agents hold the session, so without it an ended session and everything
    /// attached to it would keep each other alive through every rebuild.
    func detachAll() {
        listeners.withLock { $0 = Listeners() }
    }

    /// Hands a forwarded directive to its agent; false when no agent handles its namespace.
    func deliver(_ directive: Directive) -> Bool {
        guard let handler = listeners.withLock({ $0.directives[directive.header.namespace] }) else { return false }
        handler(directive)
        return true
    }

    func connectionChanged(_ connected: Bool) {
        for handler in listeners.withLock({ $0.connection }) { handler(connected) }
    }

    func triggered(_ trigger: SessionService.Trigger) {
        for handler in listeners.withLock({ $0.triggers }) { handler(trigger) }
    }

    func dialogStateChanged(_ state: DialogState) {
        for handler in listeners.withLock({ $0.dialog }) { handler(state) }
    }
}
