import ALSA
import Audio
import Foundation
import Testing

@Suite("Engines through real alsa-lib file and null plugins")
struct EngineALSAFileTests {
    @Test("capture records a known signal from the file plugin's infile, sample for sample")
    func captureFromFile() async throws {
        let files = try ALSAFiles()
        defer { files.remove() }
        let input = tone(frames: 16_000, rate: 16_000, channels: 1)
        try files.writeRaw(input, to: "input.raw")
        let configuration = try ALSAConfiguration(ALSAFiles.microphone("test_mic", input: files.path("input.raw")))
        let engine = CaptureEngine(device: "test_mic", logger: quietLogger, driver: .system(configuration: configuration),
                                   bufferedChunks: 1000)
        let chunks = await collect(try engine.start(), count: 100)
        engine.stop()
        #expect(chunks.count == 100)
        #expect(chunks.allSatisfy { $0.count == 160 })
        let samples = chunks.flatMap { $0 }
        #expect(samples.count == input.count)
        #expect(samples.indices.first { samples[$0] != input[$0] } == nil, "first differing sample")
        // `file` over `null` is not paced: past the end of the input the reads go on at full
        // speed, so the stream's buffer fills and later chunks are dropped (and counted).
        #expect(engine.statistics.xruns == 0)
    }

    @Test("playback at the decoder's native rate writes the samples to the file plugin's output",
          arguments: [AudioFormat(sampleRate: 16_000, channels: 1), AudioFormat(sampleRate: 22_050, channels: 2)])
    func playbackToFile(format: AudioFormat) async throws {
        let files = try ALSAFiles()
        defer { files.remove() }
        let configuration = try ALSAConfiguration(ALSAFiles.speaker("test_speaker", output: files.path("out.raw")))
        let engine = PlaybackEngine(device: "test_speaker", logger: quietLogger, driver: .system(configuration: configuration))
        try engine.begin(format: format)
        let input = tone(frames: format.sampleRate / 2 + 123, rate: format.sampleRate, channels: format.channels)
        // In uneven pieces, as a decoder produces them.
        var offset = 0
        for size in [1000, 7, 4410, 10_000].map({ $0 * format.channels }) where offset < input.count {
            let end = min(input.count, offset + size)
            try await engine.write(Array(input[offset..<end]))
            offset = end
        }
        try await engine.write(Array(input[offset...]))
        try await engine.finish()
        let output = try files.readRaw("out.raw")
        #expect(output.count >= input.count)
        #expect(output.indices.prefix(input.count).first { output[$0] != input[$0] } == nil, "first differing sample")
        #expect(output.dropFirst(input.count).allSatisfy { $0 == 0 })
        #expect(engine.playedFrames == input.count / format.channels)
        #expect(engine.statistics.frames == input.count / format.channels)
    }

    @Test("playback through plug converts the rate: 22.05 kHz in, 44.1 kHz out")
    func playbackThroughPlug() async throws {
        let files = try ALSAFiles()
        defer { files.remove() }
        let text = ALSAFiles.speaker("test_speaker", output: files.path("out.raw")) + """
            pcm.test_plug {
                type plug
                slave { pcm "test_speaker"; rate 44100; channels 2 }
            }
            """
        let engine = PlaybackEngine(device: "test_plug", logger: quietLogger, driver: .system(configuration: try ALSAConfiguration(text)))
        try engine.begin(format: AudioFormat(sampleRate: 22_050, channels: 1))
        try await engine.write(tone(frames: 22_050, rate: 22_050, channels: 1))
        try await engine.finish()
        let frames = try files.readRaw("out.raw").count / 2
        #expect(abs(frames - 44_100) < 2_000)
    }

    @Test("an unknown PCM name fails at start with the name and how to list PCMs")
    func unknownPCM() throws {
        let configuration = try ALSAConfiguration(ALSAFiles.speaker("test_speaker", output: "/dev/null"))
        let capture = CaptureEngine(device: "no_such_pcm", logger: quietLogger, driver: .system(configuration: configuration))
        let error = #expect(throws: AudioDeviceError.self) { try capture.start() }
        #expect(error?.kind == .notFound)
        #expect(error?.description.contains("'no_such_pcm'") == true)
        #expect(error?.description.contains("hark audio devices") == true)
        #expect(error?.description.contains("aplay -L") == true)

        let playback = PlaybackEngine(device: "no_such_pcm", logger: quietLogger, driver: .system)
        let systemError = #expect(throws: AudioDeviceError.self) { try playback.begin(format: .microphone) }
        #expect(systemError?.kind == .notFound)
    }
}
