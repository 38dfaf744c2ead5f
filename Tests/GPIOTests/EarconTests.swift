import ALSA
@testable import Appliance
import Audio
import Foundation
import Logging
import Testing

/// The generated listening tones: length, pitch, level, and playback on a real ALSA PCM.
@Suite("Earcons")
struct EarconTests {
    /// The frequency of a stretch of a pure tone, from its zero crossings.
    static func frequency(_ samples: ArraySlice<Int16>, rate: Int) -> Double {
        let values = Array(samples)
        var crossings = 0
        for index in 1..<values.count where (values[index - 1] < 0) != (values[index] < 0) { crossings += 1 }
        return Double(crossings) / 2 / (Double(values.count) / Double(rate))
    }

    @Test("start rises, end falls: two 70 ms notes at 880 and 1320 Hz, 16 kHz mono", arguments: Earcon.allCases)
    func tone(earcon: Earcon) {
        let samples = earcon.samples
        let perNote = 16_000 * 70 / 1000
        #expect(samples.count == 2 * perNote)  // 140 ms
        for (index, expected) in earcon.notes.enumerated() {
            // The middle of each note (past the fades).
            let note = samples[(index * perNote + 200)..<((index + 1) * perNote - 200)]
            let measured = Self.frequency(note, rate: 16_000)
            #expect(abs(measured - expected) / expected < 0.03, "note \(index): \(measured) Hz, expected \(expected)")
            #expect((note.max() ?? 0) > 10_000)
        }
        #expect((earcon.notes.first! < earcon.notes.last!) == (earcon == .listeningStarted))
        // Fades: no click at the ends.
        #expect(abs(Int(samples.first!)) < 100 && abs(Int(samples.last!)) < 2000)
    }

    @Test("played through PlaybackEngine onto a real ALSA file PCM, in order")
    func playsOnALSA() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-earcon-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.raw").path
        let configuration = try ALSAConfiguration("""
            pcm.earcon_speaker {
                type file
                slave.pcm { type null }
                file "\(output)"
                format "raw"
            }
            """)
        let engine = PlaybackEngine(device: "earcon_speaker", logger: quietLogger, driver: .system(configuration: configuration))
        let player = EarconPlayer(playback: engine, logger: quietLogger)
        player.play(.listeningStarted)
        await player.idle()
        let first = try Data(contentsOf: URL(fileURLWithPath: output))
        let samples = first.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        #expect(samples.count >= Earcon.listeningStarted.samples.count)
        #expect(Array(samples.prefix(Earcon.listeningStarted.samples.count)) == Earcon.listeningStarted.samples)
    }

    @Test("a playback device that cannot be opened: skipped, reported once")
    func unavailableDevice() async throws {
        let configuration = try ALSAConfiguration("pcm.other { type null }\n")
        let engine = PlaybackEngine(device: "no_such_pcm", logger: quietLogger, driver: .system(configuration: configuration))
        let handler = CountingHandler()
        let logger = Logger(label: "earcons") { _ in handler }
        let player = EarconPlayer(playback: engine, logger: logger)
        player.play(.listeningStarted)
        player.play(.listeningEnded)
        player.play(.listeningStarted)
        await player.idle()
        #expect(handler.warnings == 1)
    }
}
