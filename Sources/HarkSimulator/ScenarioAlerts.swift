import Foundation
import Synchronization

/// An `Alerts.SetAlert` or `Alerts.DeleteAlert` pushed on the downchannel `afterMilliseconds`
/// after the first downchannel opens (once per simulator run, not again on reconnects: AVS
/// sets an alert once).
public struct AlertPush: Sendable, Equatable {
    public var afterMilliseconds: Int
    public var token: String
    /// ALARM, TIMER or REMINDER (sent as given, so a test can send a bad one).
    public var type = "TIMER"
    /// `scheduledTime` = the moment of the push plus this many seconds (may be negative).
    public var inSeconds = 5
    /// A fixed `scheduledTime` instead (sent as it is).
    public var scheduledTime: String?
    /// Send DeleteAlert for `token` instead of SetAlert.
    public var delete = false
    /// `assets` (id = URL's last path component) and their play order.
    public var assetURLs: [String] = []
    public var loopCount: Int?

    public init(afterMilliseconds: Int, token: String) {
        self.afterMilliseconds = afterMilliseconds
        self.token = token
    }

    /// The directive as AVS would send it, scheduled relative to `now`.
    func directive(now: Date) -> SimJSON {
        if delete {
            return SimDirectives.directive(namespace: "Alerts", name: "DeleteAlert", payload: ["token": .string(token)])
        }
        var payload: [String: SimJSON] = [
            "token": .string(token), "type": .string(type),
            "scheduledTime": .string(scheduledTime ?? Self.format(now.addingTimeInterval(TimeInterval(inSeconds)))),
        ]
        if !assetURLs.isEmpty {
            let assets = assetURLs.map { url in SimJSON.object(["assetId": .string(Self.assetID(url)), "url": .string(url)]) }
            payload["assets"] = .array(assets)
            payload["assetPlayOrder"] = .array(assetURLs.map { .string(Self.assetID($0)) })
        }
        if let loopCount { payload["loopCount"] = .number(Double(loopCount)) }
        return SimDirectives.directive(namespace: "Alerts", name: "SetAlert", payload: .object(payload))
    }

    static func assetID(_ url: String) -> String { String(url.split(separator: "/").last ?? "asset") }

    /// `2026-11-29T07:00:00+0000`, the form AVS uses.
    static func format(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ssZ"
        return formatter.string(from: date)
    }
}

/// A `Notifications.SetIndicator` (or `ClearIndicator`) pushed once, like an alert.
public struct NotificationPush: Sendable, Equatable {
    public var afterMilliseconds: Int
    public var clear = false
    public var persistVisualIndicator = true
    public var playAudioIndicator = false

    public init(afterMilliseconds: Int) {
        self.afterMilliseconds = afterMilliseconds
    }

    var directive: SimJSON {
        clear
            ? SimDirectives.directive(namespace: "Notifications", name: "ClearIndicator", payload: [:])
            : SimDirectives.directive(namespace: "Notifications", name: "SetIndicator", payload: [
                "persistVisualIndicator": .bool(persistVisualIndicator), "playAudioIndicator": .bool(playAudioIndicator),
            ])
    }
}

/// What the simulator knows about alerts: which pushes went out (each once), which tokens it
/// set, and the Alerts events it received, checked against them.
public final class AlertTracker: Sendable {
    private struct State {
        var pushed: Set<String> = []
        var setTokens: Set<String> = []
        var succeeded: Set<String> = []
        var events: [String] = []
    }

    private let state = Mutex(State())
    static let eventNames: Set<String> = [
        "SetAlertSucceeded", "SetAlertFailed", "DeleteAlertSucceeded", "DeleteAlertFailed", "AlertStarted", "AlertStopped",
        "AlertEnteredForeground", "AlertEnteredBackground",
    ]

    /// True the first time `key` is claimed: the push goes out once per run.
    func claim(_ key: String) -> Bool {
        state.withLock { $0.pushed.insert(key).inserted }
    }

    func pushedSetAlert(token: String) {
        _ = state.withLock { $0.setTokens.insert(token) }
    }

    /// `Name token` for every Alerts event received, in arrival order.
    public var events: [String] { state.withLock { $0.events } }

    /// Problems with one received Alerts event (empty when it is fine).
    func check(name: String, payload: SimJSON) -> [String] {
        guard let token = payload["token"]?.stringValue, !token.isEmpty else { return ["Alerts.\(name) without payload.token"] }
        return state.withLock { state in
            var notes: [String] = []
            state.events.append("\(name) \(token)")
            if !Self.eventNames.contains(name) { notes.append("Alerts.\(name) is not an Alerts event") }
            if !state.setTokens.contains(token) { notes.append("Alerts.\(name) token '\(token)' names no alert the simulator set") }
            if name == "SetAlertSucceeded" { state.succeeded.insert(token) }
            if name == "AlertStarted", !state.succeeded.contains(token) {
                notes.append("AlertStarted '\(token)' before its SetAlertSucceeded")
            }
            return notes
        }
    }
}
