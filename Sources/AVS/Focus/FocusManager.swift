/// Decides which activity owns the speaker (the SDK's FocusManager, reduced to three
/// channels): dialog > alerts > content. The highest active channel is in the foreground;
/// every other active channel is in the background, ducked or paused as the policy says; a
/// channel that is not active has no focus.
///
/// A value state machine: `acquire` when an activity starts, `release` when it ends; the
/// actions say which channels' levels changed, in priority order. What a level means (lower
/// the alert, pause the music, send AlertEnteredBackground) is each agent's business.
public struct FocusManager: Sendable, Hashable {
    public enum Input: Sendable, Hashable {
        case acquire(FocusChannel)
        case release(FocusChannel)
    }

    public enum Action: Sendable, Hashable {
        case changed(FocusChannel, FocusLevel)
    }

    /// How a lower channel behaves under a higher one.
    public struct Policy: Sendable, Hashable {
        /// Music under Alexa's voice or the microphone.
        public var contentUnderDialog: FocusMixing
        /// Music under a ringing alarm.
        public var contentUnderAlerts: FocusMixing
        /// An alarm under Alexa's voice: lowered, never paused (it must stay audible).
        public var alertsUnderDialog: FocusMixing

        public init(contentUnderDialog: FocusMixing = .duck, contentUnderAlerts: FocusMixing = .pause,
                    alertsUnderDialog: FocusMixing = .duck) {
            self.contentUnderDialog = contentUnderDialog
            self.contentUnderAlerts = contentUnderAlerts
            self.alertsUnderDialog = alertsUnderDialog
        }
    }

    public let policy: Policy
    /// Channels in use now.
    public private(set) var active: Set<FocusChannel> = []

    public init(policy: Policy = Policy()) {
        self.policy = policy
    }

    /// The channel that owns the speaker, if any.
    public var foreground: FocusChannel? { active.min() }

    /// A channel's level now.
    public func level(of channel: FocusChannel) -> FocusLevel {
        guard active.contains(channel) else { return .none }
        guard let top = foreground, top != channel else { return .foreground }
        return .background(mixing(of: channel, under: top))
    }

    public mutating func handle(_ input: Input) -> [Action] {
        let before = FocusChannel.allCases.map { level(of: $0) }
        switch input {
        case .acquire(let channel) where active.contains(channel):
            // Already held (a second Speak in the same dialog, the next track): nothing moves.
            return []
        case .acquire(let channel):
            // A new activity: it takes the foreground if it outranks the current owner
            // (which drops to the background), otherwise it waits in the background.
            active.insert(channel)
        case .release(let channel) where !active.contains(channel):
            // Releasing what is not held (a late report): nothing moves.
            return []
        case .release(let channel):
            // The activity ended: it loses focus, and the next highest channel comes back to
            // the foreground (music resumes, the alarm rings at full volume again).
            active.remove(channel)
        }
        return zip(FocusChannel.allCases, before).compactMap { channel, old in
            let new = level(of: channel)
            return new == old ? nil : .changed(channel, new)
        }
    }

    /// The strictest behaviour any active higher channel asks of this one: music under a
    /// dialog that interrupts a ringing alarm stays paused.
    private func mixing(of channel: FocusChannel, under top: FocusChannel) -> FocusMixing {
        let above = active.filter { $0 < channel }
        return above.contains { rule(for: channel, under: $0) == .pause } ? .pause : .duck
    }

    private func rule(for channel: FocusChannel, under higher: FocusChannel) -> FocusMixing {
        switch (channel, higher) {
        case (.content, .dialog): policy.contentUnderDialog
        case (.content, .alerts): policy.contentUnderAlerts
        case (.alerts, .dialog): policy.alertsUnderDialog
        default: .pause
        }
    }
}
