import Foundation
import Testing
@testable import HarkSimulator

@Suite struct AlertScenarioTests {
    @Test func alertAndNotificationTablesLoadAndBuildTheDirectives() throws {
        let scenario = try ScenarioLoader.parse("""
            [[alert]]
            after_ms = 300
            token = "tea"
            in_s = 60
            assets = ["https://127.0.0.1/a/chime.mp3"]
            loop_count = 2
            [[alert]]
            token = "tea"
            delete = true
            [[notification]]
            chime = true
            """)
        #expect(scenario.alerts.count == 2 && scenario.notifications.count == 1)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let set = scenario.alerts[0].directive(now: now)
        #expect(set["directive"]?["header"]?["name"]?.stringValue == "SetAlert")
        #expect(set["directive"]?["payload"]?["type"]?.stringValue == "TIMER")
        #expect(set["directive"]?["payload"]?["scheduledTime"]?.stringValue == "2027-01-15T08:01:00+0000")
        #expect(set["directive"]?["payload"]?["assetPlayOrder"] == .array([.string("chime.mp3")]))
        #expect(scenario.alerts[1].directive(now: now)["directive"]?["header"]?["name"]?.stringValue == "DeleteAlert")
        #expect(scenario.notifications[0].directive["directive"]?["payload"]?["playAudioIndicator"]?.boolValue == true)
    }

    @Test func badAlertTablesNameTheKey() {
        func message(_ toml: String) -> String {
            do {
                _ = try ScenarioLoader.parse(toml)
                return ""
            } catch {
                return error.description
            }
        }
        #expect(message("[[alert]]\nafter_ms = 1").contains("alert[0].token is required"))
        #expect(message("[[alert]]\ntoken = \"a\"\nwhen = 3").contains("alert[0].when is not a known key"))
        #expect(message("[[notification]]\nclear = 1").contains("notification[0].clear must be true or false"))
    }

    @Test func alertEventsAreCheckedAgainstTheAlertsSet() {
        let tracker = AlertTracker()
        tracker.pushedSetAlert(token: "tea")
        #expect(tracker.check(name: "AlertStarted", payload: ["token": "tea"]) == ["AlertStarted 'tea' before its SetAlertSucceeded"])
        #expect(tracker.check(name: "SetAlertSucceeded", payload: ["token": "tea"]).isEmpty)
        #expect(tracker.check(name: "AlertStarted", payload: ["token": "tea"]).isEmpty)
        #expect(tracker.check(name: "AlertStopped", payload: ["token": "coffee"]).count == 1)
        #expect(tracker.check(name: "AlertStopped", payload: [:]) == ["Alerts.AlertStopped without payload.token"])
        #expect(tracker.events == ["AlertStarted tea", "SetAlertSucceeded tea", "AlertStarted tea", "AlertStopped coffee"])
        #expect(tracker.claim("x") && !tracker.claim("x"))
    }
}
