import AVS
import Synchronization

/// The device's latest full context, readable from any thread: the transport asks for it when
/// it sends `System.SynchronizeState` while (re)connecting, outside the session's actor.
///
/// Two kinds of entries meet here: the dialog's own (SpeechSynthesizer, Speaker, ...), which
/// the session replaces after every input, and entries provided by agents that live outside
/// the dialog (Alerts.AlertsState, AudioPlayer.PlaybackState, Notifications.IndicatorState),
/// each replaced by its agent whenever its state changes. The session copies the provided
/// entries into every context it builds, so a Recognize carries them as SynchronizeState does.
public final class ContextMirror: Sendable {
    private struct Entries {
        var session: [ContextEntry] = []
        var provided: [ContextEntry] = []
    }

    private let entries = Mutex(Entries())

    public init() {}

    /// Everything: the dialog's entries, then the provided ones. A provided entry wins over a
    /// dialog entry with the same namespace and name.
    public var context: [ContextEntry] {
        entries.withLock { entries in
            entries.session.filter { entry in !entries.provided.contains { $0.sameState(as: entry) } } + entries.provided
        }
    }

    /// The entries other agents provided, in the order they first appeared.
    public var provided: [ContextEntry] { entries.withLock { $0.provided } }

    /// Sets (or replaces) one agent's context entry, identified by namespace and name.
    public func provide(_ entry: ContextEntry) {
        entries.withLock { entries in
            if let index = entries.provided.firstIndex(where: { $0.sameState(as: entry) }) {
                entries.provided[index] = entry
            } else {
                entries.provided.append(entry)
            }
        }
    }

    /// Removes a provided entry (an agent that stopped).
    public func withdraw(namespace: String, name: String) {
        entries.withLock { $0.provided.removeAll { $0.namespace == namespace && $0.name == name } }
    }

    func update(_ context: [ContextEntry]) {
        entries.withLock { $0.session = context }
    }
}

extension ContextEntry {
    /// Both describe the same capability state (namespace and name), whatever their payloads.
    func sameState(as other: ContextEntry) -> Bool {
        namespace == other.namespace && name == other.name
    }
}
