import Testing
@testable import AVS

@Suite("Dialog session")
struct DialogSessionTests {
    /// The `stateChanged` actions, in order.
    func states(_ actions: [AVSAction]) -> [DialogState] {
        actions.compactMap { if case .stateChanged(let state) = $0 { state } else { nil } }
    }

    /// Starts a tap turn and returns the Recognize's dialogRequestId.
    func tapTurn(_ session: inout DialogSession, _ clock: inout FakeClock) throws -> String {
        let actions = clock.apply(session.handle(.tap))
        let recognize = try #require(actions.events.first { $0.header.name == "Recognize" })
        return try #require(recognize.header.dialogRequestId)
    }

    @Test("starts offline; connecting makes it idle; a tap offline does nothing")
    func offline() {
        var session = DialogSession(ids: MessageIDSource(seed: 1))
        #expect(session.state == .offline)
        #expect(session.handle(.tap) == [])
        let actions = session.handle(.connectionChanged(connected: true))
        #expect(actions == [.schedule(.userInactivity, after: .seconds(3600)), .stateChanged(.idle)])
    }

    @Test("a whole tap turn: listening, thinking, speaking, idle")
    func wholeTurn() throws {
        var (session, clock) = connectedSession()
        let tap = clock.apply(session.handle(.tap))
        #expect(states(tap) == [.listening])
        let recognize = try #require(tap.events.first)
        #expect(tap.contains(.startCapture(.nearField, .opus)))
        #expect(recognize.context?.count == 3)
        let dialog = try #require(recognize.header.dialogRequestId)
        #expect(dialog.count == 36)

        let stop = clock.apply(session.handle(.directive(directive("SpeechRecognizer", "StopCapture", dialog: dialog))))
        #expect(stop.contains(.stopCapture))
        #expect(states(stop) == [.thinking])

        let play = session.handle(.directive(speak(dialog: dialog, token: "t1", cid: "tts")))
        #expect(play == [.play(contentID: "tts", token: "t1"), .stateChanged(.speaking)])
        #expect(session.handle(.attachmentBegan(contentID: "tts")) == [])
        #expect(session.handle(.playbackStarted).eventNames == ["SpeechSynthesizer.SpeechStarted"])
        #expect(session.handle(.recognizeFinished) == [])
        let finished = session.handle(.playbackFinished)
        #expect(finished.eventNames == ["SpeechSynthesizer.SpeechFinished"])
        #expect(states(finished) == [.idle])
        #expect(clock.pending == [.userInactivity])
    }

    @Test("a Recognize that ends while the microphone is open (refused with 429) closes it and goes idle")
    func recognizeRefusedWhileListening() throws {
        var (session, clock) = connectedSession()
        _ = try tapTurn(&session, &clock)
        let finished = clock.apply(session.handle(.recognizeFinished))
        #expect(finished.contains(.stopCapture))
        #expect(states(finished) == [.idle])
        // The capture cap no longer fires into a turn that is over.
        #expect(!clock.pending.contains(.captureLimit))
        #expect(states(session.handle(.captureStopped)) == [])
    }

    @Test("a Recognize answered with nothing goes back to idle")
    func emptyAnswer() throws {
        var (session, clock) = connectedSession()
        _ = try tapTurn(&session, &clock)
        #expect(states(clock.advance(.seconds(10), session: &session)) == [.thinking])
        #expect(states(session.handle(.recognizeFinished)) == [.idle])
    }

    @Test("hold-to-talk ends on release and ignores StopCapture")
    func hold() {
        var (session, _) = connectedSession()
        let press = session.handle(.press)
        #expect(press.contains(.startCapture(.closeTalk, .opus)))
        #expect(!press.contains { if case .schedule(.captureLimit, _) = $0 { true } else { false } })
        #expect(session.handle(.directive(directive("SpeechRecognizer", "StopCapture"))) == [])
        #expect(session.state == .listening)
        let release = session.handle(.release)
        #expect(release == [.schedule(.userInactivity, after: .seconds(3600)), .stopCapture, .stateChanged(.thinking)])
        #expect(session.state == .thinking)
    }

