import Foundation
import Testing

extension FaultMatrixEndToEnd {
    /// Fault matrix, connection and TLS rows: each test injects one fault with hark-sim, checks
    /// what Hark did, and prints the recovery time (see FaultMatrix.report).
    @Suite struct FaultMatrixConnectionTests {
        @Test func connectionResetMidRecognizeEndsTheTurnAndTheNextTurnWorks() throws {
            let simulator = try Simulator(scenario: """
                [[recognize]]
                stop_capture_after_ms = 800
                [[fault]]
                kind = "drop_mid_recognize"
                after_ms = 300
                """, in: try Harness.temporaryDirectory("fm-reset"))
            let outcome = try Device(simulator: simulator).run(turns: 2, tapAfter: 300, timeout: 40)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            // The first turn ends without speech (the Recognize failed), the second one speaks.
            #expect(outcome.has("→ SpeechRecognizer.Recognize FAILED") || outcome.has("disconnected"), "\(outcome.transcript)")
            #expect(outcome.turnsWithSpeech == 1, "\(outcome.transcript)")
            let recovery = outcome.interval(from: "disconnected", to: "connected and synchronized")
            #expect(recovery != nil, "\(outcome.transcript)")
            FaultMatrix.report("connection reset mid-Recognize",
                               "turn ends without speech, reconnects, next turn answered",
                               recovery: FaultMatrix.milliseconds(recovery))
        }

        @Test func untrustedServerCertificateIsRefusedBeforeAnyRequest() throws {
            let simulator = try Simulator(scenario: "", in: try Harness.temporaryDirectory("fm-untrusted"))
            let device = try Device(simulator: simulator)
            // Trust the system's CAs only: the run's own CA is not among them.
            try rewriteConfig(device, "ca_file = \"\(simulator.caFile)\"", "ca_file = \"/etc/ssl/certs/ca-certificates.crt\"")
            let outcome = try device.run(timeout: 5)
            #expect(outcome.status == 75, "\(outcome.stderr)")
            #expect(!outcome.has("connected and synchronized"))
            #expect(requestLines(simulator).isEmpty, "\(simulator.eventsLog)")
            #expect(mentionsCertificate(outcome.stderr), "\(outcome.stderr)")
            FaultMatrix.report("TLS handshake failure (untrusted certificate)",
                               "refuses, no request sent, logs the TLS error, retries with backoff", recovery: "n/a (must not connect)")
        }

        @Test func certificateForAnotherHostIsRefusedNeverFallingBack() throws {
            // The simulator's certificate names 127.0.0.1 and localhost; it listens on 127.0.0.2.
            let simulator = try Simulator(scenario: "", in: try Harness.temporaryDirectory("fm-host"),
                                          arguments: ["--host", "127.0.0.2"])
            let device = try Device(simulator: simulator)
            try rewriteConfig(device, "https://127.0.0.1:", "https://127.0.0.2:")
            let outcome = try device.run(timeout: 5)
            #expect(outcome.status == 75, "\(outcome.stderr)")
            #expect(!outcome.has("connected and synchronized"))
            #expect(requestLines(simulator).isEmpty, "\(simulator.eventsLog)")
            #expect(mentionsCertificate(outcome.stderr), "\(outcome.stderr)")
            FaultMatrix.report("certificate for the wrong host",
                               "refuses (hostname check), no request sent, never falls back", recovery: "n/a (must not connect)")
        }

        @Test func serverOfferingOnlyTLS10And11IsRefused() throws {
            let simulator = try Simulator(scenario: "", in: try Harness.temporaryDirectory("fm-tls10"),
                                          arguments: ["--legacy-tls-only"])
            let outcome = try Device(simulator: simulator).run(timeout: 5)
            #expect(outcome.status == 75, "\(outcome.stderr)")
            #expect(!outcome.has("connected and synchronized"))
            #expect(requestLines(simulator).isEmpty, "\(simulator.eventsLog)")
            FaultMatrix.report("server offers only TLS 1.0/1.1", "refuses the handshake (minimum TLS 1.2)",
                               recovery: "n/a (must not connect)")
        }

        @Test func forbiddenDownchannelRefreshesTheTokenAndConnects() throws {
            let simulator = try Simulator(scenario: """
                [[recognize]]
                stop_capture_after_ms = 800
                [[fault]]
                kind = "status"
                target = "downchannel"
                status = 403
                count = 1
                """, in: try Harness.temporaryDirectory("fm-403dc"))
            let outcome = try Device(simulator: simulator).run(timeout: 30)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            #expect(simulator.eventsLog.contains { $0.contains("directives") && $0.contains(" 403") }, "\(simulator.eventsLog)")
            let refreshes = ((try simulator.state())["token_refreshes"] as? NSNumber)?.intValue ?? 0
            #expect(refreshes >= 2, "the 403 must cause a refresh")
            #expect(outcome.has("→ SpeechSynthesizer.SpeechFinished"))
            let connected = outcome.find("connected and synchronized")?.milliseconds
            FaultMatrix.report("403 on the downchannel", "refreshes the access token, reconnects, turn answered",
                               recovery: "connected at \(FaultMatrix.milliseconds(connected)) after start")
        }

        @Test func throttledEventsStormLosesNoTurn() throws {
            let simulator = try Simulator(scenario: """
                [[recognize]]
                stop_capture_after_ms = 800
                [[fault]]
                kind = "status"
                target = "events"
                status = 429
                count = 3
                after_events = 1
                """, in: try Harness.temporaryDirectory("fm-429"))
            // Three Recognizes refused, the fourth answered.
            let outcome = try Device(simulator: simulator).run(turns: 4, tapAfter: 300, timeout: 60)
            #expect(outcome.status == 0, "\(outcome.stderr)")
            let throttled = simulator.eventsLog.filter { $0.contains(" 429") }.count
            #expect(throttled == 3, "\(simulator.eventsLog)")
            #expect(outcome.turnsWithSpeech == 1, "\(outcome.transcript)")
            #expect(outcome.transcript.filter { $0.contains("Recognize FAILED") }.count == 3, "\(outcome.transcript)")
            let recovery = outcome.interval(from: "FAILED", to: "→ SpeechSynthesizer.SpeechFinished")
            FaultMatrix.report("429 storm on events (3 in a row)",
                               "each refused Recognize ends its turn at once (was: stuck in thinking), logged once, connection kept",
                               recovery: "first failure to next answered turn \(FaultMatrix.milliseconds(recovery))")
        }

        private func rewriteConfig(_ device: Device, _ old: String, _ new: String) throws {
            let url = device.directory.appendingPathComponent("hark.toml")
            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(text.contains(old))
            try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
        }

        /// events.log lines of HTTP requests (not the simulator's own notes).
        private func requestLines(_ simulator: Simulator) -> [String] {
            simulator.eventsLog.filter { $0.contains(" GET ") || $0.contains(" POST ") }
        }

        private func mentionsCertificate(_ log: String) -> Bool {
            let lower = log.lowercased()
            return lower.contains("certificate") || lower.contains("ssl") || lower.contains("tls")
        }
    }
}
