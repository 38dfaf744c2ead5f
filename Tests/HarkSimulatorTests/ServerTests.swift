import Foundation
import HarkSimulator
import Testing

/// The simulator over real TLS on loopback, driven by curl with the run's CA.
@Suite struct ServerTests {
    @Test func pingOverHTTP2WithAValidTokenAnd403WithABadOne() async throws {
        let sim = try await SimulatorHarness()
        defer { sim.finish() }
        let ok = try await sim.curl("/ping")
        #expect(ok.status == 204)
        #expect(ok.httpVersion == "2")
        let bad = try await sim.curl("/ping", token: "Atza|forged")
        #expect(bad.status == 403)
        #expect(bad.json?["payload"]?["code"]?.stringValue == "UNAUTHORIZED_REQUEST_EXCEPTION")
        #expect(bad.json?["header"]?["name"]?.stringValue == "Exception")
        let none = try await sim.curl("/v20160207/events", method: "POST", token: nil,
                                      contentType: EventBodies.contentType, body: EventBodies.body(EventBodies.synchronizeState))
        #expect(none.status == 403)
        #expect(sim.eventsLog().contains("GET /ping 204"))
    }

    @Test func readyLineNamesTheURLAndCA() async throws {
        let sim = try await SimulatorHarness()
        defer { sim.finish() }
        #expect(sim.server.readyLine == "hark-sim: listening on https://127.0.0.1:\(sim.server.port) ca=\(sim.directory)/ca.pem")
        let pem = try String(contentsOfFile: sim.server.caPath, encoding: .utf8)
        #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----"))
        // The certificate names 127.0.0.1 as well as localhost.
        let byAddress = try await run("/usr/bin/curl", ["-sS", "--http2", "--cacert", sim.server.caPath, "-o", "/dev/null",
                                                       "-w", "%{http_code}", "-H", "authorization: Bearer \(SimulatorHarness.token)",
                                                       "\(sim.server.url)/ping"])
        #expect(byAddress.1 == "204")
    }

