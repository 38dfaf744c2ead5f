import Testing
@testable import AVS

/// The wall clock the tests move by hand: 2026-11-29T07:00:00Z plus whatever has passed.
let alertEpoch = AlertTime(iso8601: "2026-11-29T07:00:00+0000")!

func setAlert(_ token: String, _ type: String = "ALARM", at offset: Int64, _ extra: [String: JSONValue] = [:]) -> Directive {
    var payload: [String: JSONValue] = ["token": .string(token), "type": .string(type), "scheduledTime": .string((alertEpoch + offset).iso8601)]
    payload.merge(extra) { $1 }
    return directive("Alerts", "SetAlert", id: "set-" + token, .object(payload))
}

func deleteAlert(_ token: String) -> Directive {
    directive("Alerts", "DeleteAlert", id: "delete-" + token, ["token": .string(token)])
}

extension Array where Element == AlertsAgent.Action {
    /// `Alerts.Name token` for every event, in order.
    var alertEvents: [String] {
        compactMap {
            guard case .send(let event) = $0 else { return nil }
            return "\(event.header.name) \(event.payload["token"]?.stringValue ?? "-")"
        }
    }

    var wake: AlertTime?? {
        for case .wake(let time) in self { return time }
        return nil
    }

    var sounds: [String] {
        compactMap { if case .startSound(let alert) = $0 { alert.token } else { nil } }
    }
}

/// The agent and the time it believes it is; `advance` delivers the wake-ups it asked for.
struct AlertsHarness {
    var agent = AlertsAgent(ids: MessageIDSource(seed: 7))
    var now = alertEpoch
    var wake: AlertTime?

    mutating func handle(_ input: AlertsAgent.Input) -> [AlertsAgent.Action] {
        let actions = agent.handle(input)
        if case .some(let requested) = actions.wake { wake = requested }
        return actions
    }

    mutating func directive(_ directive: Directive) -> [AlertsAgent.Action] {
        handle(.directive(directive, now: now))
    }

    /// Moves the wall clock on, firing each wake-up on its time.
    mutating func advance(_ seconds: Int64) -> [AlertsAgent.Action] {
        let end = now + seconds
        var all: [AlertsAgent.Action] = []
        while let due = wake, due <= end {
            now = max(now, due)
            all += handle(.timeReached(now: now))
        }
        now = end
        return all
    }
}

@Suite("Alerts agent")
struct AlertsAgentTests {
    @Test("set: SetAlertSucceeded, stored, in AlertsState, and a wake-up at its time")
    func set() {
        var harness = AlertsHarness()
        let actions = harness.directive(setAlert("a", "TIMER", at: 60))
        #expect(actions.alertEvents == ["SetAlertSucceeded a"])
        #expect(actions.contains(.persist([Alert(token: "a", kind: .timer, scheduledTime: alertEpoch + 60)])))
        #expect(harness.wake == alertEpoch + 60)
        let state = harness.agent.context
        #expect(state.namespace == "Alerts" && state.name == "AlertsState")
        #expect(state.payload["allAlerts"] == [["token": "a", "type": "TIMER", "scheduledTime": "2026-11-29T07:01:00+0000"]])
        #expect(state.payload["activeAlerts"] == [])
    }

    @Test("fire at its time: focus, sound, AlertStarted; stop: AlertStopped, silence, focus back")
    func fireAndStop() {
        var harness = AlertsHarness()
        _ = harness.directive(setAlert("a", at: 60))
        #expect(harness.advance(59).isEmpty)
        let fired = harness.advance(1)
        #expect(fired.alertEvents == ["AlertStarted a"])
        #expect(fired.contains(.acquireFocus))
        #expect(fired.sounds == ["a"])
        #expect(harness.agent.context.payload["activeAlerts"]?["token"] == nil)
        #expect(harness.agent.context.payload["activeAlerts"] == [["token": "a", "type": "ALARM", "scheduledTime": "2026-11-29T07:01:00+0000"]])
        let stopped = harness.handle(.stop(now: harness.now + 5))
        #expect(stopped.alertEvents == ["AlertStopped a"])
        #expect(stopped.contains(.stopSound) && stopped.contains(.releaseFocus) && stopped.contains(.persist([])))
        #expect(harness.agent.context.payload["allAlerts"] == [])
        #expect(harness.wake == nil)
    }

