import Foundation
import Testing

/// Whole turns against hark-sim: real HTTP/2 + TLS on loopback, real ALSA file PCMs.
@Suite(.serialized) struct TurnTests {
    /// The lowest correlation accepted between the fixture and what the simulator decoded
    /// back from the Opus stream (a lossy codec at 32 kbit/s keeps speech well above this).
    static let minimumCorrelation = 0.8

    @Test func connectsAndSynchronizesBeforeAnythingElse() throws {
        let simulator = try Simulator(scenario: "", in: try Harness.temporaryDirectory("connect"))
        let device = try Device(simulator: simulator)
        let outcome = try device.run()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let log = simulator.eventsLog.filter { !$0.contains("/auth/") }
        #expect(log.first?.contains("GET /v20160207/directives 200") == true, "\(log)")
        #expect(log.dropFirst().first?.contains("System.SynchronizeState") == true, "\(log)")
        #expect(outcome.index("connected and synchronized")! < outcome.index("SpeechRecognizer.Recognize")!)
    }

    @Test func tapTurnStreamsTheRequestAndPlaysTheReply() throws {
        let simulator = try Simulator(scenario: "[[recognize]]\nstop_capture_after_ms = 1500\n", in: try Harness.temporaryDirectory("tap"))
        let device = try Device(simulator: simulator)
        let outcome = try device.run()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        // StopCapture closes the microphone; Speak plays; SpeechStarted then SpeechFinished.
        let stop = try #require(outcome.index("← SpeechRecognizer.StopCapture"))
        let closed = try #require(outcome.index("microphone closed"))
        #expect(stop <= closed)
        let started = try #require(outcome.index("→ SpeechSynthesizer.SpeechStarted"))
        let finished = try #require(outcome.index("→ SpeechSynthesizer.SpeechFinished"))
        #expect(started < finished)
        let recognize = try #require(simulator.recorded("SpeechRecognizer.Recognize").first)
        let event = recognize["event"] as? [String: Any]
        let payload = (event?["event"] as? [String: Any])?["payload"] as? [String: Any] ?? event?["payload"] as? [String: Any]
        #expect("\(payload ?? [:])".contains("NEAR_FIELD"))
        #expect("\(payload ?? [:])".contains("TAP"))
        let audio = try #require(recognize["audio"] as? [String: Any])
        #expect(audio["format"] as? String == "OPUS")
        let recorded = try Correlation.samples(wav: URL(fileURLWithPath: try #require(audio["wav"] as? String)))
        let reference = try Correlation.samples(wav: URL(fileURLWithPath: Harness.fixture))
        let correlation = Correlation.best(reference: reference, recorded: recorded)
        #expect(correlation > Self.minimumCorrelation, "correlation \(correlation)")
        // The Speak audio reached the playback device: 1.56 s of 24 kHz mono.
        let reply = try Correlation.samples(wav: device.replyWAV)
        #expect(abs(reply.count - 37_440) < 2400, "\(reply.count) samples")
        #expect(reply.contains { abs(Int($0)) > 1000 })
    }

    @Test func holdTurnEndsOnReleaseWithoutStopCapture() throws {
        let simulator = try Simulator(scenario: "", in: try Harness.temporaryDirectory("hold"))
        let device = try Device(simulator: simulator, micFormat: "l16", paced: true)
        let outcome = try device.run(holdFor: 1600)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(!outcome.has("StopCapture"))
        let recognize = try #require(simulator.recorded("SpeechRecognizer.Recognize").first)
        #expect("\(recognize["event"] ?? "")".contains("PRESS_AND_HOLD"))
        #expect("\(recognize["event"] ?? "")".contains("CLOSE_TALK"))
        let audio = try #require(recognize["audio"] as? [String: Any])
        let recorded = try Correlation.samples(wav: URL(fileURLWithPath: try #require(audio["wav"] as? String)))
        let reference = try Correlation.samples(wav: URL(fileURLWithPath: Harness.fixture))
        // L16 is lossless: the recording is the fixture (after what the paced source gave
        // before the file plugin's first period, at most a few periods).
        #expect(Correlation.best(reference: reference, recorded: recorded, maxLag: 1600) > 0.99)
        // Paced: 1.6 s of holding is about 1.6 s of audio, not a flood.
        #expect(abs(recorded.count - 25_600) < 4_800, "\(recorded.count) samples")
        #expect(outcome.has("→ SpeechSynthesizer.SpeechFinished"))
    }

    @Test func bargeInInterruptsSpeechAndStartsANewTurn() throws {
        let simulator = try Simulator(scenario: "[[recognize]]\nstop_capture_after_ms = 800\n", in: try Harness.temporaryDirectory("barge"))
        let device = try Device(simulator: simulator, paced: true)
        let outcome = try device.run(bargeInAfter: 400)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let interrupted = try #require(simulator.recorded("SpeechSynthesizer.SpeechInterrupted").first)
        let event = (interrupted["event"] as? [String: Any])?["event"] as? [String: Any]
        let offset = try #require((event?["payload"] as? [String: Any])?["offsetInMilliseconds"] as? Int)
        // Tapped 400 ms after the speech began: heard is that less what the device still
        // held (100 ms of buffer and the sound server's latency), more if the tap came late
        // on a loaded machine, never more than the 1.56 s reply.
        #expect(offset >= 150 && offset <= 1560, "offsetInMilliseconds \(offset)")
        #expect(simulator.recorded("SpeechRecognizer.Recognize").count == 2)
        #expect(outcome.has("speech stopped after"))
        #expect(outcome.has("→ SpeechSynthesizer.SpeechFinished"))
    }

    @Test func expectSpeechOpensTheMicrophoneAgainAndEchoesTheInitiator() throws {
        let simulator = try Simulator(scenario: """
            [[recognize]]
            stop_capture_after_ms = 800
            expect_speech_timeout_ms = 8000
            [[recognize]]
            stop_capture_after_ms = 800
            """, in: try Harness.temporaryDirectory("expect"))
        let device = try Device(simulator: simulator)
        let outcome = try device.run()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.has("← SpeechRecognizer.ExpectSpeech"))
        let recognizes = simulator.recorded("SpeechRecognizer.Recognize")
        #expect(recognizes.count == 2)
        #expect(recognizes.allSatisfy { ($0["status"] as? Int) == 200 }, "\(recognizes.map { $0["notes"] ?? "" })")
        #expect(simulator.recorded("rejected").isEmpty)
    }

    @Test func malformedAndUnknownDirectivesAreAnsweredAndTheSessionCarriesOn() throws {
        let simulator = try Simulator(scenario: """
            [[push]]
            after_ms = 50
            directive = '{"directive":{"header":{"namespace":"Hark","name":"Unknown","messageId":"m-unknown"},"payload":{}}}'
            [[push]]
            after_ms = 60
            directive = '{"directive":{"header":'
            [[recognize]]
            stop_capture_after_ms = 800
            """, in: try Harness.temporaryDirectory("malformed"))
        let device = try Device(simulator: simulator)
        let outcome = try device.run(tapAfter: 400)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let exceptions = simulator.recorded("System.ExceptionEncountered")
        #expect(exceptions.count == 2)
        #expect(exceptions.allSatisfy { ($0["status"] as? Int) == 204 })
        #expect(outcome.has("→ SpeechSynthesizer.SpeechFinished"))
    }
}
