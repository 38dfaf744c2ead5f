import Testing
@testable import AVS

@Suite("Dialog forwarding and external context")
struct ForwardingTests {
    func forwarded(_ actions: [AVSAction]) -> [String] {
        actions.compactMap { if case .forward(let directive) = $0 { directive.header.qualifiedName } else { nil } }
    }

    @Test("directives of Alerts, AudioPlayer, PlaybackController and Notifications come out as forward")
    func namespaces() {
        var (session, _) = connectedSession()
        for namespace in ["Alerts", "AudioPlayer", "PlaybackController", "Notifications"] {
            let actions = session.handle(.directive(directive(namespace, "Anything", id: namespace)))
            #expect(forwarded(actions) == [namespace + ".Anything"])
            #expect(actions.events.isEmpty)
        }
        // Anything else unknown is still answered with ExceptionEncountered.
        let unknown = session.handle(.directive(directive("Bluetooth", "Scan")))
        #expect(forwarded(unknown).isEmpty)
        #expect(unknown.eventNames == ["System.ExceptionEncountered"])
    }

    @Test("a Play after a Speak in the same dialog is forwarded only when the Speak ends")
    func playWaitsForSpeak() throws {
        var (session, clock) = connectedSession()
        let tap = clock.apply(session.handle(.tap))
        let dialog = try #require(tap.events.first?.header.dialogRequestId)
        _ = session.handle(.directive(directive("SpeechRecognizer", "StopCapture", dialog: dialog)))
        _ = session.handle(.directive(speak(dialog: dialog, id: "s1")))
        let play = session.handle(.directive(directive("AudioPlayer", "Play", dialog: dialog, id: "p1")))
        #expect(forwarded(play).isEmpty)
        #expect(forwarded(session.handle(.playbackStarted)).isEmpty)
        #expect(forwarded(session.handle(.playbackFinished)) == ["AudioPlayer.Play"])
    }

    @Test("an alert directive without a dialog is forwarded at once, even while speech plays")
    func alertDuringSpeech() throws {
        var (session, clock) = connectedSession()
        let tap = clock.apply(session.handle(.tap))
        let dialog = try #require(tap.events.first?.header.dialogRequestId)
        _ = session.handle(.directive(speak(dialog: dialog, id: "s1")))
        let set = session.handle(.directive(directive("Alerts", "SetAlert", id: "a1", ["token": "t"])))
        #expect(forwarded(set) == ["Alerts.SetAlert"])
    }

    @Test("a Play of an older dialog is dropped, not forwarded")
    func oldDialog() {
        var (session, _) = connectedSession()
        _ = session.handle(.tap)
        let actions = session.handle(.directive(directive("AudioPlayer", "Play", dialog: "old")))
        #expect(forwarded(actions).isEmpty)
        #expect(actions.contains { if case .directiveDropped = $0 { true } else { false } })
    }

    @Test("external context entries ride in Recognize and SynchronizeState after the dialog's own")
    func externalContext() throws {
        var (session, _) = connectedSession()
        let alerts = ContextEntry(namespace: "Alerts", name: "AlertsState", payload: ["allAlerts": [], "activeAlerts": []])
        session.externalContext = [alerts]
        let recognize = try #require(session.handle(.tap).events.first)
        #expect(recognize.context?.map(\.namespace) == ["SpeechRecognizer", "SpeechSynthesizer", "Speaker", "Alerts"])
        #expect(session.synchronizeStateEvent().context?.last == alerts)
        // An external entry cannot shadow one of the dialog's own.
        session.externalContext = [ContextEntry(namespace: "Speaker", name: "VolumeState", payload: ["volume": 1])]
        #expect(session.context.count == 3)
    }
}