    @Test("delete before its time: DeleteAlertSucceeded, never sounds")
    func deleteScheduled() {
        var harness = AlertsHarness()
        _ = harness.directive(setAlert("a", at: 60))
        let deleted = harness.directive(deleteAlert("a"))
        #expect(deleted.alertEvents == ["DeleteAlertSucceeded a"])
        #expect(deleted.contains(.persist([])))
        #expect(harness.advance(3600).isEmpty)
    }

    @Test("\"Alexa, stop\" during an alarm arrives as DeleteAlert: it stops")
    func deleteActive() {
        var harness = AlertsHarness()
        _ = harness.directive(setAlert("a", at: 0))
        #expect(harness.agent.active?.alert.token == "a")
        let deleted = harness.directive(deleteAlert("a"))
        #expect(deleted.alertEvents == ["DeleteAlertSucceeded a", "AlertStopped a"])
        #expect(deleted.contains(.stopSound))
        #expect(harness.agent.active == nil)
    }

    @Test("deleting an unknown token succeeds; a DeleteAlert without a token is an exception")
    func deleteUnknown() {
        var harness = AlertsHarness()
        #expect(harness.directive(deleteAlert("nope")).alertEvents == ["DeleteAlertSucceeded nope"])
        let bad = harness.directive(directive("Alerts", "DeleteAlert", ["x": 1]))
        #expect(bad.alertEvents == ["ExceptionEncountered -"])
    }

    @Test("past due: more than 30 minutes late at SetAlert fails; 29 minutes late sounds at once")
    func pastDueAtSet() {
        var harness = AlertsHarness()
        #expect(harness.directive(setAlert("old", at: -1801)).alertEvents == ["SetAlertFailed old"])
        let late = harness.directive(setAlert("late", at: -1740))
        #expect(late.alertEvents == ["SetAlertSucceeded late", "AlertStarted late"])
    }

    @Test("past due at boot: stored alerts more than 30 minutes late are dropped silently")
    func pastDueAtStart() {
        var harness = AlertsHarness()
        let stored = [Alert(token: "gone", kind: .alarm, scheduledTime: alertEpoch + (-3600)),
                      Alert(token: "recent", kind: .timer, scheduledTime: alertEpoch + (-600)),
                      Alert(token: "later", kind: .reminder, scheduledTime: alertEpoch + 600)]
        let actions = harness.handle(.start(stored: stored, now: alertEpoch))
        #expect(actions.alertEvents == ["AlertStarted recent"])
        #expect(actions.contains(.persist([stored[1], stored[2]])))
        #expect(harness.agent.stored.map(\.token) == ["recent", "later"])
    }

    @Test("one hour at most: then AlertStopped and silence")
    func hourCap() {
        var harness = AlertsHarness()
        _ = harness.directive(setAlert("a", at: 10))
        _ = harness.advance(10)
        #expect(harness.wake == alertEpoch + 10 + 3600)
        #expect(harness.advance(3599).isEmpty)
        let capped = harness.advance(1)
        #expect(capped.alertEvents == ["AlertStopped a"])
        #expect(capped.contains(.stopSound))
    }

    @Test("many at once: one sounds, the others follow in time order as each is stopped")
    func manyAtOnce() {
        var harness = AlertsHarness()
        for (token, offset) in [("c", Int64(30)), ("a", 10), ("b", 20)] { _ = harness.directive(setAlert(token, at: offset)) }
        #expect(harness.agent.context.payload["allAlerts"].map { if case .array(let all) = $0 { all.count } else { 0 } } == 3)
        #expect(harness.advance(40).alertEvents == ["AlertStarted a"])
        #expect(harness.handle(.stop(now: harness.now)).alertEvents == ["AlertStopped a", "AlertStarted b"])
        #expect(harness.handle(.soundFinished(token: "b", now: harness.now)).alertEvents == ["AlertStopped b", "AlertStarted c"])
        #expect(harness.handle(.stop(now: harness.now)).alertEvents == ["AlertStopped c"])
        #expect(harness.agent.stored.isEmpty)
    }

