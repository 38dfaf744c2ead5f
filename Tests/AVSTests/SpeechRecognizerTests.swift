import Testing
@testable import AVS

@Suite("SpeechRecognizer")
struct SpeechRecognizerTests {
    let context = [ContextEntry(namespace: "Speaker", name: "VolumeState", payload: ["volume": 50, "muted": false])]

    func recognizer(_ settings: SpeechRecognizer.Settings = .init()) -> SpeechRecognizer {
        SpeechRecognizer(settings: settings, ids: MessageIDSource(seed: 3))
    }

    @Test("tap: NEAR_FIELD + TAP, a 10 s cap, ended by StopCapture")
    func tap() throws {
        var agent = recognizer()
        let actions = agent.handle(.start(.tap, dialogRequestId: "d1", context: context))
        #expect(actions.effects == [.startCapture(.nearField, .opus), .schedule(.captureLimit, after: .seconds(10))])
        let recognize = try #require(actions.events.first)
        #expect(recognize.header.qualifiedName == "SpeechRecognizer.Recognize")
        #expect(recognize.header.dialogRequestId == "d1")
        #expect(recognize.context == context)
        #expect(recognize.payload == ["profile": "NEAR_FIELD", "format": "OPUS", "initiator": ["type": "TAP", "payload": [:]]])
        #expect(agent.handle(.directive(directive("SpeechRecognizer", "StopCapture", dialog: "d1"))) == [.stopCapture, .cancel(.captureLimit)])
        #expect(agent.state == .idle)
        // A StopCapture that comes late has nothing to stop.
        #expect(agent.handle(.directive(directive("SpeechRecognizer", "StopCapture"))) == [])
    }

    @Test("tap: the local cap ends a capture AVS never stops")
    func tapCap() {
        var agent = recognizer()
        _ = agent.handle(.start(.tap, dialogRequestId: "d1", context: []))
        #expect(agent.handle(.timerFired(.captureLimit)) == [.stopCapture])
        #expect(agent.state == .idle)
        #expect(agent.handle(.timerFired(.captureLimit)) == [])
    }

    @Test("hold: CLOSE_TALK + PRESS_AND_HOLD, L16 when configured, ends on release only")
    func hold() throws {
        var agent = recognizer(.init(format: .l16))
        let actions = agent.handle(.start(.hold, dialogRequestId: "d1", context: []))
        #expect(actions.effects == [.startCapture(.closeTalk, .l16)])
        #expect(actions.events.first?.payload == ["profile": "CLOSE_TALK", "format": "AUDIO_L16_RATE_16000_CHANNELS_1", "initiator": ["type": "PRESS_AND_HOLD", "payload": [:]]])
        #expect(agent.handle(.directive(directive("SpeechRecognizer", "StopCapture"))) == [])
        #expect(agent.handle(.timerFired(.captureLimit)) == [])
        #expect(agent.state == .capturing(.hold))
        #expect(agent.handle(.release) == [.stopCapture])
        #expect(agent.state == .idle)
    }

    @Test("ExpectSpeech echoes its initiator unchanged in the next Recognize")
    func expectSpeechEcho() throws {
        var agent = recognizer()
        let initiator: JSONValue = ["type": "TAP", "payload": ["token": "opaque-123", "nested": [1, 2]]]
        let expect = directive("SpeechRecognizer", "ExpectSpeech", ["timeoutInMilliseconds": 8000, "initiator": initiator])
        #expect(agent.handle(.directive(expect)) == [])
        #expect(agent.state == .expecting(initiator: initiator))
        let actions = agent.handle(.start(.tap, dialogRequestId: "d2", context: []))
        #expect(actions.events.first?.payload["initiator"] == initiator)
    }

    @Test("ExpectSpeech waiting for the button: timeout sends ExpectSpeechTimedOut {}")
    func expectSpeechTimeout() throws {
        var agent = recognizer(.init(expectSpeechOpensMicrophone: false))
        let expect = directive("SpeechRecognizer", "ExpectSpeech", ["timeoutInMilliseconds": 8000])
        #expect(agent.handle(.directive(expect)) == [.schedule(.expectSpeechTimeout, after: .milliseconds(8000))])
        let actions = agent.handle(.timerFired(.expectSpeechTimeout))
        #expect(actions.eventNames == ["SpeechRecognizer.ExpectSpeechTimedOut"])
        #expect(actions.events.first?.payload == .emptyObject)
        #expect(actions.events.first?.jsonText.hasSuffix(#""payload":{}}}"#) == true)
        #expect(agent.state == .idle)
    }

    @Test("ExpectSpeech answered in time cancels its timeout")
    func expectSpeechAnswered() {
        var agent = recognizer(.init(expectSpeechOpensMicrophone: false))
        _ = agent.handle(.directive(directive("SpeechRecognizer", "ExpectSpeech", ["timeoutInMilliseconds": 8000])))
        let actions = agent.handle(.start(.hold, dialogRequestId: "d2", context: []))
        #expect(actions.effects == [.cancel(.expectSpeechTimeout), .startCapture(.closeTalk, .opus)])
        #expect(agent.handle(.timerFired(.expectSpeechTimeout)) == [])
    }

    @Test("a malformed ExpectSpeech or unknown directive is answered with ExceptionEncountered")
    func malformed() {
        var agent = recognizer()
        let bad = directive("SpeechRecognizer", "ExpectSpeech", ["timeoutInMilliseconds": "soon"])
        let actions = agent.handle(.directive(bad))
        #expect(actions.eventNames == ["System.ExceptionEncountered"])
        #expect(actions.events.first?.payload["error"]?["type"] == "UNEXPECTED_INFORMATION_RECEIVED")
        #expect(actions.events.first?.payload["unparsedDirective"] == .string(bad.raw))
        #expect(actions.events.first?.context == [])
        let unknown = agent.handle(.directive(directive("SpeechRecognizer", "Levitate")))
        #expect(unknown.events.first?.payload["error"]?["type"] == "UNSUPPORTED_OPERATION")
        #expect(agent.state == .idle)
    }

    @Test("the microphone stopping by itself or a cancel closes the request")
    func captureStopped() {
        var agent = recognizer()
        _ = agent.handle(.start(.tap, dialogRequestId: "d1", context: []))
        #expect(agent.handle(.captureStopped) == [.stopCapture, .cancel(.captureLimit)])
        _ = agent.handle(.start(.hold, dialogRequestId: "d2", context: []))
        #expect(agent.handle(.cancel) == [.stopCapture])
        #expect(agent.handle(.release) == [])
    }

    @Test("RecognizerState context")
    func recognizerState() {
        #expect(recognizer().context == ContextEntry(namespace: "SpeechRecognizer", name: "RecognizerState", payload: ["wakeword": "ALEXA"]))
    }
}
