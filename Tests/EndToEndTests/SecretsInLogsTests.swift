import Foundation
import Testing

extension FaultMatrixEndToEnd {
    /// Security review: no token ever reaches a log, at any level. Turns with a forced 403 (so
    /// the refresh token is used again mid-run) and a code-pair login, everything at `trace`,
    /// then every byte hark wrote is searched for the tokens the simulator issued.
    @Suite struct SecretsInLogsTests {
        /// Every token-looking string (`Atza|…` access, `Atzr|…` refresh) in `text`.
        private func tokens(in text: String) -> [String] {
            text.components(separatedBy: CharacterSet(charactersIn: " \t\n\"'=,{}[]()"))
                .filter { $0.contains("Atza|") || $0.contains("Atzr|") }
        }

        @Test func traceLogsOfTurnsWithARefreshHoldNoToken() throws {
            let simulator = try Simulator(scenario: """
                [[recognize]]
                stop_capture_after_ms = 800
                [[fault]]
                kind = "reject_token"
                after_events = 1
                """, in: try Harness.temporaryDirectory("secrets"))
            let device = try Device(simulator: simulator)
            let outcome = try device.hark(["run", "--transcript", "--turns", "2", "--tap-after", "300", "--timeout", "40",
                                           "--log-level", "trace"])
            #expect(outcome.status == 0, "\(outcome.stderr)")
            // The run did log at trace level, and did refresh (so tokens passed through it).
            #expect(outcome.stderr.contains("trace") || outcome.stderr.split(separator: "\n").count > 30)
            let refreshes = ((try simulator.state())["token_refreshes"] as? NSNumber)?.intValue ?? 0
            #expect(refreshes >= 2)
            let written = outcome.stderr + outcome.transcript.joined(separator: "\n")
            #expect(!written.contains("hark-sim-refresh") && !written.contains("hark-sim-access"))
            #expect(tokens(in: written).isEmpty, "tokens in the log: \(tokens(in: written))")
        }

        @Test func traceLogsOfACodePairLoginHoldNoToken() throws {
            let simulator = try Simulator(scenario: "[auth]\npoll_interval_s = 1\npending_polls = 1\nslow_down_polls = []\nrefresh_token = \"\"\n",
                                          in: try Harness.temporaryDirectory("secrets-login"))
            let device = try Device(simulator: simulator, linked: false)
            let login = try device.hark(["login", "--log-level", "trace"])
            #expect(login.status == 0, "\(login.stderr)")
            let stored = try String(contentsOfFile: device.directory.appendingPathComponent("state/refresh-token").path, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(stored.hasPrefix("Atzr|"))
            let written = login.stderr + login.transcript.joined(separator: "\n")
            #expect(!written.contains(stored))
            #expect(tokens(in: written).isEmpty, "tokens in the log: \(tokens(in: written))")
        }
    }
}
