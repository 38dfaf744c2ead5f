/// The Notifications capability agent: AVS lights the device's indicator when something is
/// waiting for the user (a delivery, a message) with `SetIndicator`, optionally with a chime,
/// and turns it off with `ClearIndicator`. The indicator is separate from the appliance's
/// status light pattern; it survives restarts (persisted) and is reported as IndicatorState.
public struct NotificationsAgent: Sendable {
    /// What is persisted and reported.
    public struct Indicator: Sendable, Hashable, Codable {
        /// A notification is pending.
        public var isEnabled: Bool
        /// Keep the light on until ClearIndicator (otherwise it shows briefly).
        public var persistVisualIndicator: Bool

        public init(isEnabled: Bool = false, persistVisualIndicator: Bool = false) {
            self.isEnabled = isEnabled
            self.persistVisualIndicator = persistVisualIndicator
        }
    }

    public enum Input: Sendable, Hashable {
        case directive(Directive)
    }

    public enum Action: Sendable, Hashable {
        /// Show (or stop showing) the notification light; `persistent`: until cleared.
        case showIndicator(on: Bool, persistent: Bool)
        /// Play the chime: the asset's URL when AVS gave one, else the local chime.
        case playChime(url: String?)
        case persist(Indicator)
        case send(Event)
    }

    public private(set) var indicator: Indicator
    private var ids: MessageIDSource

    public init(restored: Indicator = Indicator(), ids: MessageIDSource = MessageIDSource()) {
        indicator = restored
        self.ids = ids
    }

    /// `Notifications.IndicatorState`.
    public var context: ContextEntry {
        ContextEntry(namespace: "Notifications", name: "IndicatorState", payload: [
            "isEnabled": .bool(indicator.isEnabled), "isVisualIndicatorPersisted": .bool(indicator.persistVisualIndicator && indicator.isEnabled),
        ])
    }

    /// The light to show after a restart.
    public var restoredActions: [Action] {
        indicator.isEnabled ? [.showIndicator(on: true, persistent: indicator.persistVisualIndicator)] : []
    }

    public mutating func handle(_ input: Input) -> [Action] {
        switch (indicator.isEnabled, input) {
        case (_, .directive(let directive)) where directive.header.name == "SetIndicator":
            // Something is waiting: light (and chime if asked), remember it.
            let persist = directive.payload["persistVisualIndicator"]?.boolValue ?? false
            let chime = directive.payload["playAudioIndicator"]?.boolValue ?? false
            let url = directive.payload["asset"]?["url"]?.stringValue
            indicator = Indicator(isEnabled: true, persistVisualIndicator: persist)
            return [.showIndicator(on: true, persistent: persist)] + (chime ? [.playChime(url: url)] : []) + [.persist(indicator)]
        case (true, .directive(let directive)) where directive.header.name == "ClearIndicator":
            // The user heard the notifications: light off.
            indicator = Indicator()
            return [.showIndicator(on: false, persistent: false), .persist(indicator)]
        case (false, .directive(let directive)) where directive.header.name == "ClearIndicator":
            // Already off.
            return []
        case (_, .directive(let directive)):
            return [.send(.exceptionEncountered(unparsedDirective: directive.raw, type: .unsupportedOperation,
                                                message: "unsupported directive \(directive.header.qualifiedName)", messageId: ids.makeID()))]
        }
    }
}
