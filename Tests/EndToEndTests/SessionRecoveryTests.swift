import Foundation
import Testing

/// Session behaviour across faults and restarts, with the real `hark run` against hark-sim.
@Suite(.serialized) struct SessionRecoveryTests {
    @Test func aThrottledRecognizeEndsTheTurnCleanlyAndTheNextTurnWorks() throws {
        let simulator = try Simulator(scenario: """
            [[fault]]
            kind = "status"
            target = "recognize"
            status = 429
            count = 1
            [[recognize]]
            stop_capture_after_ms = 800
            """, in: try Harness.temporaryDirectory("throttled"))
        let device = try Device(simulator: simulator)
        let outcome = try device.run(turns: 2)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let failed = try #require(outcome.index("SpeechRecognizer.Recognize FAILED"), "\(outcome.transcript)")
        #expect(outcome.transcript[failed].contains("429"))
        // The first turn ends there: the microphone closes and the dialog is idle again
        // before the second turn opens its Recognize.
        let opened = outcome.transcript.indices.filter { outcome.transcript[$0].contains("→ SpeechRecognizer.Recognize (") }
        #expect(opened.count == 2, "\(outcome.transcript)")
        let between = outcome.transcript[failed..<(opened.last ?? failed)]
        #expect(between.contains { $0.contains("microphone closed") }, "\(outcome.transcript)")
        #expect(between.contains { $0.contains("state idle") }, "\(outcome.transcript)")
        #expect(!between.contains { $0.contains("SpeechStarted") })
        // The second turn is whole.
        #expect(outcome.index("→ SpeechSynthesizer.SpeechFinished").map { $0 > failed } == true)
        #expect(simulator.eventsLog.filter { $0.contains("Recognize") && $0.contains(" 429") }.count == 1, "\(simulator.eventsLog)")
    }

    @Test func aVolumeSetByAVSSurvivesARestartAndTheNextSynchronizeStateCarriesIt() throws {
        let simulator = try Simulator(scenario: """
            [[recognize]]
            stop_capture_after_ms = 800
            set_volume = 23
            """, in: try Harness.temporaryDirectory("volume"))
        let device = try Device(simulator: simulator)
        let first = try device.run()
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.has("speaker volume 23"), "\(first.transcript)")
        #expect(simulator.recorded("Speaker.VolumeChanged").count == 1)
        let second = try device.run()
        #expect(second.status == 0, "\(second.stderr)")
        let synchronizations = simulator.recorded("System.SynchronizeState")
        #expect(synchronizations.count == 2)
        let volumes = synchronizations.map(Self.speakerVolume)
        #expect(volumes.first != 23, "\(volumes)")  // the first run starts at the initial volume
        #expect(volumes.last == 23, "\(volumes)")
        // The Recognize of the second run carries it in its context too.
        #expect(simulator.recorded("SpeechRecognizer.Recognize").last.map(Self.speakerVolume) == 23)
    }

    /// `Speaker.VolumeState`'s volume in an event's context.
    static func speakerVolume(_ recorded: [String: Any]) -> Int? {
        let context = (recorded["event"] as? [String: Any])?["context"] as? [[String: Any]] ?? []
        for entry in context {
            let header = entry["header"] as? [String: Any]
            guard header?["namespace"] as? String == "Speaker", header?["name"] as? String == "VolumeState" else { continue }
            return ((entry["payload"] as? [String: Any])?["volume"] as? NSNumber)?.intValue
        }
        return nil
    }
}
