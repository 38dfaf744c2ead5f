import AVS
import AVSTransport
import Synchronization
import Testing
@testable import Appliance

/// Whole turns through `SessionService` with fakes at the seams (connection, microphone,
/// speaker) and a manual clock: what the session did, in order.
@Suite struct SessionServiceTests {
    @Test func tapTurnStreamsUntilStopCaptureThenPlaysTheReply() async throws {
        let rig = SessionRig()
        await rig.connect()
        rig.session.trigger(.tap)
        #expect(await rig.waitFor("mic.start"))
        let recognize = try #require(rig.connection.recognizeEvents.first)
        #expect("\(recognize.payload)".contains("NEAR_FIELD"))
        #expect("\(recognize.payload)".contains("TAP"))
        rig.connection.push(.directive(rig.connection.directive("SpeechRecognizer", "StopCapture")))
        #expect(await rig.waitFor("mic.stop"))
        rig.connection.speak(attachment: SessionRig.reply)
        rig.connection.finishRecognize()
        #expect(await rig.waitFor("avs.send SpeechSynthesizer.SpeechFinished"))
        #expect(await rig.waitUntil { rig.states.last == "idle" })
        #expect(rig.states == ["idle", "listening", "thinking", "speaking", "idle"])
        #expect(rig.sentEvents == ["SpeechSynthesizer.SpeechStarted", "SpeechSynthesizer.SpeechFinished"])
        #expect(rig.timeline.with("mic.") + rig.timeline.with("speaker.") == ["mic.start", "mic.stop", "speaker.begin 24000", "speaker.finish"])
        let all = rig.timeline.all
        #expect(all.firstIndex(of: "mic.stop")! < all.firstIndex(of: "speaker.begin 24000")!)
        // The whole reply went to the speaker: 1.56 s at 24 kHz.
        #expect(abs(rig.speaker.playedFrames - 37_440) < 2_400)
        await rig.shutDown()
        #expect(rig.timeline.all.contains("avs.stop"))
    }

    @Test func holdTurnEndsOnReleaseWithoutStopCapture() async throws {
        let rig = SessionRig()
        await rig.connect()
        rig.session.trigger(.press)
        #expect(await rig.waitFor("mic.start"))
        #expect("\(try #require(rig.connection.recognizeEvents.first).payload)".contains("PRESS_AND_HOLD"))
        rig.session.trigger(.release)
        #expect(await rig.waitFor("mic.stop"))
        #expect(await rig.waitUntil { rig.timeline.all.contains { $0.hasPrefix("note microphone closed") } })
        rig.connection.speak(attachment: SessionRig.reply)
        rig.connection.finishRecognize()
        #expect(await rig.waitFor("avs.send SpeechSynthesizer.SpeechFinished"))
        #expect(await rig.waitUntil { rig.states.last == "idle" })
        #expect(rig.states == ["idle", "listening", "thinking", "speaking", "idle"])
        await rig.shutDown()
    }

    @Test func bargeInStopsTheSpeechReportsHowFarItGotAndStartsANewTurn() async throws {
        let rig = SessionRig(holdsSpeech: true)
        await rig.connect()
        rig.session.trigger(.tap)
        #expect(await rig.waitFor("mic.start"))
        rig.connection.push(.directive(rig.connection.directive("SpeechRecognizer", "StopCapture")))
        rig.connection.speak(attachment: SessionRig.reply)
        rig.connection.finishRecognize()
        #expect(await rig.waitFor("avs.send SpeechSynthesizer.SpeechStarted"))
        // The speaker has taken the reply but not played it out: tap again.
        #expect(await rig.waitUntil { rig.speaker.playedFrames > 30_000 })
        rig.session.trigger(.tap)
        #expect(await rig.waitFor("avs.send SpeechSynthesizer.SpeechInterrupted"))
        #expect(await rig.waitFor("mic.start", count: 2))
        #expect(rig.connection.recognizeEvents.count == 2)
        #expect(rig.sentEvents == ["SpeechSynthesizer.SpeechStarted", "SpeechSynthesizer.SpeechInterrupted"])
        let interrupted = try #require(rig.connection.sentEvents.last)
        // The offset is what the speaker says it played, in milliseconds at 24 kHz.
        let offset = try #require(interrupted.payload["offsetInMilliseconds"]?.doubleValue)
        #expect(Int(offset) == rig.speaker.playedFrames * 1000 / 24_000)
        #expect(rig.timeline.with("speaker.") == ["speaker.begin 24000", "speaker.stop"])
        #expect(rig.states.suffix(2) == ["speaking", "listening"])
        await rig.shutDown()
    }

