import Foundation
import HarkSimulator
import Testing

/// Each injected fault does what the scenario says.
@Suite struct FaultTests {
    func postSync(_ sim: SimulatorHarness, token: String = SimulatorHarness.token) async throws -> CurlResult {
        try await sim.curl("/v20160207/events", method: "POST", token: token, contentType: EventBodies.contentType,
                           body: EventBodies.body(EventBodies.synchronizeState))
    }

    @Test func statusFaultAnswersTheNextRequestsThenRecovers() async throws {
        let sim = try await SimulatorHarness(toml: """
            [[fault]]
            kind = "status"
            target = "events"
            status = 503
            count = 2
            [[fault]]
            kind = "status"
            target = "ping"
            status = 429
            """)
        defer { sim.finish() }
        let first = try await postSync(sim)
        #expect(first.status == 503)
        #expect(first.json?["payload"]?["code"]?.stringValue == "INTERNAL_SERVICE_EXCEPTION")
        #expect(try await postSync(sim).status == 503)
        #expect(try await postSync(sim).status == 204)
        let ping = try await sim.curl("/ping")
        #expect(ping.status == 429)
        #expect(ping.json?["payload"]?["code"]?.stringValue == "THROTTLING_EXCEPTION")
        #expect(try await sim.curl("/ping").status == 204)
    }

    @Test func rejectTokenGives403UntilTheClientRefreshes() async throws {
        let sim = try await SimulatorHarness(toml: """
            [[fault]]
            kind = "reject_token"
            after_events = 1
            """)
        defer { sim.finish() }
        #expect(try await postSync(sim).status == 204)
        #expect(try await sim.curl("/ping").status == 403)
        let refreshed = try await sim.curl("/auth/O2/token", method: "POST", token: nil,
                                           contentType: "application/x-www-form-urlencoded",
                                           body: Array("grant_type=refresh_token&refresh_token=Atzr%7Chark-sim-refresh&client_id=hark-sim-client".utf8))
        let token = try #require(refreshed.json?["access_token"]?.stringValue)
        #expect(try await sim.curl("/ping", token: token).status == 204)
        #expect(try await postSync(sim, token: token).status == 204)
    }

    @Test func controlAPIRevokesTokens() async throws {
        let sim = try await SimulatorHarness()
        defer { sim.finish() }
        #expect(try await sim.curl("/sim/revoke", method: "POST", token: nil).status == 204)
        #expect(try await sim.curl("/ping").status == 403)
    }

    @Test func closeDownchannelEndsTheStream() async throws {
        let sim = try await SimulatorHarness(toml: """
            [[fault]]
            kind = "close_downchannel"
            after_ms = 200
            """)
        defer { sim.finish() }
        let downchannel = try await sim.openDownchannel()
        defer { downchannel.stop() }
        #expect(await downchannel.waitForExit(seconds: 3))
        #expect(sim.eventsLog().contains("downchannel ended by the server"))
        // The next downchannel stays open.
        let again = try await sim.openDownchannel()
        defer { again.stop() }
        #expect(!(await again.waitForExit(seconds: 0.5)))
    }

    @Test func dropAtConnectClosesTheNextConnection() async throws {
        let sim = try await SimulatorHarness(toml: "[[fault]]\nkind = \"drop_at_connect\"\n")
        defer { sim.finish() }
        let dropped = try await sim.curl("/ping")
        #expect(dropped.exitCode != 0)
        #expect(dropped.status == 0)
        #expect(try await sim.curl("/ping").status == 204)
    }

    @Test func stallHoldsTheAnswer() async throws {
        let sim = try await SimulatorHarness(toml: """
            [[fault]]
            kind = "stall"
            target = "ping"
            stall_ms = 400
            """)
        defer { sim.finish() }
        let started = ContinuousClock.now
        #expect(try await sim.curl("/ping").status == 204)
        #expect(ContinuousClock.now - started >= .milliseconds(400))
    }

    @Test func malformedMultipartAndJSONAnswers() async throws {
        let sim = try await SimulatorHarness(toml: """
            [server]
            speak_chunk_pause_ms = 0
            [[fault]]
            kind = "malformed_multipart"
            [[fault]]
            kind = "malformed_json"
            after_events = 1
            """)
        defer { sim.finish() }
        let event = EventBodies.recognize(format: "AUDIO_L16_RATE_16000_CHANNELS_1", initiator: "PRESS_AND_HOLD", profile: "CLOSE_TALK")
        let body = EventBodies.body(event, audio: [0, 0])
        let first = try await sim.curl("/v20160207/events", method: "POST", contentType: EventBodies.contentType, body: body)
        #expect(first.status == 200)
        #expect(first.bodyText.hasPrefix("garbage"))
        let second = try await sim.curl("/v20160207/events", method: "POST", contentType: EventBodies.contentType,
                                        body: EventBodies.body(EventBodies.recognize(format: "AUDIO_L16_RATE_16000_CHANNELS_1",
                                                                                     initiator: "PRESS_AND_HOLD", profile: "CLOSE_TALK"),
                                                               audio: [0, 0]))
        #expect(second.status == 200)
        let split = multipartParts(second.body, boundary: boundary(of: second.header("content-type")))
        #expect(split.prefix.isEmpty)
        #expect(SimJSON.parse(split.parts[0].content) == nil)
    }

    @Test func dropMidRecognizeClosesTheConnection() async throws {
        let sim = try await SimulatorHarness(toml: """
            [[fault]]
            kind = "drop_mid_recognize"
            after_ms = 100
            """)
        defer { sim.finish() }
        let samples = try EventBodies.fixtureSamples()
        let result = try await sim.curl("/v20160207/events", method: "POST", contentType: EventBodies.contentType,
                                        body: EventBodies.body(EventBodies.recognize(), audio: try EventBodies.opus(samples)))
        #expect(result.exitCode != 0)
        #expect(sim.eventsLog().contains("connection dropped mid-Recognize"))
    }

    @Test func goAwayEndsTheDownchannelAndTheConnection() async throws {
        let sim = try await SimulatorHarness(toml: """
            [[fault]]
            kind = "goaway"
            after_ms = 200
            """)
        defer { sim.finish() }
        let (status, output) = try await run("/usr/bin/curl", [
            "-v", "-sS", "-N", "--http2", "--cacert", sim.server.caPath, "-o", "/dev/null", "--max-time", "5",
            "-H", "authorization: Bearer \(SimulatorHarness.token)", sim.url + "/v20160207/directives",
        ], includeErrors: true)
        #expect(status == 0)
        #expect(output.contains("GOAWAY"))
        #expect(sim.eventsLog().contains("injected fault: GOAWAY"))
        #expect(try await sim.curl("/ping").status == 204)
    }

    @Test func downchannelStatusFault() async throws {
        let sim = try await SimulatorHarness(toml: """
            [[fault]]
            kind = "status"
            target = "downchannel"
            status = 500
            """)
        defer { sim.finish() }
        let result = try await sim.curl("/v20160207/directives", maxTime: 2)
        #expect(result.status == 500)
    }
}
