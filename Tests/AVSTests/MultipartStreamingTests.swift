import Testing
@testable import AVS

@Suite("Multipart reader: streaming")
struct MultipartStreamingTests {
    let b = avsBoundary

    /// A Speak response: directive, then its MP3 attachment, then another directive.
    func speakResponse(audio: [UInt8]) -> [UInt8] {
        let speak = #"{"directive":{"header":{"namespace":"SpeechSynthesizer","name":"Speak","messageId":"m1","dialogRequestId":"d1"},"payload":{"url":"cid:DeviceTTSRendererV4_3@ab","format":"AUDIO_MPEG","token":"t1"}}}"#
        var body = bytes("--\(b)\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n\(speak)\r\n--\(b)\r\n")
        body += bytes("Content-Type: application/octet-stream\r\nContent-ID: <DeviceTTSRendererV4_3@ab>\r\n\r\n")
        body += audio
        body += bytes("\r\n--\(b)\r\n" + jsonPart(stopCaptureJSON) + "\r\n--\(b)--\r\n")
        return body
    }

    @Test("every split position of a small body gives the same parts")
    func everyTwoWaySplit() throws {
        let body = speakResponse(audio: bytes("ID3\r\n--\r\n-\r") + [0, 1, 2, 0x0D])
        let whole = coalesced(try decode(body))
        #expect(whole.count == 5)
        for split in 0...body.count {
            #expect(coalesced(try decode(body, chunks: [split])) == whole, "split at \(split)")
        }
        #expect(coalesced(try decode(body, chunks: Array(repeating: 1, count: body.count))) == whole)
    }

    @Test("every pair of split positions (three chunks) of a small body gives the same parts")
    func everyThreeWaySplit() throws {
        let body = bytes("\r\n--B\r\nContent-Type: application/octet-stream\r\nContent-ID: <x>\r\n\r\n\r\n-\r\n--\r\n--B\r\n--B\r\n"
            + "Content-Type: application/json\r\n\r\n{}\r\n--B--")
        let whole = coalesced(try decode(body, boundary: "B"))
        #expect(whole == [.attachmentBegan(contentID: "x"), .attachmentData(contentID: "x", bytes("\r\n-\r\n--")),
                          .attachmentEnded(contentID: "x"), .directive(bytes("{}"))])
        for first in 0...body.count {
            for second in 0...(body.count - first) {
                #expect(coalesced(try decode(body, boundary: "B", chunks: [first, second])) == whole)
            }
        }
    }

    @Test("random splits of a large response give the same parts")
    func randomSplits() throws {
        var generator = SeededGenerator(seed: 7)
        let audio = (0..<200_000).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let body = speakResponse(audio: audio)
        let whole = coalesced(try decode(body))
        #expect(whole[2] == .attachmentData(contentID: "DeviceTTSRendererV4_3@ab", audio))
        for _ in 0..<30 {
            var sizes: [Int] = []
            var total = 0
            while total < body.count {
                let size = Int.random(in: 1...8_000, using: &generator)
                sizes.append(size)
                total += size
            }
            #expect(coalesced(try decode(body, chunks: sizes)) == whole)
        }
    }

    @Test("attachment bytes are emitted as they arrive, before the part ends")
    func attachmentStreams() throws {
        var reader = MultipartReader(boundary: "B")
        var parts = try reader.feed(bytes("--B\r\nContent-Type: application/octet-stream\r\nContent-ID: <cid1>\r\n\r\nfirst"))
        #expect(parts == [.attachmentBegan(contentID: "cid1"), .attachmentData(contentID: "cid1", bytes("first"))])
        parts = try reader.feed(bytes(" second"))
        #expect(parts == [.attachmentData(contentID: "cid1", bytes(" second"))])
        // A possible boundary start is held back until the next chunk decides.
        parts = try reader.feed(bytes(" third\r\n-"))
        #expect(parts == [.attachmentData(contentID: "cid1", bytes(" third"))])
        parts = try reader.feed(bytes("x"))
        #expect(parts == [.attachmentData(contentID: "cid1", bytes("\r\n-x"))])
        parts = try reader.feed(bytes("\r\n--"))
        #expect(parts == [])
        parts = try reader.feed(bytes("B--"))
        #expect(parts == [.attachmentEnded(contentID: "cid1")])
        #expect(try reader.finish() == [])
    }

    @Test("a downchannel directive is emitted when its part ends, before the stream ends")
    func downchannelDirectiveAtOnce() throws {
        var reader = MultipartReader(boundary: "B")
        #expect(try reader.feed(bytes("\r\n--B\r\n" + jsonPart(stopCaptureJSON))) == [])
        #expect(try reader.feed(bytes("\r\n--B")) == [.directive(bytes(stopCaptureJSON))])
        #expect(try reader.feed(bytes("\r\n")) == [])
        // The stream may then stay open for minutes; nothing else is needed to act.
    }

    @Test("the reader does not keep content it has already emitted")
    func boundedBuffer() throws {
        var reader = MultipartReader(boundary: "B")
        _ = try reader.feed(bytes("--B\r\nContent-Type: application/octet-stream\r\nContent-ID: <a>\r\n\r\n"))
        var total = 0
        for _ in 0..<100 {
            for part in try reader.feed([UInt8](repeating: 0x55, count: 10_000)) {
                if case .attachmentData(_, let data) = part { total += data.count }
            }
        }
        #expect(total == 1_000_000)
    }
}
