/// The Alerts capability agent: keeps the alarms, timers and reminders AVS sets, sounds each
/// at its time (with or without the cloud), and reports what happened.
///
/// A value state machine. Every input carries the wall-clock time (`now`), because alerts
/// are set in calendar time; the agent never reads a clock. It asks for one wake-up at a time
/// (`.wake(at:)`, the next alert or the end of the sounding hour) and expects `.timeReached`.
///
/// Rules (AVS Alerts 1.3, the SDK's AlertScheduler):
/// - an alert more than 30 minutes past due is dropped: at SetAlert (SetAlertFailed) and when
///   the device starts (silently, as after a long power cut);
/// - one alert sounds at a time; alerts due meanwhile wait their turn, earliest first;
/// - an alert sounds for at most an hour; `stop` (button, `hark ctl stop`) or a DeleteAlert
///   for it (what AVS sends when the user says "Alexa, stop") ends it: AlertStopped;
/// - while a dialog holds the speaker the alert goes on lowered (AlertEnteredBackground)
///   and comes back (AlertEnteredForeground).
public struct AlertsAgent: Sendable {
    /// Past-due cut-off, seconds.
    public static let pastDueLimit: Int64 = 30 * 60
    /// Longest an alert sounds, seconds.
    public static let soundingLimit: Int64 = 60 * 60

    public enum Input: Sendable, Hashable {
        /// The device started with these stored alerts.
        case start(stored: [Alert], now: AlertTime)
        case directive(Directive, now: AlertTime)
        /// The wake-up asked for with `.wake(at:)` (or any later moment).
        case timeReached(now: AlertTime)
        /// The user wants silence (button, `hark ctl stop`).
        case stop(now: AlertTime)
        /// The active alert's sound ended by itself (its loops played out).
        case soundFinished(token: String, now: AlertTime)
        /// The alerts channel's share of the speaker changed.
        case focusChanged(FocusLevel, now: AlertTime)
    }

    public enum Action: Sendable, Hashable {
        /// An event that must reach AVS, even across restarts (through the outbox).
        case send(Event)
        /// Store these alerts (all of them, replacing what was stored).
        case persist([Alert])
        /// Call back with `.timeReached` at this time (nil: no wake-up needed). Replaces the
        /// previous request.
        case wake(at: AlertTime?)
        case acquireFocus
        case releaseFocus
        /// Start sounding this alert (its assets, or the local tone when they cannot be had).
        case startSound(Alert)
        case stopSound
        /// Lower (true) or restore (false) the alert's volume while a dialog talks over it.
        case attenuate(Bool)
    }

    /// The alert sounding now.
    public struct Active: Sendable, Hashable {
        public var alert: Alert
        public var startedAt: AlertTime
        public var foreground: Bool
    }

    /// Alerts waiting for their time (or for the active one to end), earliest first.
    public private(set) var scheduled: [Alert] = []
    public private(set) var active: Active?
    private var requestedWake: AlertTime?
    private var ids: MessageIDSource

    public init(ids: MessageIDSource = MessageIDSource()) {
        self.ids = ids
    }

    /// `Alerts.AlertsState`: every alert the device holds, and the one sounding.
    public var context: ContextEntry {
        let all = (active.map { [$0.alert] } ?? []) + scheduled
        return ContextEntry(namespace: "Alerts", name: "AlertsState", payload: [
            "allAlerts": .array(all.map(\.contextValue)),
            "activeAlerts": .array(active.map { [$0.alert.contextValue] } ?? []),
        ])
    }

    /// What the store should hold: the active alert stays until it is stopped, so a restart
    /// mid-alarm sounds it again.
    public var stored: [Alert] { (active.map { [$0.alert] } ?? []) + scheduled }

    public mutating func handle(_ input: Input) -> [Action] {
        var actions: [Action]
        let now: AlertTime
        switch (active, input) {
        case (_, .start(let stored, let time)):
            // Boot: keep what is not too late; a long outage drops the rest without a word
            // (AVS learns from AlertsState).
            now = time
            scheduled = stored.filter { time.seconds(since: $0.scheduledTime) <= Self.pastDueLimit }.sorted(by: Self.order)
            actions = scheduled.count == stored.count ? [] : [.persist(self.stored)]
        case (_, .directive(let directive, let time)):
            now = time
            actions = handle(directive, now: time)
        case (_, .timeReached(let time)):
            // A wake-up: the sounding hour may be over, an alert may be due (below).
            now = time
            actions = []
        case (let current?, .stop(let time)):
            // The user silenced it.
            now = time
            actions = finish(current, stoppedSound: true)
        case (nil, .stop(let time)):
            // Nothing sounding: stop is the dialog's business.
            now = time
            actions = []
        case (let current?, .soundFinished(let token, let time)) where current.alert.token == token:
            // All loops played: the alert is over.
            now = time
            actions = finish(current, stoppedSound: false)
        case (_, .soundFinished(_, let time)):
            // A late report about an alert already stopped.
            now = time
            actions = []
        case (var current?, .focusChanged(let level, let time)):
            // A dialog talks over the alert, or ended: lower it or bring it back, and say so.
            now = time
            let foreground = level == .foreground
            if level == .none || foreground == current.foreground {
                actions = []
            } else {
                current.foreground = foreground
                active = current
                actions = [.attenuate(!foreground), event(foreground ? "AlertEnteredForeground" : "AlertEnteredBackground", current.alert.token)]
            }
        case (nil, .focusChanged(_, let time)):
            // Focus news after the alert ended.
            now = time
            actions = []
        }
        actions += enforceLimits(now: now)
        actions += startDue(now: now)
        let wake = nextWake()
        if wake != requestedWake {
            requestedWake = wake
            actions.append(.wake(at: wake))
        }
        return actions
    }

