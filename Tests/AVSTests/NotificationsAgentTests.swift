import Testing
@testable import AVS

@Suite("Notifications agent")
struct NotificationsAgentTests {
    @Test("SetIndicator lights, chimes with the asset, persists; ClearIndicator turns it off")
    func setAndClear() {
        var agent = NotificationsAgent()
        #expect(agent.context.payload == ["isEnabled": false, "isVisualIndicatorPersisted": false])
        let set = agent.handle(.directive(directive("Notifications", "SetIndicator", [
            "persistVisualIndicator": true, "playAudioIndicator": true, "asset": ["assetId": "c", "url": "https://x/chime.mp3"],
        ])))
        #expect(set == [.showIndicator(on: true, persistent: true), .playChime(url: "https://x/chime.mp3"),
                        .persist(.init(isEnabled: true, persistVisualIndicator: true))])
        #expect(agent.context.payload == ["isEnabled": true, "isVisualIndicatorPersisted": true])
        let clear = agent.handle(.directive(directive("Notifications", "ClearIndicator")))
        #expect(clear == [.showIndicator(on: false, persistent: false), .persist(.init())])
        #expect(agent.handle(.directive(directive("Notifications", "ClearIndicator"))) == [])
    }

    @Test("no chime unless asked; a restored indicator lights again after a restart")
    func restore() {
        var agent = NotificationsAgent()
        #expect(agent.handle(.directive(directive("Notifications", "SetIndicator", ["playAudioIndicator": false]))).count == 2)
        let restarted = NotificationsAgent(restored: agent.indicator)
        #expect(restarted.restoredActions == [.showIndicator(on: true, persistent: false)])
        #expect(NotificationsAgent().restoredActions.isEmpty)
    }

    @Test("unknown Notifications directive: ExceptionEncountered")
    func unknown() {
        var agent = NotificationsAgent()
        let actions = agent.handle(.directive(directive("Notifications", "Blink")))
        guard case .send(let event) = actions.first else { Issue.record("no event"); return }
        #expect(event.header.qualifiedName == "System.ExceptionEncountered")
    }
}
