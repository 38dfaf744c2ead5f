import Testing
@testable import AVS

@Suite("Messages")
struct MessageTests {
    @Test("a directive parses with its header, payload and raw text")
    func parsesDirective() throws {
        let text = #"{"directive":{"header":{"namespace":"SpeechSynthesizer","name":"Speak","messageId":"m-1","dialogRequestId":"d-1"},"payload":{"url":"cid:abc","format":"AUDIO_MPEG","token":"tok","n":3,"f":1.5,"ok":true,"list":[null]}}}"#
        let directive = try parseDirective(bytes(text)).get()
        #expect(directive.header == MessageHeader(namespace: "SpeechSynthesizer", name: "Speak", messageId: "m-1", dialogRequestId: "d-1"))
        #expect(directive.payload["url"]?.stringValue == "cid:abc")
        #expect(directive.payload["n"]?.intValue == 3)
        #expect(directive.payload["f"]?.doubleValue == 1.5)
        #expect(directive.payload["f"]?.intValue == nil)
        #expect(directive.payload["ok"]?.boolValue == true)
        #expect(directive.payload["list"] == [nil])
        #expect(directive.raw == text)
    }

    @Test("a directive without dialogRequestId has none")
    func noDialogRequestId() throws {
        let directive = try parseDirective(bytes(stopCaptureJSON)).get()
        #expect(directive.header.dialogRequestId == nil)
        #expect(directive.header.qualifiedName == "SpeechRecognizer.StopCapture")
        #expect(directive.payload == .emptyObject)
    }

    @Test("the bare header/payload form of a non-2xx answer parses too")
    func exceptionBody() throws {
        let text = #"{"header":{"namespace":"System","name":"Exception","messageId":"x"},"payload":{"code":"UNAUTHORIZED_REQUEST_EXCEPTION","description":"bad token"}}"#
        let directive = try parseDirective(bytes(text)).get()
        #expect(directive.header.qualifiedName == "System.Exception")
        #expect(directive.payload["code"] == "UNAUTHORIZED_REQUEST_EXCEPTION")
    }

    @Test("malformed JSON is an error carrying the raw text", arguments: [
        "", "{", "not json", #"{"directive":{"header":"#, "\u{FF}",
    ])
    func malformed(text: String) {
        #expect(parseDirective(bytes(text)) == .failure(.malformedJSON(raw: text)))
    }