    @Test func expectSpeechWaitsThenTimesOutOnTheInjectedClock() async throws {
        let rig = SessionRig(recognizer: .init(format: .l16, expectSpeechOpensMicrophone: false))
        await rig.connect()
        rig.session.trigger(.tap)
        #expect(await rig.waitFor("mic.start"))
        rig.connection.push(.directive(rig.connection.directive("SpeechRecognizer", "StopCapture")))
        rig.connection.speak(attachment: SessionRig.reply)
        rig.connection.push(.directive(rig.connection.directive(
            "SpeechRecognizer", "ExpectSpeech", payload: #"{"timeoutInMilliseconds":8000,"initiator":{"type":"T"}}"#)))
        rig.connection.finishRecognize()
        #expect(await rig.waitUntil { rig.states.last == "expecting" })
        // Nothing happens until the clock passes 8 s.
        await rig.clock.advance(by: .seconds(7))
        #expect(!rig.sentEvents.contains("SpeechRecognizer.ExpectSpeechTimedOut"))
        await rig.clock.advance(by: .seconds(2))
        #expect(await rig.waitFor("avs.send SpeechRecognizer.ExpectSpeechTimedOut"))
        #expect(await rig.waitUntil { rig.states.last == "idle" })
        #expect(rig.states == ["idle", "listening", "thinking", "speaking", "expecting", "idle"])
        #expect(rig.timeline.with("mic.start").count == 1)
        await rig.shutDown()
    }

    @Test func expectSpeechThatOpensTheMicrophoneEchoesTheInitiator() async throws {
        let rig = SessionRig()
        await rig.connect()
        rig.session.trigger(.tap)
        #expect(await rig.waitFor("mic.start"))
        rig.connection.push(.directive(rig.connection.directive("SpeechRecognizer", "StopCapture")))
        rig.connection.speak(attachment: SessionRig.reply)
        rig.connection.push(.directive(rig.connection.directive(
            "SpeechRecognizer", "ExpectSpeech", payload: #"{"timeoutInMilliseconds":8000,"initiator":{"type":"T"}}"#)))
        rig.connection.finishRecognize()
        #expect(await rig.waitFor("mic.start", count: 2))
        let second = try #require(rig.connection.recognizeEvents.last)
        #expect(rig.connection.recognizeEvents.count == 2)
        #expect("\(second.payload)".contains("initiator"))
        #expect(rig.states.suffix(2) == ["speaking", "listening"])
        await rig.shutDown()
    }

    @Test func aTapCaptureThatAVSNeverStopsEndsAtTheLocalCap() async throws {
        let rig = SessionRig(recognizer: .init(format: .l16, captureLimit: .seconds(10)))
        await rig.connect()
        rig.session.trigger(.tap)
        #expect(await rig.waitFor("mic.start"))
        await rig.clock.advance(by: .seconds(9))
        #expect(!rig.timeline.all.contains("mic.stop"))
        await rig.clock.advance(by: .seconds(2))
        #expect(await rig.waitFor("mic.stop"))
        #expect(await rig.waitUntil { rig.states.last == "thinking" })
        rig.connection.finishRecognize(.delivered(status: 204))
        #expect(await rig.waitUntil { rig.states.last == "idle" })
        #expect(rig.states == ["idle", "listening", "thinking", "idle"])
        await rig.shutDown()
    }

    @Test func connectionLostMidTurnClosesTheMicrophoneAndGoesOffline() async throws {
        let rig = SessionRig()
        await rig.connect()
        rig.session.trigger(.tap)
        #expect(await rig.waitFor("mic.start"))
        rig.connection.push(.state(.waitingToReconnect(failures: 1, retryIn: .seconds(1))))
        #expect(await rig.waitFor("mic.stop"))
        #expect(await rig.waitUntil { rig.states.last == "offline" })
        #expect(rig.states == ["idle", "listening", "offline"])
        #expect(rig.timeline.all.contains("note disconnected"))
        // Back: idle, and a new turn works.
        rig.connection.push(.state(.connected))
        #expect(await rig.waitUntil { rig.states.last == "idle" })
        rig.session.trigger(.tap)
        #expect(await rig.waitFor("mic.start", count: 2))
        await rig.shutDown()
    }

    @Test func aRefusedRecognizeEndsTheTurnAtOnceAndTheNextTurnWorks() async throws {
        let rig = SessionRig()
        await rig.connect()
        rig.session.trigger(.tap)
        #expect(await rig.waitFor("mic.start"))
        rig.connection.finishRecognize(.refused(status: 429, body: #"{"code":"THROTTLING_EXCEPTION"}"#))
        #expect(await rig.waitFor("mic.stop"))
        #expect(await rig.waitUntil { rig.states.last == "idle" })
        // The microphone closes (thinking, for the moment the response takes to end), then idle.
        #expect(rig.states == ["idle", "listening", "thinking", "idle"])
        #expect(rig.timeline.all.contains { $0.hasPrefix("note → SpeechRecognizer.Recognize FAILED") && $0.contains("429") })
        // The clock never moved: the microphone closed on the refusal, not at the capture cap.
        rig.session.trigger(.tap)
        #expect(await rig.waitFor("mic.start", count: 2))
        #expect(rig.connection.recognizeEvents.count == 2)
        await rig.shutDown()
    }

    @Test func aSpeakWhoseAttachmentNeverArrivesEndsTheTurnWhenItsResponseEnds() async throws {
        // A Recognize response carries its Speak's attachment; once the response has ended
        // without it, the speech fails at once (the attachment deadline is for downchannel
        // Speaks, whose audio has no response end to wait for).
        let rig = SessionRig()
        await rig.connect()
        rig.session.trigger(.tap)
        #expect(await rig.waitFor("mic.start"))
        rig.connection.push(.directive(rig.connection.directive("SpeechRecognizer", "StopCapture")))
        rig.connection.speak(attachment: nil)
        rig.connection.finishRecognize()
        #expect(await rig.waitUntil { rig.states.count >= 4 && rig.states.last == "idle" })
        #expect(rig.states == ["idle", "listening", "thinking", "speaking", "idle"])
        #expect(rig.timeline.all.contains { $0.hasPrefix("note speech failed") && $0.contains("did not arrive") })
        #expect(rig.timeline.with("speaker.begin").isEmpty)
        // And the next turn works.
        rig.session.trigger(.tap)
        #expect(await rig.waitFor("mic.start", count: 2))
        await rig.shutDown()
    }

    @Test func stoppingWithAnEventStuckInFlightEndsAtTheDrainLimit() async throws {
        // Queued events get `drainLimit` (2 s of the session's clock) to go out when the session
        // stops; a send with no answer is then cancelled, so a rebuild or an exit never waits
        // for the connection's own 15-30 s timeouts.
        let rig = SessionRig()
        await rig.connect()
        rig.connection.stalled.withLock { _ = $0.insert("Speaker.VolumeChanged") }
        rig.connection.push(.directive(rig.connection.directive("Speaker", "SetVolume", payload: #"{"volume":30}"#, dialog: false)))
        #expect(await rig.waitFor("avs.send Speaker.VolumeChanged"))

        let stopped = StoppedFlag()
        Task { await rig.shutDown(); stopped.value.withLock { $0 = true } }
        await rig.clock.advance(by: .seconds(1))
        #expect(rig.timeline.with("avs.cancelled").isEmpty, "cancelled before the drain limit")
        let deadline = ContinuousClock.now + .seconds(10)
        while !stopped.value.withLock({ $0 }), ContinuousClock.now < deadline {
            await rig.clock.advance(by: .milliseconds(500))
        }
        #expect(stopped.value.withLock { $0 }, "the session did not stop")
        #expect(rig.timeline.with("avs.cancelled") == ["avs.cancelled Speaker.VolumeChanged"])
        #expect(rig.clock.now.offset >= .seconds(2))
    }
}

private final class StoppedFlag: Sendable {
    let value = Mutex(false)
}
