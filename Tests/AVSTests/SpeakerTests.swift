import Testing
@testable import AVS

@Suite("Speaker")
struct SpeakerTests {
    func volume(_ name: String, _ payload: JSONValue) -> Directive { directive("Speaker", name, payload) }

    @Test("SetVolume sets, persists and confirms with VolumeChanged {volume, muted}")
    func setVolume() {
        var agent = Speaker(ids: MessageIDSource(seed: 1))
        let actions = agent.handle(.directive(volume("SetVolume", ["volume": 80])))
        #expect(actions.effects == [.setVolume(80), .persistSpeaker(SpeakerSettings(volume: 80, muted: false))])
        #expect(actions.eventNames == ["Speaker.VolumeChanged"])
        #expect(actions.events.first?.payload == ["volume": 80, "muted": false])
        #expect(agent.context == ContextEntry(namespace: "Speaker", name: "VolumeState", payload: ["volume": 80, "muted": false]))
    }

    @Test("SetVolume accepts 0 and 100, refuses values outside or not integral", arguments: [
        (0, true), (100, true), (-1, false), (101, false),
    ])
    func setVolumeRange(level: Int, accepted: Bool) {
        var agent = Speaker(settings: SpeakerSettings(volume: 30), ids: MessageIDSource(seed: 1))
        let actions = agent.handle(.directive(volume("SetVolume", ["volume": .number(Double(level))])))
        if accepted {
            #expect(agent.settings.volume == level)
        } else {
            #expect(actions.eventNames == ["System.ExceptionEncountered"])
            #expect(actions.events.first?.payload["error"]?["type"] == "UNEXPECTED_INFORMATION_RECEIVED")
            #expect(agent.settings.volume == 30)
        }
    }

    @Test("AdjustVolume moves by -100...100 and clamps the result")
    func adjust() {
        var agent = Speaker(settings: SpeakerSettings(volume: 90), ids: MessageIDSource(seed: 1))
        _ = agent.handle(.directive(volume("AdjustVolume", ["volume": 20])))
        #expect(agent.settings.volume == 100)
        _ = agent.handle(.directive(volume("AdjustVolume", ["volume": -100])))
        #expect(agent.settings.volume == 0)
        _ = agent.handle(.directive(volume("AdjustVolume", ["volume": 35])))
        #expect(agent.settings.volume == 35)
        for bad: JSONValue in [101, -101, 2.5, "up"] {
            let actions = agent.handle(.directive(volume("AdjustVolume", ["volume": bad])))
            #expect(actions.eventNames == ["System.ExceptionEncountered"])
        }
        #expect(agent.settings.volume == 35)
    }

    @Test("SetMute mutes; a volume change unmutes")
    func mute() {
        var agent = Speaker(settings: SpeakerSettings(volume: 40), ids: MessageIDSource(seed: 1))
        let muted = agent.handle(.directive(volume("SetMute", ["mute": true])))
        #expect(muted.effects == [.setMute(true), .persistSpeaker(SpeakerSettings(volume: 40, muted: true))])
        #expect(muted.eventNames == ["Speaker.MuteChanged"])
        #expect(muted.events.first?.payload == ["volume": 40, "muted": true])
        let changed = agent.handle(.directive(volume("AdjustVolume", ["volume": 5])))
        #expect(changed.effects == [.setVolume(45), .setMute(false), .persistSpeaker(SpeakerSettings(volume: 45, muted: false))])
        #expect(changed.events.first?.payload == ["volume": 45, "muted": false])
    }

    @Test("missing fields and unknown Speaker directives are refused")
    func refused() {
        var agent = Speaker(ids: MessageIDSource(seed: 1))
        #expect(agent.handle(.directive(volume("SetMute", ["mute": "yes"]))).events.first?.payload["error"]?["type"] == "UNEXPECTED_INFORMATION_RECEIVED")
        #expect(agent.handle(.directive(volume("SetVolume", [:]))).events.first?.payload["error"]?["type"] == "UNEXPECTED_INFORMATION_RECEIVED")
        #expect(agent.handle(.directive(volume("Louder", [:]))).events.first?.payload["error"]?["type"] == "UNSUPPORTED_OPERATION")
        #expect(agent.settings == SpeakerSettings())
    }
}