    @Test func downchannelIsMultipartHeldOpenAndCarriesPushes() async throws {
        let sim = try await SimulatorHarness(toml: """
            [[push]]
            after_ms = 50
            directive = '{"directive":{"header":{"namespace":"Unknown","name":"Thing","messageId":"u1"},"payload":{}}}'
            [[push]]
            after_ms = 100
            directive = '{"directive": {"header": '
            """)
        defer { sim.finish() }
        let downchannel = try await sim.openDownchannel()
        defer { downchannel.stop() }
        #expect(await downchannel.waitFor("{\"directive\": {\"header\": \r\n--"))
        let pushed = try await sim.curl("/sim/push", method: "POST", token: nil,
                                        body: Array(#"{"directive":{"header":{"namespace":"X","name":"Now","messageId":"p"},"payload":{}}}"#.utf8))
        #expect(pushed.status == 204)
        #expect(await downchannel.waitFor("\"Now\""))
        let text = downchannel.text
        #expect(text.hasPrefix("HTTP/2 200"))
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        let boundary = try #require(head.range(of: "boundary=").map { head[$0.upperBound...].prefix { $0 != ";" } })
        #expect(head.contains("multipart/related; boundary=\(boundary); type=\"application/json\""))
        let body = String(text[text.range(of: "\r\n\r\n")!.upperBound...])
        #expect(body.hasPrefix("\r\n--\(boundary)\r\nContent-Type: application/json"))
        #expect(body.contains("\"u1\"}"))
        // Each part is followed by the delimiter at once: the body ends on one.
        #expect(body.hasSuffix("\r\n--\(boundary)"))
        let state = try await sim.curl("/sim/state", token: nil)
        #expect(state.json?["downchannels_open"]?.numberValue == 1)
    }

    @Test func wellFormedEventIsAcceptedAndRecordedWithoutTheToken() async throws {
        let sim = try await SimulatorHarness()
        defer { sim.finish() }
        let result = try await sim.curl("/v20160207/events", method: "POST", contentType: EventBodies.contentType,
                                        body: EventBodies.body(EventBodies.synchronizeState))
        #expect(result.status == 204)
        let files = sim.recordFiles(suffix: ".json")
        #expect(files.map { ($0 as NSString).lastPathComponent } == ["0001-System.SynchronizeState.json"])
        let text = try String(contentsOfFile: files[0], encoding: .utf8)
        let record = try #require(SimJSON.parse(Array(text.utf8)))
        #expect(record["status"]?.numberValue == 204)
        #expect(record["event"]?["event"]?["header"]?["name"]?.stringValue == "SynchronizeState")
        #expect(record["headers"]?["content-type"]?.stringValue == EventBodies.contentType)
        #expect(record["stream"]?.stringValue != nil)
        #expect(!text.contains("Atza|"))
        #expect(sim.eventsLog().contains("POST /v20160207/events 204 System.SynchronizeState"))
    }

    @Test(arguments: [
        ("text/plain", EventBodies.body(EventBodies.synchronizeState), "multipart/form-data"),
        (EventBodies.contentType, EventBodies.body(metadata: "{\"event\":"), "not valid JSON"),
        (EventBodies.contentType, EventBodies.body(EventBodies.event("System", "SynchronizeState", context: nil)), "context"),
        (EventBodies.contentType, EventBodies.body(metadata: EventBodies.synchronizeState.text,
                                                   metadataHeaders: "Content-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json"), "metadata"),
        (EventBodies.contentType, EventBodies.body(metadata: EventBodies.synchronizeState.text,
                                                   metadataHeaders: "Content-Disposition: form-data; name=\"metadata\"\r\nContent-Type: text/plain"), "application/json"),
        (EventBodies.contentType, EventBodies.body(EventBodies.synchronizeState, audio: [1, 2]), "second part"),
        (EventBodies.contentType, EventBodies.body(EventBodies.recognize()), "audio part"),
        (EventBodies.contentType, EventBodies.body(EventBodies.recognize(), audio: [UInt8](repeating: 0, count: 81)), "80-byte"),
        (EventBodies.contentType, EventBodies.body(metadata: EventBodies.synchronizeState.text, close: false), "close delimiter"),
    ])
    func malformedEventsAnswer400WithTheException(contentType: String, body: [UInt8], reason: String) async throws {
        let sim = try await SimulatorHarness()
        defer { sim.finish() }
        let result = try await sim.curl("/v20160207/events", method: "POST", contentType: contentType, body: body)
        #expect(result.status == 400)
        #expect(result.json?["header"]?["namespace"]?.stringValue == "System")
        #expect(result.json?["header"]?["messageId"]?.stringValue?.isEmpty == false)
        #expect(result.json?["payload"]?["code"]?.stringValue == "INVALID_REQUEST_EXCEPTION")
        let description = result.json?["payload"]?["description"]?.stringValue ?? ""
        #expect(description.contains(reason), "\(description)")
        let state = try await sim.curl("/sim/state", token: nil)
        #expect(state.json?["events_rejected"]?.numberValue == 1)
    }

    @Test func avsEndpointsRefuseHTTP1() async throws {
        let sim = try await SimulatorHarness()
        defer { sim.finish() }
        let result = try await sim.curl("/v20160207/events", method: "POST", contentType: EventBodies.contentType,
                                        body: EventBodies.body(EventBodies.synchronizeState), http1: true)
        #expect(result.status == 505)
        #expect(result.httpVersion == "1.1")
        #expect(result.json?["payload"]?["description"]?.stringValue?.contains("HTTP/2") == true)
        #expect(try await sim.curl("/ping", http1: true).status == 505)
        #expect(try await sim.curl("/v20160207/directives", http1: true).status == 505)
        // The control API and LWA still answer on HTTP/1.1.
        #expect(try await sim.curl("/sim/state", token: nil, http1: true).status == 200)
    }

    @Test func unknownPathsAre404() async throws {
        let sim = try await SimulatorHarness()
        defer { sim.finish() }
        #expect(try await sim.curl("/v20160207/nothing").status == 404)
        #expect(try await sim.curl("/v20160207/events").status == 404)
    }
}

/// Things AVS would not reject but a careful client never does, noted in the record.
@Suite struct NoteTests {
    @Test func reusedMessageIdsAndUnknownSpeakTokensAreNoted() async throws {
        let sim = try await SimulatorHarness()
        defer { sim.finish() }
        let event = EventBodies.event("SpeechSynthesizer", "SpeechStarted", payload: ["token": "made-up"])
        #expect(try await sim.curl("/v20160207/events", method: "POST", contentType: EventBodies.contentType,
                                   body: EventBodies.body(event)).status == 204)
        #expect(try await sim.curl("/v20160207/events", method: "POST", contentType: EventBodies.contentType,
                                   body: EventBodies.body(event)).status == 204)
        let notes = try await sim.curl("/sim/state", token: nil).json?["notes"]?.arrayValue?.compactMap(\.stringValue) ?? []
        #expect(notes.contains { $0.contains("names no Speak") })
        #expect(notes.contains { $0.hasPrefix("event 2:") && $0.contains("was used before") })
        #expect(notes.contains { $0.contains("without an open downchannel") })
    }
}
