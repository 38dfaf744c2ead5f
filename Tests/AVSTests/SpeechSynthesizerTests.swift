import Testing
@testable import AVS

@Suite("SpeechSynthesizer")
struct SpeechSynthesizerTests {
    func state(_ agent: SpeechSynthesizer) -> JSONValue { agent.context.payload }

    @Test("idle context is token \"\" and FINISHED")
    func idle() {
        let agent = SpeechSynthesizer(ids: MessageIDSource(seed: 1))
        #expect(agent.context.namespace == "SpeechSynthesizer")
        #expect(agent.context.name == "SpeechState")
        #expect(state(agent) == ["token": "", "offsetInMilliseconds": 0, "playerActivity": "FINISHED"])
    }

    @Test("Speak plays its cid attachment; SpeechStarted and SpeechFinished carry the token")
    func speakThrough() {
        var agent = SpeechSynthesizer(ids: MessageIDSource(seed: 1))
        #expect(agent.handle(.directive(speak(dialog: "d1", token: "t1", cid: "DeviceTTS@x"))) == [.play(contentID: "DeviceTTS@x", token: "t1")])
        let started = agent.handle(.playbackStarted)
        #expect(started.eventNames == ["SpeechSynthesizer.SpeechStarted"])
        #expect(started.events.first?.payload == ["token": "t1"])
        _ = agent.handle(.playbackProgress(offsetInMilliseconds: 1200))
        #expect(state(agent) == ["token": "t1", "offsetInMilliseconds": 1200, "playerActivity": "PLAYING"])
        let finished = agent.handle(.playbackFinished)
        #expect(finished.eventNames == ["SpeechSynthesizer.SpeechFinished"])
        #expect(finished.events.first?.payload == ["token": "t1"])
        #expect(agent.current == nil)
        #expect(state(agent)["playerActivity"] == "FINISHED")
    }

    @Test("barge-in stops playback and reports SpeechInterrupted with the offset")
    func bargeIn() {
        var agent = SpeechSynthesizer(ids: MessageIDSource(seed: 1))
        _ = agent.handle(.directive(speak(dialog: "d1", token: "t1")))
        _ = agent.handle(.playbackStarted)
        _ = agent.handle(.playbackProgress(offsetInMilliseconds: 500))
        #expect(agent.handle(.interrupt) == [.stopPlayback])
        #expect(state(agent)["playerActivity"] == "INTERRUPTED")
        let stopped = agent.handle(.playbackStopped(offsetInMilliseconds: 730))
        #expect(stopped.eventNames == ["SpeechSynthesizer.SpeechInterrupted"])
        #expect(stopped.events.first?.payload == ["token": "t1", "offsetInMilliseconds": 730])
        #expect(state(agent) == ["token": "t1", "offsetInMilliseconds": 730, "playerActivity": "INTERRUPTED"])
        #expect(agent.handle(.playbackFinished) == [])
    }

    @Test("a Speak that arrives while another plays replaces it after it stops")
    func replace() {
        var agent = SpeechSynthesizer(ids: MessageIDSource(seed: 1))
        _ = agent.handle(.directive(speak(dialog: nil, token: "t1", cid: "a")))
        _ = agent.handle(.playbackStarted)
        #expect(agent.handle(.directive(speak(dialog: nil, token: "t2", cid: "b", id: "s2"))) == [.stopPlayback])
        let actions = agent.handle(.playbackStopped(offsetInMilliseconds: 100))
        #expect(actions.eventNames == ["SpeechSynthesizer.SpeechInterrupted"])
        #expect(actions.effects == [.play(contentID: "b", token: "t2")])
        #expect(agent.current?.token == "t2")
    }

    @Test("a Speak without a cid url or token is answered with ExceptionEncountered", arguments: [
        ["url": "https://example.com/a.mp3", "token": "t"], ["url": "cid:a"], ["token": "t"], ["url": "cid:", "token": "t"],
    ] as [JSONValue])
    func malformed(payload: JSONValue) {
        var agent = SpeechSynthesizer(ids: MessageIDSource(seed: 1))
        let actions = agent.handle(.directive(directive("SpeechSynthesizer", "Speak", payload)))
        #expect(actions.eventNames == ["System.ExceptionEncountered"])
        #expect(actions.events.first?.payload["error"]?["type"] == "UNEXPECTED_INFORMATION_RECEIVED")
        #expect(agent.current == nil)
    }

    @Test("a clip that finishes before it is seen starting reports both events")
    func shortClip() {
        var agent = SpeechSynthesizer(ids: MessageIDSource(seed: 1))
        _ = agent.handle(.directive(speak(dialog: nil)))
        #expect(agent.handle(.playbackFinished).eventNames == ["SpeechSynthesizer.SpeechStarted", "SpeechSynthesizer.SpeechFinished"])
    }

    @Test("a failed playback ends the speech quietly")
    func failed() {
        var agent = SpeechSynthesizer(ids: MessageIDSource(seed: 1))
        _ = agent.handle(.directive(speak(dialog: nil)))
        #expect(agent.handle(.playbackFailed) == [])
        #expect(agent.current == nil)
    }
}
