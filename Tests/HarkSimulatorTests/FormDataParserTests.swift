import HarkSimulator
import Testing

@Suite struct FormDataParserTests {
    let boundary = EventBodies.boundary

    func parseAll(_ bytes: [UInt8], chunk: Int) throws(FormDataError) -> [FormDataEvent] {
        var parser = FormDataParser(boundary: boundary)
        var events: [FormDataEvent] = []
        var start = 0
        while start < bytes.count {
            events += try parser.feed(bytes[start..<min(start + chunk, bytes.count)])
            start += chunk
        }
        try parser.finish()
        return events
    }

    /// Joins consecutive data events so chunkings compare equal.
    func merged(_ events: [FormDataEvent]) -> [FormDataEvent] {
        var out: [FormDataEvent] = []
        for event in events {
            if case .partData(let more) = event, case .partData(let had)? = out.last {
                out[out.count - 1] = .partData(had + more)
            } else {
                out.append(event)
            }
        }
        return out
    }

    @Test func wellFormedBodyGivesTheSamePartsWhateverTheChunking() throws {
        let audio: [UInt8] = Array(0..<200).map { UInt8($0 % 251) } + Array("\r\n--hark".utf8)
        let body = EventBodies.body(metadata: "{\"a\":1}", audio: audio)
        let whole = merged(try parseAll(body, chunk: body.count))
        #expect(whole.count == 7)
        guard case .partBegan(let metadataHeaders) = whole[0] else { Issue.record("no part"); return }
        #expect(metadataHeaders.name == "metadata")
        #expect(metadataHeaders.mediaType == "application/json")
        #expect(whole[1] == .partData(Array("{\"a\":1}".utf8)))
        #expect(whole[4] == .partData(audio))
        #expect(whole.last == .closed)
        for chunk in [1, 2, 3, 7, 13, 64] {
            #expect(merged(try parseAll(body, chunk: chunk)) == whole, "chunk \(chunk)")
        }
    }

    @Test func bodyMayStartWithoutTheLeadingCRLF() throws {
        let body = Array(EventBodies.body(metadata: "{}").dropFirst(2))
        #expect(try parseAll(body, chunk: 5).last == .closed)
    }

    @Test func rejectsAPrefixBeforeTheBoundary() {
        let body = Array("junk".utf8) + EventBodies.body(metadata: "{}")
        #expect(throws: FormDataError.self) { try parseAll(body, chunk: 100) }
    }

    @Test func rejectsABodyWithoutTheCloseDelimiter() {
        let body = EventBodies.body(metadata: "{}", close: false)
        #expect(throws: FormDataError.self) { try parseAll(body, chunk: 100) }
    }

    @Test func rejectsMalformedHeaderLinesAndRepeatedHeaders() {
        let noColon = EventBodies.body(metadata: "{}", metadataHeaders: "Content-Disposition form-data")
        #expect(throws: FormDataError.self) { try parseAll(noColon, chunk: 100) }
        let repeated = EventBodies.body(metadata: "{}", metadataHeaders: "Content-Type: a\r\ncontent-type: b")
        #expect(throws: FormDataError.self) { try parseAll(repeated, chunk: 100) }
    }

    @Test func headerNamesAreCaseInsensitiveAndNamesMayBeUnquoted() throws {
        let body = EventBodies.body(metadata: "{}", metadataHeaders: "CONTENT-TYPE: Application/JSON\r\ncontent-disposition: form-data; name=metadata")
        guard case .partBegan(let headers) = try parseAll(body, chunk: 100).first else { Issue.record("no part"); return }
        #expect(headers.name == "metadata")
        #expect(headers.mediaType == "application/json")
    }

    @Test func boundaryParameterMayBeQuotedAndFollowedByMore() {
        #expect(contentTypeParameter("boundary", in: "multipart/form-data; boundary=\"abc\"; charset=x") == "abc")
        #expect(contentTypeParameter("boundary", in: "multipart/form-data;boundary=abc") == "abc")
        #expect(contentTypeParameter("boundary", in: "multipart/form-data") == nil)
    }
}
