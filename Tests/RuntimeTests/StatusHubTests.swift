import AVS
import Synchronization
import Testing
@testable import Appliance

struct StatusHubTests {
    @Test func statusFollowsLinkFailureConnectionAndDialog() {
        var model = StatusModel(linked: false)
        #expect(model.status == .unlinked)
        model.linked = true
        #expect(model.status == .offline)
        model.apply(.connection(connected: true))
        model.apply(.state(.idle))
        #expect(model.status == .idle)
        model.apply(.state(.speaking))
        #expect(model.status == .speaking)
        model.failure = "capture device gone"
        #expect(model.status == .error)
        model.failure = nil
        model.apply(.connection(connected: false))
        #expect(model.status == .offline)
        model.linked = false
        #expect(model.status == .unlinked)
    }

    @Test func subscribersHearTheCurrentStatusThenNotesAndChangesInOrder() {
        let hub = StatusHub()
        let heard = Mutex<[ApplianceEvent]>([])
        let subscription = hub.subscribe { event in heard.withLock { $0.append(event) } }
        hub.publish(.connection(connected: true))
        hub.publish(.state(.idle))
        hub.publish(.eventSent("System.SynchronizeState"))
        hub.setLinked(false)
        #expect(heard.withLock { $0 } == [
            .status(.offline), .note(.connection(connected: true)), .note(.state(.idle)), .status(.idle),
            .note(.eventSent("System.SynchronizeState")), .status(.unlinked),
        ])
        subscription.cancel()
        hub.setLinked(true)
        #expect(heard.withLock { $0.count } == 6)
    }

    @Test func eventsRenderAsJSONLines() throws {
        #expect(ApplianceEvent.status(.listening).json.jsonText == "{\"event\":\"state\",\"state\":\"listening\"}")
        let note = try #require(ApplianceEvent.note(.volume(30, muted: true)).json.objectValue)
        #expect(note["volume"]?.intValue == 30)
        #expect(note["muted"]?.boolValue == true)
        #expect(ApplianceEvent.error("x").json["error"]?.stringValue == "x")
    }

    @Test func clockBeforeTheBuildYearIsReported() {
        #expect(ClockSanity.warning(year: 1970)?.contains("NTP") == true)
        #expect(ClockSanity.warning(year: ClockSanity.buildYear) == nil)
        #expect(ClockSanity.currentYear() >= 2024)
    }
}
