import AVS
import Audio
import Logging
import Synchronization

/// Runs the `NotificationsAgent`: SetIndicator / ClearIndicator from the session light the
/// notification indicator through `indicator` (an LED pattern hook, independent of the
/// appliance status light), chime once on the alerts' stream when asked, and persist the
/// indicator in `<state.dir>/indicator.json` so it is still lit after a restart.
public final class NotificationsService: Sendable {
    /// Turns the notification light on or off; `persistent`: stay lit until cleared.
    public typealias IndicatorHook = @Sendable (_ on: Bool, _ persistent: Bool) -> Void

    private let agent: Mutex<NotificationsAgent>
    private let store: IndicatorStore
    private let context: ContextMirror
    private let chime: (any AudioPlayback)?
    private let indicator: IndicatorHook
    private let outbox: OutboxSender?
    private let logger: Logger

    public init(store: IndicatorStore, context: ContextMirror, chime: (any AudioPlayback)?, outbox: OutboxSender?,
                logger: Logger, indicator: @escaping IndicatorHook = { _, _ in }) {
        var restored = NotificationsAgent.Indicator()
        do {
            restored = try store.load() ?? restored
        } catch {
            logger.warning("stored notification indicator unreadable; starting cleared", metadata: ["error": "\(error)"])
        }
        let agent = NotificationsAgent(restored: restored)
        self.agent = Mutex(agent)
        self.store = store
        self.context = context
        self.chime = chime
        self.indicator = indicator
        self.outbox = outbox
        self.logger = logger
        context.provide(agent.context)
        perform(agent.restoredActions)
    }

    /// Takes Notifications directives from the session.
    public func attach(to bridge: SessionBridge) {
        bridge.route(namespace: "Notifications") { [self] directive in
            let (actions, entry) = agent.withLock { agent in (agent.handle(.directive(directive)), agent.context) }
            context.provide(entry)
            perform(actions)
        }
    }

    /// Whether the indicator is lit now.
    public var isLit: Bool { agent.withLock { $0.indicator.isEnabled } }

    private func perform(_ actions: [NotificationsAgent.Action]) {
        for action in actions {
            switch action {
            case .showIndicator(let on, let persistent):
                logger.info("notification indicator \(on ? "on" : "off")")
                indicator(on, persistent)
            case .playChime:
                // The cloud's chime asset is optional; the local one always works.
                guard let chime else { continue }
                Task {
                    let beep = Array(AlertTone.cycle(amplitude: 0.3).prefix(AlertTone.sampleRate / 5))
                    do {
                        try chime.begin(format: AudioFormat(sampleRate: AlertTone.sampleRate, channels: 1))
                        try await chime.write(beep)
                        try await chime.finish()
                    } catch {
                        chime.stop()
                    }
                }
            case .persist(let value):
                do {
                    try store.save(value)
                } catch {
                    logger.error("cannot store the notification indicator", metadata: ["error": "\(error)"])
                }
            case .send(let event):
                try? outbox?.deliver(event)
            }
        }
    }
}
