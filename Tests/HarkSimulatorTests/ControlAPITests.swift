import Foundation
import HarkSimulator
import Testing

/// The test-only control API and the timed scenario knobs.
@Suite struct ControlAPITests {
    @Test func closeDownchannelsAndDropEndTheClientsStreams() async throws {
        let sim = try await SimulatorHarness()
        defer { sim.finish() }
        let first = try await sim.openDownchannel()
        defer { first.stop() }
        #expect(try await sim.curl("/sim/close-downchannels", method: "POST", token: nil).status == 204)
        #expect(await first.waitForExit(seconds: 3))
        #expect(try await sim.curl("/sim/push", method: "POST", token: nil, body: Array("{}".utf8)).status == 409)

        let second = try await sim.openDownchannel()
        defer { second.stop() }
        #expect(try await sim.curl("/sim/drop", method: "POST", token: nil).status == 204)
        #expect(await second.waitForExit(seconds: 3))
        #expect(second.process.terminationStatus != 0)
    }

    @Test func revokeRefreshMakesTheNextRefreshInvalidGrant() async throws {
        let sim = try await SimulatorHarness()
        defer { sim.finish() }
        #expect(try await sim.curl("/sim/revoke-refresh", method: "POST", token: nil).status == 204)
        let refreshed = try await sim.curl("/auth/O2/token", method: "POST", token: nil,
                                           contentType: "application/x-www-form-urlencoded",
                                           body: Array("grant_type=refresh_token&refresh_token=Atzr%7Chark-sim-refresh&client_id=hark-sim-client".utf8))
        #expect(refreshed.status == 400)
        #expect(refreshed.json?["error"]?.stringValue == "invalid_grant")
    }

    @Test func timedTokenRevocationAndResponseDelay() async throws {
        let sim = try await SimulatorHarness(toml: """
            [server]
            response_delay_ms = 300
            [[recognize]]
            speak = false
            set_volume = 10
            [[fault]]
            kind = "reject_token"
            after_ms = 700
            """)
        defer { sim.finish() }
        let event = EventBodies.recognize(format: "AUDIO_L16_RATE_16000_CHANNELS_1", initiator: "PRESS_AND_HOLD", profile: "CLOSE_TALK")
        let started = ContinuousClock.now
        let answer = try await sim.curl("/v20160207/events", method: "POST", contentType: EventBodies.contentType,
                                        body: EventBodies.body(event, audio: [0, 0]))
        #expect(answer.status == 200)
        #expect(ContinuousClock.now - started >= .milliseconds(300))
        try await Task.sleep(until: started + .milliseconds(800))
        #expect(try await sim.curl("/ping").status == 403)
        #expect(sim.eventsLog().contains("access tokens revoked"))
    }
}

@Suite struct RawPushTests {
    @Test func rawPushesCarryFramingQuirks() async throws {
        let sim = try await SimulatorHarness(toml: """
            [[push]]
            after_ms = 10
            raw = true
            directive = "\\r\\n--{boundary}\\r\\nContent-Type: application/json\\r\\n\\r\\n{\\"a\\":1}\\r\\n--{boundary}"
            """)
        defer { sim.finish() }
        let downchannel = try await sim.openDownchannel()
        defer { downchannel.stop() }
        #expect(await downchannel.waitFor("{\"a\":1}"))
        let text = downchannel.text
        let head = text.components(separatedBy: "\r\n\r\n")[0]
        let boundary = try #require(head.range(of: "boundary=").map { String(head[$0.upperBound...].prefix { $0 != ";" }) })
        // The opening delimiter, then the raw text: a duplicate boundary right after it.
        #expect(text.contains("\r\n--\(boundary)\r\n--\(boundary)\r\nContent-Type: application/json\r\n\r\n{\"a\":1}\r\n--\(boundary)"))
        #expect(try await sim.curl("/sim/push?raw=1", method: "POST", token: nil, body: Array("--{boundary}XYZ".utf8)).status == 204)
        #expect(await downchannel.waitFor("--\(boundary)XYZ"))
    }
}
