import AVS
import Synchronization

/// The status fan-out: session notes, link and failure changes come in; every subscriber
/// (LED, control socket clients, systemd's `STATUS=`) hears each note and each status change.
///
/// Subscribers are called on the publisher's thread, outside the lock, and must not block:
/// the control socket only queues, the LED only stores a pattern. A subscriber that wants to
/// do slow work hands the event to its own thread.
public final class StatusHub: Sendable {
    public typealias Subscriber = @Sendable (ApplianceEvent) -> Void

    private struct State {
        var model: StatusModel
        var subscribers: [Int: Subscriber] = [:]
        var nextID = 0
    }

    private let state: Mutex<State>

    public init(model: StatusModel = StatusModel()) {
        state = Mutex(State(model: model))
    }

    /// A subscription; `cancel()` (or dropping it) ends the deliveries.
    public final class Subscription: Sendable {
        private let cancelAction: Mutex<(@Sendable () -> Void)?>

        init(_ cancel: @escaping @Sendable () -> Void) {
            cancelAction = Mutex(cancel)
        }

        deinit { cancel() }

        public func cancel() {
            let action = cancelAction.withLock { action in
                defer { action = nil }
                return action
            }
            action?()
        }
    }

    /// Adds a subscriber; it hears the current status at once, then every event.
    public func subscribe(_ subscriber: @escaping Subscriber) -> Subscription {
        let (id, status) = state.withLock { state in
            defer { state.nextID += 1 }
            state.subscribers[state.nextID] = subscriber
            return (state.nextID, state.model.status)
        }
        subscriber(.status(status))
        return Subscription { [weak self] in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
    }

    /// The model now (for `status` replies).
    public var model: StatusModel { state.withLock { $0.model } }
    public var status: ApplianceStatus { model.status }

    /// A session note: delivered to everybody, and the status change it caused if any.
    public func publish(_ note: SessionNote) {
        update(event: .note(note)) { $0.apply(note) }
    }

    /// The refresh token appeared or went away.
    public func setLinked(_ linked: Bool) {
        update(event: nil) { $0.linked = linked }
    }

    /// A failure that needs a person (`nil` clears it); also published as an `error` event.
    public func setFailure(_ failure: String?) {
        update(event: failure.map(ApplianceEvent.error)) { $0.failure = failure }
    }

    /// The speaker settings a new session starts with (later changes arrive as notes).
    public func setSpeaker(volume: Int, muted: Bool) {
        update(event: nil) { $0.volume = volume; $0.muted = muted }
    }

    /// An error to tell subscribers about that does not change the status (a service restarted).
    public func report(_ error: String) {
        update(event: .error(error)) { _ in }
    }

    private func update(event: ApplianceEvent?, _ change: (inout StatusModel) -> Void) {
        let (subscribers, changed) = state.withLock { state -> ([Subscriber], ApplianceStatus?) in
            let before = state.model.status
            change(&state.model)
            let after = state.model.status
            let ordered = state.subscribers.sorted { $0.key < $1.key }.map(\.value)
            return (ordered, after == before ? nil : after)
        }
        for subscriber in subscribers {
            if let event { subscriber(event) }
            if let changed { subscriber(.status(changed)) }
        }
    }
}