    @Test("Speak blocks ExpectSpeech until playback ends; then the mic opens with the initiator echoed")
    func expectSpeechFollowUp() throws {
        var (session, clock) = connectedSession()
        let dialog = try tapTurn(&session, &clock)
        clock.apply(session.handle(.directive(directive("SpeechRecognizer", "StopCapture", dialog: dialog))))
        _ = session.handle(.directive(speak(dialog: dialog, id: "s1")))
        let initiator: JSONValue = ["type": "TAP", "payload": ["token": "follow-up"]]
        let expect = directive("SpeechRecognizer", "ExpectSpeech", dialog: dialog, id: "e1", ["timeoutInMilliseconds": 8000, "initiator": initiator])
        #expect(session.handle(.directive(expect)) == [])
        #expect(session.state == .speaking)
        _ = session.handle(.playbackStarted)
        let finished = clock.apply(session.handle(.playbackFinished))
        #expect(finished.eventNames == ["SpeechSynthesizer.SpeechFinished", "SpeechRecognizer.Recognize"])
        let recognize = try #require(finished.events.last)
        #expect(recognize.payload["initiator"] == initiator)
        #expect(recognize.header.dialogRequestId != dialog)
        #expect(finished.contains(.startCapture(.nearField, .opus)))
        #expect(states(finished) == [.listening])
    }

    @Test("ExpectSpeech waiting for the button times out with ExpectSpeechTimedOut")
    func expectSpeechTimeout() throws {
        var (session, clock) = connectedSession(.init(recognizer: .init(expectSpeechOpensMicrophone: false)))
        let dialog = try tapTurn(&session, &clock)
        clock.apply(session.handle(.directive(directive("SpeechRecognizer", "StopCapture", dialog: dialog))))
        _ = session.handle(.directive(speak(dialog: dialog)))
        _ = session.handle(.directive(directive("SpeechRecognizer", "ExpectSpeech", dialog: dialog, ["timeoutInMilliseconds": 8000])))
        _ = session.handle(.playbackStarted)
        let finished = clock.apply(session.handle(.playbackFinished))
        #expect(states(finished) == [.expecting])
        #expect(clock.pending.contains(.expectSpeechTimeout))
        #expect(clock.advance(.milliseconds(7999), session: &session) == [])
        let timedOut = clock.advance(.milliseconds(1), session: &session)
        #expect(timedOut.eventNames == ["SpeechRecognizer.ExpectSpeechTimedOut"])
        #expect(states(timedOut) == [.idle])
    }

    @Test("barge-in: a press while speaking interrupts speech and starts a new turn")
    func bargeIn() throws {
        var (session, clock) = connectedSession()
        let dialog = try tapTurn(&session, &clock)
        clock.apply(session.handle(.directive(directive("SpeechRecognizer", "StopCapture", dialog: dialog))))
        _ = session.handle(.directive(speak(dialog: dialog, token: "t1", id: "s1")))
        _ = session.handle(.directive(directive("SpeechRecognizer", "ExpectSpeech", dialog: dialog, ["timeoutInMilliseconds": 8000])))
        _ = session.handle(.playbackStarted)
        _ = session.handle(.playbackProgress(offsetInMilliseconds: 900))
        let press = clock.apply(session.handle(.press))
        #expect(press.contains(.stopPlayback))
        #expect(press.contains(.startCapture(.closeTalk, .opus)))
        let recognize = try #require(press.events.first)
        #expect(recognize.header.dialogRequestId != dialog)
        #expect(recognize.context?[1].payload == ["token": "t1", "offsetInMilliseconds": 900, "playerActivity": "INTERRUPTED"])
        #expect(states(press) == [.listening])
        #expect(session.sequencer.queued.isEmpty)
        let stopped = session.handle(.playbackStopped(offsetInMilliseconds: 950))
        #expect(stopped.eventNames == ["SpeechSynthesizer.SpeechInterrupted"])
        #expect(stopped.events.first?.payload == ["token": "t1", "offsetInMilliseconds": 950])
        // The old dialog's ExpectSpeech never runs, and its late directives are dropped.
        #expect(session.state == .listening)
        let late = directive("Speaker", "SetVolume", dialog: dialog, ["volume": 3])
        #expect(session.handle(.directive(late)) == [.directiveDropped(late.header)])
    }

