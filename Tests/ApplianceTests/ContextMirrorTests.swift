import AVS
import Testing
@testable import Appliance

@Suite struct ContextMirrorTests {
    @Test func providedEntriesFollowTheSessionsAndReplaceByName() {
        let mirror = ContextMirror()
        mirror.update([ContextEntry(namespace: "Speaker", name: "VolumeState", payload: ["volume": 50])])
        mirror.provide(ContextEntry(namespace: "Alerts", name: "AlertsState", payload: ["allAlerts": []]))
        mirror.provide(ContextEntry(namespace: "AudioPlayer", name: "PlaybackState", payload: ["token": ""]))
        mirror.provide(ContextEntry(namespace: "Alerts", name: "AlertsState", payload: ["allAlerts": ["x"]]))
        #expect(mirror.context.map(\.namespace) == ["Speaker", "Alerts", "AudioPlayer"])
        #expect(mirror.context[1].payload["allAlerts"] == ["x"])
        // The session copies the provided entries into its own; the mirror shows them once.
        mirror.update(mirror.context)
        #expect(mirror.context.count == 3)
        mirror.withdraw(namespace: "AudioPlayer", name: "PlaybackState")
        #expect(mirror.provided.map(\.namespace) == ["Alerts"])
    }

    @Test func focusArbiterTellsEachChannelItsLevel() {
        let arbiter = FocusArbiter()
        let seen = Recorded<String>()
        arbiter.observe(.content) { seen.append("content \($0)") }
        arbiter.observe(.alerts) { seen.append("alerts \($0)") }
        arbiter.acquire(.content)
        arbiter.acquire(.alerts)
        arbiter.release(.alerts)
        #expect(seen.values == ["content foreground", "alerts foreground", "content background(pause)",
                                "alerts none", "content foreground"])
    }
}
