import AVS
import Synchronization

/// The appliance's one `FocusManager`, shared by the services that play sound (the dialog,
/// alerts, the music player). Each service registers for its channel's level and asks for or
/// gives up its channel; the arbiter runs the state machine under a lock and tells every
/// channel whose level changed, in priority order.
///
/// Listeners are called on the caller's thread after the lock is released: they must only
/// hand the level on to their own actor.
public final class FocusArbiter: Sendable {
    public typealias Listener = @Sendable (FocusLevel) -> Void

    private struct State {
        var manager: FocusManager
        var listeners: [FocusChannel: [Listener]] = [:]
    }

    private let state: Mutex<State>

    public init(policy: FocusManager.Policy = .init()) {
        state = Mutex(State(manager: FocusManager(policy: policy)))
    }

    /// `listener` hears every change of `channel`'s level.
    public func observe(_ channel: FocusChannel, _ listener: @escaping Listener) {
        state.withLock { $0.listeners[channel, default: []].append(listener) }
    }

    public func acquire(_ channel: FocusChannel) { run(.acquire(channel)) }
    public func release(_ channel: FocusChannel) { run(.release(channel)) }

    public func level(of channel: FocusChannel) -> FocusLevel {
        state.withLock { $0.manager.level(of: channel) }
    }

    /// The dialog channel follows the dialog: held while listening, thinking, speaking or
    /// expecting an answer; free when idle or offline.
    public func follow(_ bridge: SessionBridge) {
        bridge.onDialogState { [self] dialog in
            switch dialog {
            case .listening, .thinking, .speaking, .expecting: acquire(.dialog)
            case .idle, .offline: release(.dialog)
            }
        }
    }

    private func run(_ input: FocusManager.Input) {
        let calls: [(Listener, FocusLevel)] = state.withLock { state in
            state.manager.handle(input).flatMap { action -> [(Listener, FocusLevel)] in
                guard case .changed(let channel, let level) = action else { return [] }
                return (state.listeners[channel] ?? []).map { ($0, level) }
            }
        }
        for (listener, level) in calls { listener(level) }
    }
}
