import Audio
import Opus
import Testing

@Suite struct MicrophoneEncoderTests {
    /// 10 ms chunks of the 1 s tone fixture, as the capture engine delivers them.
    func toneChunks() throws -> [[Int16]] {
        let samples = try WAVFile.read(path: wavFixturePath("tone-440hz-16k-mono.wav")).samples
        return stride(from: 0, to: samples.count, by: 160).map { Array(samples[$0..<min($0 + 160, samples.count)]) }
    }

    @Test func l16PassesSamplesThroughLittleEndian() throws {
        var encoder = try MicrophoneEncoder(format: .l16)
        #expect(try encoder.encode([1, -2, 0x1234]) == [0x01, 0x00, 0xFE, 0xFF, 0x34, 0x12])
        let chunks = try toneChunks()
        var stream: [UInt8] = []
        for chunk in chunks {
            let bytes = try encoder.encode(chunk)
            #expect(bytes.count == 320)  // 10 ms of 16 kHz mono, every chunk, no buffering
            stream += bytes
        }
        #expect(encoder.finish().isEmpty)
        #expect(stream.count == 32_000)
        #expect(MicrophoneFormat.l16.avsName == "AUDIO_L16_RATE_16000_CHANNELS_1")
    }

    /// One 80-byte packet for every second 10 ms chunk, nothing in between.
    @Test func opusSendsOnePacketPer20ms() throws {
        var encoder = try MicrophoneEncoder(format: .opus)
        var sizes: [Int] = []
        for chunk in try toneChunks() { sizes.append(try encoder.encode(chunk).count) }
        #expect(sizes.count == 100)
        #expect(sizes == (0..<100).map { $0 % 2 == 0 ? 0 : 80 })
        #expect(encoder.finish().isEmpty)
        #expect(MicrophoneFormat.opus.avsName == "OPUS")
    }

    /// The stream is exactly what OpusEncoder makes of whole 320-sample frames, whatever the
    /// chunk sizes, and a trailing partial frame is not encoded.
    @Test(arguments: [160, 100, 7, 333, 1000])
    func opusStreamMatchesFrameByFrameEncoding(chunkSize: Int) throws {
        let samples = Array(try toneChunks().joined()) + [Int16](repeating: 1000, count: 200)  // 16 200: 50 frames + 200
        var encoder = try MicrophoneEncoder(format: .opus)
        var stream: [UInt8] = []
        for start in stride(from: 0, to: samples.count, by: chunkSize) {
            stream += try encoder.encode(Array(samples[start..<min(start + chunkSize, samples.count)]))
        }
        stream += encoder.finish()
        #expect(stream.count == 50 * 80)

        let reference = try OpusEncoder()
        var expected: [UInt8] = []
        for frame in 0..<50 { expected += try reference.encode(samples[(frame * 320)..<((frame + 1) * 320)]) }
        #expect(stream == expected)
        #expect(try OpusDecoder().decodeStream(stream).count == 50 * 320)
    }

    @Test func formatsParseFromTheirNames() {
        #expect(MicrophoneFormat(rawValue: "opus") == .opus)
        #expect(MicrophoneFormat(rawValue: "l16") == .l16)
        #expect(MicrophoneFormat(rawValue: "mp3") == nil)
    }
}