    @Test("an alert that waited more than 30 minutes behind another is dropped with AlertStopped")
    func droppedWhileWaiting() {
        var harness = AlertsHarness()
        _ = harness.directive(setAlert("long", at: 0))
        _ = harness.directive(setAlert("behind", at: 60))
        let capped = harness.advance(3600)
        #expect(capped.alertEvents == ["AlertStopped long", "AlertStopped behind"])
        #expect(capped.sounds.isEmpty)
    }

    @Test("a dialog over the alert: background, lowered; after: foreground, restored")
    func focus() {
        var harness = AlertsHarness()
        _ = harness.directive(setAlert("a", at: 0))
        let back = harness.handle(.focusChanged(.background(.duck), now: harness.now))
        #expect(back.alertEvents == ["AlertEnteredBackground a"])
        #expect(back.contains(.attenuate(true)))
        #expect(harness.handle(.focusChanged(.background(.duck), now: harness.now)).isEmpty)
        let front = harness.handle(.focusChanged(.foreground, now: harness.now))
        #expect(front.alertEvents == ["AlertEnteredForeground a"])
        #expect(front.contains(.attenuate(false)))
    }

    @Test("SetAlert with the token of a scheduled alert moves it; of the sounding one restarts it later")
    func update() {
        var harness = AlertsHarness()
        _ = harness.directive(setAlert("a", at: 0))
        let snooze = harness.directive(setAlert("a", at: 540))
        #expect(snooze.alertEvents == ["AlertStopped a", "SetAlertSucceeded a"])
        #expect(harness.agent.active == nil)
        #expect(harness.wake == alertEpoch + 540)
    }

    @Test("bad SetAlert payloads fail with a reason, the agent carries on")
    func badSetAlert() {
        var harness = AlertsHarness()
        let noTime = harness.directive(directive("Alerts", "SetAlert", ["token": "t", "type": "ALARM"]))
        #expect(noTime.alertEvents == ["ExceptionEncountered -", "SetAlertFailed t"])
        let badType = harness.directive(setAlert("u", "NAP", at: 10))
        #expect(badType.alertEvents == ["ExceptionEncountered -", "SetAlertFailed u"])
        let badTime = harness.directive(directive("Alerts", "SetAlert", ["token": "v", "type": "TIMER", "scheduledTime": "tomorrow"]))
        #expect(badTime.alertEvents == ["ExceptionEncountered -", "SetAlertFailed v"])
        #expect(harness.directive(setAlert("ok", at: 10)).alertEvents == ["SetAlertSucceeded ok"])
    }

    @Test("assets and play order are read from SetAlert")
    func assets() throws {
        let payload: JSONValue = ["token": "a", "type": "ALARM", "scheduledTime": "2026-11-29T07:00:00+0000",
                                  "assets": [["assetId": "x", "url": "https://a/x.mp3"], ["assetId": "y", "url": "https://a/y.mp3"]],
                                  "assetPlayOrder": ["y", "x", "y"], "loopCount": 2, "loopPauseInMilliSeconds": 500]
        let alert = try Alert.parse(payload).get()
        #expect(alert.playlist == ["https://a/y.mp3", "https://a/x.mp3", "https://a/y.mp3"])
        #expect(alert.loopCount == 2 && alert.loopPauseInMilliseconds == 500)
    }

    @Test("scheduledTime: ISO 8601 with offsets, round trip")
    func time() throws {
        #expect(AlertTime(iso8601: "1970-01-01T00:00:00+0000")?.secondsSince1970 == 0)
        #expect(AlertTime(iso8601: "2026-11-29T08:00:00+01:00") == alertEpoch)
        #expect(AlertTime(iso8601: "2026-11-29T02:00:00-0500") == alertEpoch)
        #expect(AlertTime(iso8601: "2026-11-29T07:00:00.250Z") == alertEpoch)
        #expect(AlertTime(iso8601: "2024-02-29T12:00:00+0000")?.iso8601 == "2024-02-29T12:00:00+0000")
        #expect(AlertTime(iso8601: "2025-02-29T12:00:00+0000") == nil)
        #expect(AlertTime(iso8601: "2026-13-01T00:00:00+0000") == nil)
        #expect(AlertTime(iso8601: "2026-11-29 07:00") == nil)
        #expect(alertEpoch.iso8601 == "2026-11-29T07:00:00+0000")
    }
}
