import Foundation
import Testing

/// `hark audio play` into ALSA's `file` plugin (`file:FILE=...,FORMAT=wav`, slave `null`): no
/// sound card, no timing, but every sample the engine wrote lands in a WAV file to compare.
@Suite struct FilePlaybackTests {
    func play(_ input: String, volume: Int? = nil, scratch: URL) async throws -> (HarkBinary.Result, Tone) {
        let output = scratch.appendingPathComponent("played-\(volume ?? 100).wav").path
        var arguments = ["audio", "play", "--device", "file:FILE=\(output),FORMAT=wav", input]
        if let volume { arguments += ["--volume", "\(volume)"] }
        let result = try await HarkBinary.run(arguments, scratch: scratch)
        return (result, try Tone(wavFile: output))
    }

    /// The streaming MP3 path end to end: the file is read in pieces, decoded, played at the
    /// stream's own rate, and all of it arrives.
    @Test func mp3PlaysWholeAtItsOwnRate() async throws {
        let scratch = try makeScratchDirectory("fileplay")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let (result, played) = try await play(HarkBinary.fixture("tone-440hz-24k-mono.mp3"), scratch: scratch)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(played.sampleRate == 24_000)
        #expect(abs(played.seconds - 1.56) < 0.06, "\(played.seconds) s")
        #expect(abs((played.slice(from: 0.2, to: 1.3).frequency ?? 0) - 440) <= 5)
    }

    /// --volume reaches the engine: 100 leaves the samples alone, 50 is quieter, 0 is silent.
    @Test func volumeScalesTheSamples() async throws {
        let scratch = try makeScratchDirectory("fileplay")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let input = scratch.appendingPathComponent("tone.wav").path
        try Tone.writeSine(frequency: 440, seconds: 1, to: input)
        let source = try Tone(wavFile: input)

        let (full, loud) = try await play(input, scratch: scratch)
        let (half, quieter) = try await play(input, volume: 50, scratch: scratch)
        let (none, silent) = try await play(input, volume: 0, scratch: scratch)
        for result in [full, half, none] { #expect(result.status == 0, "stderr: \(result.stderr)") }

        #expect(loud.samples == source.samples)
        let steady = (from: 0.2, to: 0.9)
        let ratio = quieter.slice(from: steady.from, to: steady.to).rms / source.slice(from: steady.from, to: steady.to).rms
        #expect(ratio > 0.05 && ratio < 0.9, "volume 50 gives \(ratio) of the input's level")
        #expect(silent.slice(from: steady.from, to: steady.to).rms == 0)
    }
}