    @Test("missing envelope or header fields are named", arguments: [
        (#"{"x":1}"#, "directive"),
        (#"[1,2]"#, "directive"),
        (#"{"directive":{"payload":{}}}"#, "directive.header"),
        (#"{"directive":{"header":[],"payload":{}}}"#, "directive.header"),
        (#"{"directive":{"header":{"name":"Speak","messageId":"m"},"payload":{}}}"#, "directive.header.namespace"),
        (#"{"directive":{"header":{"namespace":"S","messageId":"m"},"payload":{}}}"#, "directive.header.name"),
        (#"{"directive":{"header":{"namespace":"S","name":"N","messageId":7},"payload":{}}}"#, "directive.header.messageId"),
        (#"{"directive":{"header":{"namespace":"S","name":"N","messageId":"m"}}}"#, "directive.payload"),
    ])
    func missingFields(text: String, field: String) {
        let result = parseDirective(bytes(text))
        #expect(result == .failure(.missingField(field, raw: text)))
        if case .failure(let error) = result { #expect(error.raw == text) }
    }

    @Test("an event has the exact AVS envelope; an empty payload is {}")
    func eventJSON() {
        let event = Event(
            header: MessageHeader(namespace: "SpeechSynthesizer", name: "SpeechStarted", messageId: "m-2"),
            payload: ["token": "t/1"])
        #expect(event.jsonText == #"{"event":{"header":{"namespace":"SpeechSynthesizer","name":"SpeechStarted","messageId":"m-2"},"payload":{"token":"t/1"}}}"#)

        let sync = Event(
            header: MessageHeader(namespace: "System", name: "SynchronizeState", messageId: "m-3"),
            context: [ContextEntry(namespace: "Speaker", name: "VolumeState", payload: ["volume": 50, "muted": false])])
        #expect(String(decoding: sync.jsonBytes(), as: UTF8.self) == #"{"context":[{"header":{"namespace":"Speaker","name":"VolumeState"},"payload":{"muted":false,"volume":50}}],"event":{"header":{"namespace":"System","name":"SynchronizeState","messageId":"m-3"},"payload":{}}}"#)

        let recognize = Event(
            header: MessageHeader(namespace: "SpeechRecognizer", name: "Recognize", messageId: "m", dialogRequestId: "d"),
            payload: .null, context: [])
        #expect(recognize.jsonText == #"{"context":[],"event":{"header":{"namespace":"SpeechRecognizer","name":"Recognize","messageId":"m","dialogRequestId":"d"},"payload":{}}}"#)
    }

    @Test("event JSON escapes strings and round-trips through the parser")
    func escaping() throws {
        let payload: JSONValue = ["text": "quote \" backslash \\ newline \n tab \t bell \u{07} é ☃", "n": -2.25, "big": 1e300, "list": [1, true, nil]]
        let event = Event(header: MessageHeader(namespace: "N", name: "E", messageId: "m"), payload: payload)
        let parsed = try JSONValue(parsing: event.jsonBytes())
        #expect(parsed["event"]?["payload"] == payload)
        #expect(event.jsonText.contains(#"\u0007"#))
    }

    @Test("message ids are version 4 UUIDs, reproducible from a seed and distinct")
    func uuids() {
        var source = MessageIDSource(seed: 1)
        var again = MessageIDSource(seed: 1)
        var seen = Set<String>()
        for _ in 0..<1000 {
            let id = source.makeID()
            #expect(id == again.makeID())
            let characters = Array(id)
            #expect(characters.count == 36)
            #expect([8, 13, 18, 23].allSatisfy { characters[$0] == "-" })
            #expect(characters[14] == "4")
            #expect("89ab".contains(characters[19]))
            #expect(id == id.lowercased())
            seen.insert(id)
        }
        #expect(seen.count == 1000)
        var system = MessageIDSource()
        #expect(system.makeID() != system.makeID())
    }

    @Test("multipart boundary from a Content-Type", arguments: [
        ("multipart/related; boundary=abc", "abc"),
        ("multipart/related;boundary=abc;type=\"application/json\"", "abc"),
        ("multipart/related; type=\"application/json\"; BOUNDARY=\"a;b c\"; charset=x", "a;b c"),
        ("Multipart/Related; Boundary = ------abcdEF123 ", "------abcdEF123"),
        ("multipart/related; boundary=\"q\\\"x\"", "q\"x"),
        ("multipart/related; notboundary=x", nil),
        ("multipart/related", nil),
        ("multipart/related; boundary=", nil),
        ("multipart/related; boundary=\"\"", nil),
    ] as [(String, String?)])
    func boundary(contentType: String, expected: String?) {
        #expect(multipartBoundary(contentType: contentType) == expected)
    }

    @Test("the event body encoder writes the AVS form-data layout and decodes back")
    func eventBody() throws {
        let body = EventBody(boundary: "BOUNDARY")
        #expect(body.contentType == "multipart/form-data; boundary=BOUNDARY")
        let metadata = bytes("{\"event\":{}}")
        #expect(body.head(metadata: metadata, audio: false) + body.tail == bytes(
            "\r\n--BOUNDARY\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n{\"event\":{}}"
            + "\r\n--BOUNDARY--\r\n"))
        let withAudio = body.head(metadata: metadata, audio: true) + [1, 2, 3] + body.tail
        #expect(withAudio == bytes(
            "\r\n--BOUNDARY\r\nContent-Disposition: form-data; name=\"metadata\"\r\nContent-Type: application/json\r\n\r\n{\"event\":{}}"
            + "\r\n--BOUNDARY\r\nContent-Disposition: form-data; name=\"audio\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            + [1, 2, 3] + bytes("\r\n--BOUNDARY--\r\n"))
        #expect(body.body(metadata: metadata) == body.head(metadata: metadata, audio: false) + body.tail)
        // Our own reader takes it (the metadata part is JSON; audio has no Content-ID so it is skipped).
        #expect(try decode(withAudio, boundary: "BOUNDARY") == [.directive(metadata)])
    }

    @Test("random boundaries are 32 letters and digits, and differ")
    func randomBoundary() {
        let one = EventBody().boundary
        #expect(one.count == 32)
        #expect(one.allSatisfy { $0.isLetter || $0.isNumber })
        #expect(one != EventBody().boundary)
    }
}