    // MARK: - Directives

    private mutating func handle(_ directive: Directive, now: AlertTime) -> [Action] {
        let token = directive.payload["token"]?.stringValue
        switch directive.header.name {
        case "SetAlert":
            switch Alert.parse(directive.payload) {
            case .failure(let error):
                // Unusable: AVS hears why, and the alert (if named) failed.
                var actions = [Action.send(.exceptionEncountered(unparsedDirective: directive.raw, type: .unexpectedInformationReceived,
                                                                 message: error.description, messageId: ids.makeID()))]
                if let token, !token.isEmpty { actions.append(event("SetAlertFailed", token)) }
                return actions
            case .success(let alert) where now.seconds(since: alert.scheduledTime) > Self.pastDueLimit:
                // Too late to be useful.
                return [event("SetAlertFailed", alert.token)]
            case .success(let alert):
                // New, or an update of one with the same token (a snoozed alarm moves later).
                var actions: [Action] = []
                if let current = active, current.alert.token == alert.token {
                    actions += finish(current, stoppedSound: true)
                }
                scheduled.removeAll { $0.token == alert.token }
                scheduled.append(alert)
                scheduled.sort(by: Self.order)
                return actions + [.persist(stored), event("SetAlertSucceeded", alert.token)]
            }
        case "DeleteAlert":
            guard let token, !token.isEmpty else {
                return [.send(.exceptionEncountered(unparsedDirective: directive.raw, type: .unexpectedInformationReceived,
                                                    message: "DeleteAlert has no token", messageId: ids.makeID()))]
            }
            // Deleting what is sounding stops it ("Alexa, stop"). An unknown token succeeds:
            // the alert is gone either way.
            var actions: [Action] = [event("DeleteAlertSucceeded", token)]
            if let current = active, current.alert.token == token {
                actions += finish(current, stoppedSound: true)
            } else if scheduled.contains(where: { $0.token == token }) {
                scheduled.removeAll { $0.token == token }
                actions.insert(.persist(stored), at: 0)
            }
            return actions
        default:
            return [.send(.exceptionEncountered(unparsedDirective: directive.raw, type: .unsupportedOperation,
                                                message: "unsupported directive \(directive.header.qualifiedName)", messageId: ids.makeID()))]
        }
    }

    // MARK: - Sounding

    /// Ends the active alert: silence, AlertStopped, forget it, give the speaker back.
    private mutating func finish(_ current: Active, stoppedSound: Bool) -> [Action] {
        active = nil
        return (stoppedSound ? [.stopSound] : []) + [event("AlertStopped", current.alert.token), .persist(stored), .releaseFocus]
    }

    /// The hour is up for the active alert.
    private mutating func enforceLimits(now: AlertTime) -> [Action] {
        guard let current = active, now.seconds(since: current.startedAt) >= Self.soundingLimit else { return [] }
        return finish(current, stoppedSound: true)
    }

    /// Starts the earliest due alert when none is sounding. Alerts that became more than 30
    /// minutes late while waiting (behind a long alarm) are dropped.
    private mutating func startDue(now: AlertTime) -> [Action] {
        guard active == nil else { return [] }
        var actions: [Action] = []
        let late = scheduled.filter { now.seconds(since: $0.scheduledTime) > Self.pastDueLimit }
        if !late.isEmpty {
            scheduled.removeAll { now.seconds(since: $0.scheduledTime) > Self.pastDueLimit }
            actions += late.map { event("AlertStopped", $0.token) } + [.persist(stored)]
        }
        guard let next = scheduled.first, next.scheduledTime <= now else { return actions }
        scheduled.removeFirst()
        active = Active(alert: next, startedAt: now, foreground: true)
        return actions + [.acquireFocus, .startSound(next), event("AlertStarted", next.token)]
    }

    private func nextWake() -> AlertTime? {
        if let current = active { return current.startedAt + Self.soundingLimit }
        return scheduled.first?.scheduledTime
    }

    private static func order(_ lhs: Alert, _ rhs: Alert) -> Bool {
        (lhs.scheduledTime, lhs.token) < (rhs.scheduledTime, rhs.token)
    }

    private mutating func event(_ name: String, _ token: String) -> Action {
        .send(Event(header: MessageHeader(namespace: "Alerts", name: name, messageId: ids.makeID()), payload: ["token": .string(token)]))
    }
}
