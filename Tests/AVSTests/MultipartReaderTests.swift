import Testing
@testable import AVS

@Suite("Multipart reader: AVS quirks")
struct MultipartReaderQuirkTests {
    let b = avsBoundary

    @Test("an event response starts with --B and ends with --B--")
    func eventResponse() throws {
        let body = bytes("--\(b)\r\n" + jsonPart(stopCaptureJSON) + "\r\n--\(b)--\r\n")
        #expect(try decode(body) == [.directive(bytes(stopCaptureJSON))])
    }

    @Test("a downchannel body starts with CRLF --B")
    func downchannel() throws {
        let body = bytes("\r\n--\(b)\r\n" + jsonPart(stopCaptureJSON) + "\r\n--\(b)--\r\n")
        #expect(try decode(body) == [.directive(bytes(stopCaptureJSON))])
    }

    @Test("prefix cases: empty and CRLF decode; CR, LF, x and CRLF CRLF fail", arguments: [
        ("", true), ("\r\n", true), ("\r", false), ("\n", false), ("x", false), ("\r\n\r\n", false),
    ])
    func prefixes(prefix: String, succeeds: Bool) throws {
        let body = bytes(prefix + "--\(b)\r\n" + jsonPart(stopCaptureJSON) + "\r\n--\(b)--")
        // Like the SDK's prefix test: a first chunk of 0...3 bytes, then 1...5 equal chunks.
        for first in 0...3 {
            for count in 1...5 {
                let rest = max(1, (body.count - first) / count)
                let sizes = (first > 0 ? [first] : []) + Array(repeating: rest, count: count)
                if succeeds {
                    #expect(try decode(body, chunks: sizes) == [.directive(bytes(stopCaptureJSON))])
                } else {
                    #expect(throws: MultipartError.badPrefix) { try decode(body, chunks: sizes) }
                }
            }
        }
    }

    @Test("repeated boundaries, with one or two CRLFs between them, give no empty parts")
    func duplicateBoundaries() throws {
        let others = (0..<7).map { #"{"n":\#($0)}"# }
        var text = "\r\n--\(b)"
        text += "\r\n" + jsonPart(others[0]) + "\r\n--\(b)"
        text += "\r\n" + jsonPart(stopCaptureJSON) + "\r\n--\(b)"                           // normal
        text += "\r\n" + jsonPart(others[1]) + "\r\n--\(b)"
        text += "\r\n--\(b)\r\n" + jsonPart(stopCaptureJSON) + "\r\n--\(b)"                 // duplicate
        text += "\r\n" + jsonPart(others[2]) + "\r\n--\(b)"
        text += "\r\n\r\n--\(b)\r\n" + jsonPart(stopCaptureJSON) + "\r\n--\(b)"             // CRLF duplicate
        text += "\r\n" + jsonPart(others[3]) + "\r\n--\(b)"
        text += "\r\n--\(b)\r\n--\(b)\r\n" + jsonPart(stopCaptureJSON) + "\r\n--\(b)"      // triplicate
        text += "\r\n" + jsonPart(others[4]) + "\r\n--\(b)"
        text += "\r\n\r\n--\(b)\r\n\r\n--\(b)\r\n" + jsonPart(stopCaptureJSON) + "\r\n--\(b)"  // CRLF triplicate
        text += "\r\n" + jsonPart(others[5]) + "\r\n--\(b)--"
        let expected = [others[0], stopCaptureJSON, others[1], stopCaptureJSON, others[2], stopCaptureJSON,
                        others[3], stopCaptureJSON, others[4], stopCaptureJSON, others[5]]
            .map { ResponsePart.directive(bytes($0)) }
        #expect(try decode(bytes(text)) == expected)
        #expect(try decode(bytes(text), chunks: Array(repeating: 25, count: 100)) == expected)
    }

    @Test("a duplicate boundary right before the closing one")
    func duplicateBeforeClose() throws {
        let body = bytes("--\(b)\r\n" + jsonPart(stopCaptureJSON) + "\r\n--\(b)\r\n--\(b)--\r\n")
        #expect(try decode(body) == [.directive(bytes(stopCaptureJSON))])
    }

    @Test("header names are case-insensitive and in any order; unknown headers are ignored")
    func headerCase() throws {
        let part = jsonPart(stopCaptureJSON, headers: ["X-Amzn-Id: 42", "CONTENT-TYPE: Application/JSON", "content-id: <x>"])
        let attachment = "content-id: <abc>\r\nX-Other: y\r\ncontent-TYPE: application/octet-stream\r\n\r\nMP3"
        let body = bytes("--\(b)\r\n\(part)\r\n--\(b)\r\n\(attachment)\r\n--\(b)--")
        #expect(try decode(body) == [
            .directive(bytes(stopCaptureJSON)),
            .attachmentBegan(contentID: "abc"), .attachmentData(contentID: "abc", bytes("MP3")), .attachmentEnded(contentID: "abc"),
        ])
    }

    @Test("a folded header line continues the previous header")
    func foldedHeader() throws {
        let body = bytes("--\(b)\r\nContent-Type:\r\n application/json\r\n\r\n{}\r\n--\(b)--")
        #expect(try decode(body) == [.directive(bytes("{}"))])
    }

    @Test("parts that are neither JSON nor an attachment with a Content-ID are skipped")
    func ignoredParts() throws {
        let body = bytes("--\(b)\r\nContent-Type: text/plain\r\n\r\nhello\r\n--\(b)\r\n"
            + "Content-Type: application/octet-stream\r\n\r\nno id\r\n--\(b)\r\n" + jsonPart("{}") + "\r\n--\(b)--")
        #expect(try decode(body) == [.directive(bytes("{}"))])
    }

    @Test("an empty JSON part produces nothing")
    func emptyJSONPart() throws {
        let body = bytes("--\(b)\r\nContent-Type: application/json\r\n\r\n\r\n--\(b)--")
        #expect(try decode(body) == [])
    }

    @Test("the closing boundary may end the stream with or without CRLF, and an epilogue is ignored")
    func closing() throws {
        for end in ["--\(b)--", "--\(b)--\r\n", "--\(b)--\r\nepilogue text\r\n"] {
            let body = bytes("--\(b)\r\n" + jsonPart("{}") + "\r\n" + end)
            #expect(try decode(body) == [.directive(bytes("{}"))])
        }
    }

    @Test("binary attachment content that contains CR, LF and dashes survives")
    func binaryAttachment() throws {
        let audio: [UInt8] = [0x0D, 0x0A, 0x2D, 0x2D, 0x0D, 0x0D, 0x0A, 0x2D, 0xFF, 0x00] + bytes("\r\n--\(b.prefix(10))")
        let head = bytes("--\(b)\r\nContent-Type: application/octet-stream\r\nContent-ID: <a1>\r\n\r\n")
        let body = head + audio + bytes("\r\n--\(b)--\r\n")
        #expect(coalesced(try decode(body)) == [
            .attachmentBegan(contentID: "a1"), .attachmentData(contentID: "a1", audio), .attachmentEnded(contentID: "a1"),
        ])
    }

    @Test("an empty body has no parts and no error")
    func emptyBody() throws {
        #expect(try decode([]) == [])
    }
}

