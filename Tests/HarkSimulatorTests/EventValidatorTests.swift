import HarkSimulator
import Testing

@Suite struct EventValidatorTests {
    func validate(_ json: SimJSON, expected: SimJSON? = nil) -> Result<ReceivedEvent, FormDataError> {
        EventValidator.validate(Array(json.text.utf8), expectedInitiator: expected)
    }

    func rejection(_ json: SimJSON) -> String? {
        if case .failure(let error) = validate(json) { return error.description }
        return nil
    }

    @Test func acceptsSynchronizeStateAndRecognize() throws {
        let sync = try validate(EventBodies.synchronizeState).get()
        #expect(sync.qualifiedName == "System.SynchronizeState")
        let recognize = try validate(EventBodies.recognize()).get()
        #expect(recognize.isRecognize)
        #expect(recognize.dialogRequestId != nil)
    }

    @Test func rejectsEnvelopeProblems() {
        #expect(EventValidator.validate(Array("{not json".utf8)).isFailure)
        #expect(rejection(["event": ["header": ["namespace": "A", "name": "B"], "payload": [:]]])?.contains("messageId") == true)
        #expect(rejection(["event": ["header": ["namespace": "A", "name": "B", "messageId": ""], "payload": [:]]])?.contains("empty") == true)
        #expect(rejection(["event": ["header": ["namespace": "A", "name": "B", "messageId": "m"]]])?.contains("payload") == true)
        #expect(rejection(["event": ["header": ["namespace": "A", "name": "B", "messageId": "m"], "payload": [:]], "extra": 1])?.contains("extra") == true)
        #expect(rejection(["event": ["header": ["namespace": "A", "name": "B", "messageId": 5], "payload": [:]]]) != nil)
        #expect(rejection(["context": [["header": ["namespace": "A"], "payload": [:]]],
                           "event": ["header": ["namespace": "A", "name": "B", "messageId": "m"], "payload": [:]]]) != nil)
    }

    @Test func synchronizeStateMustCarryContext() {
        #expect(rejection(EventBodies.event("System", "SynchronizeState", context: nil))?.contains("context") == true)
    }

    @Test func recognizeChecksItsPayload() {
        #expect(rejection(EventBodies.event("SpeechRecognizer", "Recognize", payload: [
            "profile": "NEAR_FIELD", "format": "OPUS", "initiator": ["type": "TAP"],
        ]))?.contains("dialogRequestId") == true)
        #expect(rejection(EventBodies.recognize(format: "MP3")) != nil)
        #expect(rejection(EventBodies.recognize(profile: "LOUD")) != nil)
        #expect(rejection(EventBodies.recognize(initiator: "SHOUT")) != nil)
        #expect(rejection(EventBodies.recognize(initiator: "WAKEWORD"))?.contains("wakeWordIndices") == true)
    }

    @Test func recognizeMayEchoTheExpectSpeechInitiator() {
        let initiator: SimJSON = ["type": "EXPECT_SPEECH", "payload": ["token": "t"]]
        let event = EventBodies.event("SpeechRecognizer", "Recognize", payload: [
            "profile": "NEAR_FIELD", "format": "OPUS", "initiator": initiator,
        ], dialogRequestId: "d")
        #expect(!validate(event, expected: initiator).isFailure)
        #expect(validate(event).isFailure)
    }

    @Test func knownEventPayloadsAreChecked() {
        #expect(rejection(EventBodies.event("SpeechSynthesizer", "SpeechStarted", payload: [:])) != nil)
        #expect(rejection(EventBodies.event("Speaker", "VolumeChanged", payload: ["volume": 140, "muted": false])) != nil)
        #expect(rejection(EventBodies.event("System", "ExceptionEncountered", payload: [
            "unparsedDirective": "x", "error": ["type": "BAD", "message": "m"],
        ], context: [])) != nil)
        #expect(!validate(EventBodies.event("System", "ExceptionEncountered", payload: [
            "unparsedDirective": "x", "error": ["type": "UNSUPPORTED_OPERATION", "message": "m"],
        ], context: [])).isFailure)
        #expect(!validate(EventBodies.event("Custom", "Anything", payload: ["x": 1], context: nil)).isFailure)
    }
}

extension Result {
    var isFailure: Bool { if case .failure = self { true } else { false } }
}
