import Foundation
import Testing

/// Faults from the simulator: the session recovers with no user action.
@Suite(.serialized) struct ResilienceTests {
    @Test func rejectedTokenIsRefreshedAndTheSessionReconnects() throws {
        let simulator = try Simulator(scenario: """
            [[recognize]]
            stop_capture_after_ms = 800
            [[fault]]
            kind = "reject_token"
            after_events = 1
            """, in: try Harness.temporaryDirectory("403"))
        let device = try Device(simulator: simulator)
        let outcome = try device.run(turns: 2, tapAfter: 300)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(simulator.eventsLog.contains { $0.contains(" 403") }, "\(simulator.eventsLog)")
        let state = try simulator.state()
        let refreshes = (state["token_refreshes"] as? NSNumber)?.intValue ?? 0
        #expect(refreshes >= 2, "\(state)")
        #expect(simulator.recorded("SpeechSynthesizer.SpeechFinished").count >= 1)
    }

    @Test func droppedDownchannelReconnects() throws {
        let simulator = try Simulator(scenario: """
            [[recognize]]
            stop_capture_after_ms = 800
            [[fault]]
            kind = "close_downchannel"
            after_ms = 200
            count = 1
            """, in: try Harness.temporaryDirectory("drop"))
        let device = try Device(simulator: simulator)
        let outcome = try device.run(tapAfter: 1500)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(simulator.eventsLog.filter { $0.contains("downchannel open") }.count >= 2, "\(simulator.eventsLog)")
        #expect(outcome.has("→ SpeechSynthesizer.SpeechFinished"))
        FaultMatrix.report("downchannel closed by the server", "reconnects with backoff, the turn after it answered",
                           recovery: FaultMatrix.milliseconds(outcome.interval(from: "disconnected", to: "connected and synchronized")))
    }

    @Test func serviceUnavailableStormBacksOffThenRecovers() throws {
        let simulator = try Simulator(scenario: """
            [[recognize]]
            stop_capture_after_ms = 800
            [[fault]]
            kind = "status"
            status = 503
            target = "downchannel"
            count = 2
            """, in: try Harness.temporaryDirectory("503"))
        let device = try Device(simulator: simulator)
        let started = Date()
        let outcome = try device.run()
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let log = simulator.eventsLog
        #expect(log.filter { $0.contains(" 503") }.count == 2, "\(log)")
        // Backoff 0.25 s then 1 s (±50 %) before the third attempt.
        #expect(Date().timeIntervalSince(started) > 0.5)
        #expect(outcome.has("→ SpeechSynthesizer.SpeechFinished"))
        FaultMatrix.report("503 storm on the downchannel (2 in a row)", "backs off 0.25 s then 1 s (±50 %), connects, turn answered",
                           recovery: "connected \(FaultMatrix.milliseconds(outcome.find("connected and synchronized")?.milliseconds)) after start")
    }
}

/// Code-based linking against the simulator's Login with Amazon.
@Suite struct LoginTests {
    @Test func codePairLinkingStoresTheRefreshTokenPrivately() throws {
        let simulator = try Simulator(scenario: "[auth]\npoll_interval_s = 1\npending_polls = 1\nslow_down_polls = []\nrefresh_token = \"\"\n",
                                      in: try Harness.temporaryDirectory("login"))
        let device = try Device(simulator: simulator, linked: false)
        // Unlinked, hark run waits for a token (status unlinked) instead of exiting; the
        // scripted turn cannot happen, so the run times out.
        let notLinked = try device.run(timeout: 3)
        #expect(notLinked.status == 75, "\(notLinked.stderr)")
        #expect(notLinked.stderr.contains("hark login"))
        let login = try device.hark(["login"])
        #expect(login.status == 0, "\(login.stderr)")
        #expect(login.has("enter the code"))
        // libqrencode4 is installed for the tests: a QR code in half blocks, no install hint.
        #expect(login.has("scan this with a phone"))
        #expect(login.transcript.filter { $0.contains("▀") || $0.contains("▄") }.count > 10)
        #expect(!login.has("apt install libqrencode4"))
        let path = device.directory.appendingPathComponent("state/refresh-token").path
        #expect(login.has("stored in \(path)"))
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let token = try String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(!token.isEmpty)
        #expect(!login.transcript.joined().contains(token) && !login.stderr.contains(token))
        let turn = try device.run()
        #expect(turn.status == 0, "\(turn.stderr)")
    }

    @Test func withoutLibqrencodeLoginSaysHowToGetTheQRCode() throws {
        let simulator = try Simulator(scenario: "[auth]\npoll_interval_s = 1\npending_polls = 0\nslow_down_polls = []\nrefresh_token = \"\"\n",
                                      in: try Harness.temporaryDirectory("login-noqr"))
        let device = try Device(simulator: simulator, linked: false)
        let login = try device.hark(["login"], environment: ["HARK_QRENCODE_LIBRARY": "libhark-no-such-qrencode.so.9"])
        #expect(login.status == 0, "\(login.stderr)")
        #expect(login.has("enter the code"))
        #expect(login.has("apt install libqrencode4"))
        #expect(!login.transcript.contains { $0.contains("▀") || $0.contains("▄") })
    }
}
