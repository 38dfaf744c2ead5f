import Testing
@testable import AVS

@Suite("System")
struct SystemAgentTests {
    @Test("UserInactivityReport every idle hour with the total; activity starts over")
    func inactivity() {
        var session = DialogSession(ids: MessageIDSource(seed: 9))
        var clock = FakeClock()
        clock.apply(session.handle(.connectionChanged(connected: true)))
        #expect(clock.pending == [.userInactivity])
        #expect(clock.advance(.seconds(3599), session: &session) == [])
        let first = clock.advance(.seconds(1), session: &session)
        #expect(first.eventNames == ["System.UserInactivityReport"])
        #expect(first.events.first?.payload == ["inactiveTimeInSeconds": 3600])
        let more = clock.advance(.seconds(7200), session: &session)
        #expect(more.events.map { $0.payload["inactiveTimeInSeconds"] } == [7200, 10800])
        // A button press is activity.
        clock.apply(session.handle(.tap))
        _ = clock.apply(session.handle(.directive(directive("SpeechRecognizer", "StopCapture"))))
        _ = session.handle(.recognizeFinished)
        let afterActivity = clock.advance(.seconds(3600), session: &session)
        #expect(afterActivity.events.first?.payload == ["inactiveTimeInSeconds": 3600])
    }

    @Test("ResetUserInactivity restarts the hour")
    func reset() {
        var session = DialogSession(ids: MessageIDSource(seed: 9))
        var clock = FakeClock()
        clock.apply(session.handle(.connectionChanged(connected: true)))
        _ = clock.advance(.seconds(3000), session: &session)
        clock.apply(session.handle(.directive(directive("System", "ResetUserInactivity"))))
        #expect(clock.advance(.seconds(3000), session: &session) == [])
        #expect(clock.advance(.seconds(600), session: &session).eventNames == ["System.UserInactivityReport"])
    }

    @Test("SynchronizeState is {} with the full context")
    func synchronize() {
        var session = DialogSession(settings: .init(speaker: SpeakerSettings(volume: 70, muted: true)), ids: MessageIDSource(seed: 9))
        let event = session.synchronizeStateEvent()
        #expect(event.header.qualifiedName == "System.SynchronizeState")
        #expect(event.payload == .emptyObject)
        #expect(event.context?.map { "\($0.namespace).\($0.name)" } == [
            "SpeechRecognizer.RecognizerState", "SpeechSynthesizer.SpeechState", "Speaker.VolumeState",
        ])
        #expect(event.context?.last?.payload == ["volume": 70, "muted": true])
    }

    @Test("System.Exception is surfaced; SetEndpoint and SetGateway move the device")
    func directives() {
        var (session, _) = connectedSession()
        let exception = directive("System", "Exception", ["code": "THROTTLING_EXCEPTION", "description": "slow down"])
        #expect(session.handle(.directive(exception)) == [.systemException(code: "THROTTLING_EXCEPTION", description: "slow down")])
        #expect(session.handle(.directive(directive("System", "SetEndpoint", ["endpoint": "https://avs-alexa-eu.amazon.com"])))
            == [.changeEndpoint("https://avs-alexa-eu.amazon.com")])
        #expect(session.handle(.directive(directive("Alexa.ApiGateway", "SetGateway", ["gateway": "https://alexa.eu.gateway.devices.a2z.com"])))
            == [.changeEndpoint("https://alexa.eu.gateway.devices.a2z.com")])
        #expect(session.handle(.directive(directive("Alexa.ApiGateway", "SetGateway", [:]))).eventNames == ["System.ExceptionEncountered"])
    }

    @Test("ExceptionEncountered has the exact AVS shape with an empty context list")
    func exceptionShape() {
        let event = Event.exceptionEncountered(unparsedDirective: "{bad", type: .unsupportedOperation, message: "no", messageId: "m")
        #expect(event.jsonText == #"{"context":[],"event":{"header":{"namespace":"System","name":"ExceptionEncountered","messageId":"m"},"payload":{"error":{"message":"no","type":"UNSUPPORTED_OPERATION"},"unparsedDirective":"{bad"}}}"#)
    }
}
