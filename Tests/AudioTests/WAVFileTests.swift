import Audio
import Foundation
import Testing

@Suite struct WAVFileTests {
    @Test func readsTheToneFixture() throws {
        let wav = try WAVFile.read(path: wavFixturePath("tone-440hz-16k-mono.wav"))
        #expect(wav.format == AudioFormat(sampleRate: 16_000, channels: 1))
        #expect(wav.samples.count == 16_000)
        #expect(wav.duration == 1.0)
        // sox wrote the sine at half scale.
        let peak = wav.samples.map { abs(Int($0)) }.max() ?? 0
        #expect((16_000...16_400).contains(peak))
    }

    @Test func readsTheSpeechFixture() throws {
        let wav = try WAVFile.read(path: wavFixturePath("what-time-is-it-16k-mono.wav"))
        #expect(wav.format == .microphone)
        #expect(wav.duration > 0.8 && wav.duration < 3)
    }

    @Test func roundTripsThroughAFile() throws {
        let path = temporaryWAVPath("roundtrip")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let samples: [Int16] = [0, 1, -1, .max, .min, 12_345, -12_345, 7]
        let original = WAVFile(format: AudioFormat(sampleRate: 24_000, channels: 2), samples: samples)
        try original.write(path: path)
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.count == 44 + samples.count * 2)
        #expect(bytes[0..<4].elementsEqual("RIFF".utf8))
        #expect(bytes[44] == 0 && bytes[46] == 1 && bytes[47] == 0 && bytes[48] == 0xFF)  // little-endian
        #expect(try WAVFile.read(path: path) == original)
    }

    /// What sox and other tools add: WAVE_FORMAT_EXTENSIBLE with a PCM sub-format, a LIST
    /// chunk of odd length (padded) before "data".
    @Test func acceptsExtensiblePCMAndSkipsOtherChunks() throws {
        let extensible: [UInt8] = [22, 0, 16, 0, 4, 0, 0, 0, 1, 0] + [UInt8](repeating: 0, count: 14)
        let list = Array("LIST".utf8) + [3, 0, 0, 0, 0x61, 0x62, 0x63, 0]
        let bytes = wavBytes(formatTag: 0xFFFE, extraFormat: extensible, extraChunks: list, data: [1, 0, 2, 0])
        let wav = try WAVFile(bytes: bytes)
        #expect(wav.samples == [1, 2])
    }

    /// A file streamed to a pipe, or a recording cut off before close, carries placeholder
    /// sizes: the reader takes every whole frame to the end of the file.
    @Test func placeholderSizesReadToTheEnd() throws {
        let bytes = wavBytes(data: [1, 0, 2, 0, 3], dataSize: 0xFFFF_FFFF)
        #expect(try WAVFile(bytes: bytes).samples == [1, 2])
    }

    @Test func unreadablePathNamesThePath() {
        let path = "/nonexistent/hark/missing.wav"
        #expect {
            _ = try WAVFile.read(path: path)
        } throws: { error in
            guard let error = error as? WAVError, case .unreadable = error.problem else { return false }
            return error.path == path && error.description.contains(path) && error.description.contains("No such file")
        }
    }

    @Test func unwritablePathNamesThePath() {
        let wav = WAVFile(format: .microphone, samples: [1])
        #expect {
            try wav.write(path: "/nonexistent/hark/out.wav")
        } throws: { error in
            guard let error = error as? WAVError, case .unwritable = error.problem else { return false }
            return error.description.contains("/nonexistent/hark/out.wav")
        }
    }

    /// Each unsupported or broken file gets its own problem, and the message names the file,
    /// the problem and what Hark supports.
    @Test(arguments: [
        (wavBytes(bits: 8, data: [128, 129]), WAVError.Problem.unsupportedBitDepth(8), "8-bit"),
        (wavBytes(bits: 24, data: [0, 0, 0]), .unsupportedBitDepth(24), "24-bit"),
        (wavBytes(formatTag: 3, bits: 32, data: [0, 0, 0, 0]), .unsupportedEncoding(formatTag: 3), "IEEE float"),
        (wavBytes(formatTag: 7, bits: 8, data: [0]), .unsupportedEncoding(formatTag: 7), "µ-law"),
        (wavBytes(formatTag: 0x55, data: [0, 0]), .unsupportedEncoding(formatTag: 0x55), "MPEG layer III"),
        (wavBytes(formatTag: 0xFFFE, bits: 32, extraFormat: [22, 0, 32, 0, 4, 0, 0, 0, 3, 0] + [UInt8](repeating: 0, count: 14), data: [0, 0, 0, 0]),
         .unsupportedEncoding(formatTag: 3), "IEEE float"),
        (wavBytes(data: [0, 0], riff: "RIFX"), .notRIFFWAVE, "not a RIFF/WAVE"),
        (Array("ID3\u{3}\0\0\0\0\0\0 this is an mp3".utf8), .notRIFFWAVE, "not a RIFF/WAVE"),
        (Array(wavBytes(data: [0, 0])[0..<30]), .truncated("\"fmt \" chunk"), "truncated"),
        (Array(wavBytes(data: [1, 0, 2, 0, 3, 0])[0..<48]), .truncated("\"data\" chunk (6 bytes declared, 4 present)"), "truncated"),
        (Array("RIFF\u{4}\0\0\0WAVE".utf8), .missingChunk("fmt "), "no \"fmt \" chunk"),
        (Array(wavBytes(data: [])[0..<36]), .missingChunk("data"), "no \"data\" chunk"),
        (wavBytes(data: [0, 0, 0]), .invalidHeader("\"data\" chunk is 3 bytes, not a whole number of 2-byte frames"), "invalid header"),
        (wavBytes(channels: 2, blockAlign: 2, data: [0, 0]), .invalidHeader("block size 2 bytes for 2 channels of 16 bits"), "invalid header"),
    ])
    func rejects(bytes: [UInt8], problem: WAVError.Problem, phrase: String) {
        #expect {
            _ = try WAVFile(bytes: bytes, path: "/tmp/input.wav")
        } throws: { error in
            guard let error = error as? WAVError else { return false }
            #expect(error.problem == problem)
            #expect(error.description.contains("/tmp/input.wav"))
            #expect(error.description.contains(phrase))
            #expect(error.description.contains("16-bit signed little-endian"))
            return error.problem == problem
        }
    }
}