@Suite("Multipart reader: errors")
struct MultipartReaderErrorTests {
    let b = avsBoundary

    @Test("JSON text instead of multipart is a bad prefix")
    func jsonInsteadOfMultipart() {
        #expect(throws: MultipartError.badPrefix) { try decode(bytes(stopCaptureJSON)) }
    }

    @Test("a body that ends before its first boundary is missing the boundary")
    func missingBoundary() {
        #expect(throws: MultipartError.missingBoundary) { try decode(bytes("\r\n--\(b.prefix(5))")) }
    }

    @Test("a different boundary is a bad prefix")
    func wrongBoundary() {
        #expect(throws: MultipartError.badPrefix) { try decode(bytes("--other\r\n" + jsonPart("{}") + "\r\n--other--")) }
    }

    @Test("a body without its closing boundary is truncated", arguments: [
        "--B\r\nContent-Type: application/json\r\n\r\n{\"a\":1}",
        "--B\r\nContent-Type: application/json\r\n",
        "--B\r\nContent-Type: application/json\r\n\r\n{}\r\n--B",
        "--B\r\nContent-Type: application/json\r\n\r\n{}\r\n--B\r\n",
    ])
    func truncated(text: String) {
        #expect(throws: MultipartError.truncated) { try decode(bytes(text), boundary: "B") }
    }

    @Test("a boundary followed by other text is malformed")
    func malformedDelimiter() {
        #expect(throws: MultipartError.malformedDelimiter) { try decode(bytes("--Bxyz\r\n"), boundary: "B") }
    }

    @Test("a header line without a colon is malformed")
    func malformedHeader() {
        #expect(throws: MultipartError.malformedHeader("nonsense")) {
            try decode(bytes("--B\r\nContent-Type: application/json\r\nnonsense\r\n\r\n{}\r\n--B--"), boundary: "B")
        }
    }

    @Test("huge part headers are refused before they are buffered, even without a line end")
    func oversizedHeaders() throws {
        var reader = MultipartReader(boundary: "B", maxHeaderBytes: 1024)
        _ = try reader.feed(bytes("--B\r\nX-Long: "))
        var thrown: MultipartError?
        do {
            for _ in 0..<100 { _ = try reader.feed([UInt8](repeating: 0x61, count: 100)) }
        } catch {
            thrown = error
        }
        #expect(thrown == .headersTooLarge(limit: 1024))
        // The reader stays failed.
        #expect(throws: MultipartError.headersTooLarge(limit: 1024)) { try reader.finish() }

        let many = (0..<40).map { "X-H\($0): value value value value" }
        #expect(throws: MultipartError.headersTooLarge(limit: 1024)) {
            var small = MultipartReader(boundary: "B", maxHeaderBytes: 1024)
            _ = try small.feed(bytes("--B\r\n" + many.joined(separator: "\r\n") + "\r\n\r\n{}\r\n--B--"))
        }
    }

    @Test("an oversized JSON part is refused")
    func oversizedDirective() {
        #expect(throws: MultipartError.directiveTooLarge(limit: 10)) {
            var reader = MultipartReader(boundary: "B", maxDirectiveBytes: 10)
            _ = try reader.feed(bytes("--B\r\nContent-Type: application/json\r\n\r\n{\"aaaaaaaaaaaa\":1}\r\n--B--"))
        }
    }

    @Test("parts decoded before an error in the same chunk are returned; the error comes next")
    func partsBeforeError() throws {
        var reader = MultipartReader(boundary: "B")
        let parts = try reader.feed(bytes("--B\r\n" + jsonPart("{}") + "\r\n--B\r\nbroken\r\n\r\n"))
        #expect(parts == [.directive(bytes("{}"))])
        #expect(throws: MultipartError.malformedHeader("broken")) { try reader.feed(bytes("more")) }
        #expect(throws: MultipartError.malformedHeader("broken")) { try reader.finish() }
    }
}