    @Test("unknown and malformed directives are answered with ExceptionEncountered and the session carries on")
    func badDirectives() throws {
        var (session, clock) = connectedSession()
        let unknown = directive("Bluetooth", "ScanDevices", ["token": "a"])
        let first = session.handle(.directive(unknown))
        #expect(first.eventNames == ["System.ExceptionEncountered"])
        #expect(first.events[0].context == [])
        #expect(first.events[0].payload["error"]?["type"] == "UNSUPPORTED_OPERATION")
        #expect(first.events[0].payload["unparsedDirective"] == .string(unknown.raw))

        let garbage = #"{"directive":{"header":{"namespace":"Speaker""#
        guard case .failure(let error) = parseDirective(bytes(garbage)) else { Issue.record("parsed garbage"); return }
        let second = session.handle(.unparsableDirective(error))
        #expect(second.events[0].payload["unparsedDirective"] == .string(garbage))
        #expect(second.events[0].payload["error"]?["type"] == "UNEXPECTED_INFORMATION_RECEIVED")
        #expect(second.events[0].context == [])

        let malformedVolume = session.handle(.directive(directive("Speaker", "SetVolume", ["volume": 150])))
        #expect(malformedVolume.events[0].payload["error"]?["type"] == "UNEXPECTED_INFORMATION_RECEIVED")
        #expect(session.state == .idle)

        // A malformed Speak does not block its dialog.
        let dialog = try tapTurn(&session, &clock)
        clock.apply(session.handle(.directive(directive("SpeechRecognizer", "StopCapture", dialog: dialog))))
        let badSpeak = session.handle(.directive(directive("SpeechSynthesizer", "Speak", dialog: dialog, id: "bad", ["token": "x"])))
        #expect(badSpeak.eventNames == ["System.ExceptionEncountered"])
        let volume = session.handle(.directive(directive("Speaker", "SetVolume", dialog: dialog, ["volume": 20])))
        #expect(volume.contains(.setVolume(20)))
        // And the next turn works.
        _ = session.handle(.recognizeFinished)
        #expect(states(session.handle(.tap)) == [.listening])
    }

    @Test("the tap cap ends a capture that StopCapture never ends")
    func tapCap() throws {
        var (session, clock) = connectedSession()
        _ = try tapTurn(&session, &clock)
        #expect(clock.advance(.seconds(9), session: &session) == [])
        let capped = clock.advance(.seconds(1), session: &session)
        #expect(capped == [.stopCapture, .stateChanged(.thinking)])
    }

    @Test("losing the connection abandons the capture and shows offline")
    func connectionLost() throws {
        var (session, clock) = connectedSession()
        _ = try tapTurn(&session, &clock)
        let lost = clock.apply(session.handle(.connectionChanged(connected: false)))
        #expect(lost == [.stopCapture, .cancel(.captureLimit), .stateChanged(.offline)])
        #expect(session.handle(.press) == [])
        #expect(states(session.handle(.connectionChanged(connected: true))) == [.idle])
    }

    @Test("stop silences speech and listening")
    func stop() throws {
        var (session, _) = connectedSession()
        _ = session.handle(.directive(speak(dialog: nil, token: "t")))
        _ = session.handle(.playbackStarted)
        #expect(session.handle(.stop) == [.stopPlayback])
        let stopped = session.handle(.playbackStopped(offsetInMilliseconds: 10))
        #expect(stopped.eventNames == ["SpeechSynthesizer.SpeechInterrupted"])
        #expect(states(stopped) == [.idle])
    }

    @Test("volume directives reach the speaker and its state goes into the next context")
    func speakerInSession() throws {
        var (session, clock) = connectedSession()
        let actions = session.handle(.directive(directive("Speaker", "SetVolume", ["volume": 33])))
        #expect(actions.contains(.setVolume(33)))
        #expect(actions.contains(.persistSpeaker(SpeakerSettings(volume: 33, muted: false))))
        let tap = clock.apply(session.handle(.tap))
        #expect(tap.events.first?.context?.last?.payload == ["volume": 33, "muted": false])
    }

    @Test("a JSON part from the transport becomes a directive input or an unparsable one")
    func directivePart() throws {
        #expect(DialogSession.Input.directivePart(bytes(stopCaptureJSON)) == .directive(try parseDirective(bytes(stopCaptureJSON)).get()))
        #expect(DialogSession.Input.directivePart(bytes("{")) == .unparsableDirective(.malformedJSON(raw: "{")))
    }
}
