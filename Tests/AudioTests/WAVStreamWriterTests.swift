import Audio
import Foundation
import Testing

@Suite struct WAVStreamWriterTests {
    @Test func appendsThenPatchesTheHeaderOnClose() throws {
        let path = temporaryWAVPath("stream")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try WAVStreamWriter(path: path, format: .microphone)
        let chunks = (0..<5).map { chunk in (0..<160).map { Int16(chunk * 160 + $0) } }
        for chunk in chunks { try writer.append(chunk) }

        // Before close: placeholder sizes, yet the recording so far reads back whole.
        let open = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(open[40..<44].elementsEqual([0xFF, 0xFF, 0xFF, 0xFF]))
        #expect(try WAVFile.read(path: path).samples == chunks.flatMap { $0 })

        try writer.close()
        let closed = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let dataSize = Int(closed[40]) | Int(closed[41]) << 8 | Int(closed[42]) << 16 | Int(closed[43]) << 24
        let riffSize = Int(closed[4]) | Int(closed[5]) << 8 | Int(closed[6]) << 16 | Int(closed[7]) << 24
        #expect(dataSize == 800 * 2)
        #expect(riffSize == closed.count - 8)
        let wav = try WAVFile.read(path: path)
        #expect(wav == WAVFile(format: .microphone, samples: chunks.flatMap { $0 }))
        #expect(closed == wav.bytes)
    }

    @Test func closeTwiceIsHarmlessAndAppendAfterCloseFails() throws {
        let path = temporaryWAVPath("closed")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try WAVStreamWriter(path: path, format: .microphone)
        try writer.close()
        try writer.close()
        #expect(throws: WAVError.self) { try writer.append([1]) }
        #expect(try WAVFile.read(path: path).samples.isEmpty)
    }

    @Test func unwritablePathFailsAtOnce() {
        #expect(throws: WAVError.self) { _ = try WAVStreamWriter(path: "/nonexistent/dir/rec.wav", format: .microphone) }
    }
}
