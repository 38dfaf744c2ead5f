import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Unattended recovery: unlinked start linked later, a session rebuilt after a long outage,
/// and a token file that survives `kill -9` mid-write.
@Suite(.serialized) struct RecoveryEndToEndTests {
    @Test func unlinkedStartIsLinkedByHarkLoginWithoutARestart() async throws {
        let scenario = "[auth]\nrefresh_token = \"\"\npoll_interval_s = 1\npending_polls = 1\n"
        let simulator = try Simulator(scenario: scenario, in: try Harness.temporaryDirectory("unlinked"))
        let device = try Device(simulator: simulator, linked: false)
        try device.configureRuntime()
        let hark = try RunningHark(device)
        try await eventually("status unlinked", context: { hark.log }) { (try device.ctl(["status"])).output.contains("unlinked") }
        #expect(hark.log.contains("hark login"))
        let login = try device.hark(["login"])
        #expect(login.status == 0, "\(login.stderr)")
        let linked = ContinuousClock.now
        try await eventually("connected after login", context: { hark.log }) { hark.transcript.contains("connected and synchronized") }
        print("hark login stored the token → running hark connected: \(ContinuousClock.now - linked)")
        let status = try device.ctl(["status"]).output
        #expect(status.contains("idle, linked, connected"), "\(status)")
        #expect(hark.stop() == 0)
    }

    @Test func aSessionOfflineLongerThanRebuildAfterIsRebuiltAndConnectsToTheNewServer() async throws {
        let scenario = "[[recognize]]\nstop_capture_after_ms = 800\n"
        let simulator = try Simulator(scenario: scenario, in: try Harness.temporaryDirectory("rebuild"))
        let device = try Device(simulator: simulator)
        try device.configureRuntime(rebuildAfter: 2)
        let hark = try RunningHark(device)
        try await eventually("connected", context: { hark.log }) { hark.transcript.contains("connected and synchronized") }
        // The server goes away: connections are refused from now on.
        let refused = ContinuousClock.now
        kill(simulator.pid, SIGTERM)
        try await eventually("the rebuild", context: { hark.log }) { hark.log.contains("rebuilding the session") }
        print("refused → rebuild started: \(ContinuousClock.now - refused) (rebuild_after_s = 2)")
        #expect(hark.log.contains("session rebuilt in"))
        // A new server on the same port, with a new CA in place of the old one.
        let second = simulator.directory.appendingPathComponent("second")
        try FileManager.default.createDirectory(at: second, withIntermediateDirectories: true)
        let portFile = second.appendingPathComponent("port")
        let replacement = try Child(Harness.binaries.appendingPathComponent("hark-sim").path,
                                    ["--scenario", simulator.directory.appendingPathComponent("scenario.toml").path,
                                     "--run-dir", second.appendingPathComponent("sim").path, "--port", "\(simulator.port)",
                                     "--port-file", portFile.path],
                                    stderr: second.appendingPathComponent("sim.err").path)
        defer { replacement.terminate() }
        try await eventually("the second simulator") { FileManager.default.fileExists(atPath: portFile.path) }
        let ca = try Data(contentsOf: second.appendingPathComponent("sim/ca.pem"))
        try ca.write(to: URL(fileURLWithPath: simulator.caFile), options: .atomic)
        let restarted = ContinuousClock.now
        try await eventually("connected to the new server", timeout: .seconds(60), context: { hark.log }) {
            let status = try device.ctl(["status"]).output
            return status.contains("connected") && !status.contains("not connected")
        }
        print("second server up → connected again: \(ContinuousClock.now - restarted)")
        #expect(try device.ctl(["tap"]).status == 0)
        try await eventually("a turn on the new server", context: { hark.log }) {
            FileManager.default.fileExists(atPath: second.appendingPathComponent("sim/events.log").path)
                && ((try? String(contentsOf: second.appendingPathComponent("sim/events.log"), encoding: .utf8)) ?? "").contains("SpeechFinished")
        }
        #expect(hark.stop() == 0)
    }

    @Test func killDashNineDuringTokenWritesLeavesAWholeTokenWithMode0600() async throws {
        let directory = try Harness.temporaryDirectory("token-kill")
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = directory.appendingPathComponent("refresh-token").path
        var generator = SystemRandomNumberGenerator()
        let rounds = 60
        for round in 0..<rounds {
            let out = directory.appendingPathComponent("writer.out").path
            let writer = try Child(Harness.binaries.appendingPathComponent("token-writer").path, [directory.path], stdout: out)
            try await eventually("the writer to start") { ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").contains("ready") }
            try await Task.sleep(for: .microseconds(Int.random(in: 0...20_000, using: &generator)))
            kill(writer.pid, SIGKILL)
            #expect(writer.wait() == 128 + SIGKILL)
            let text = try String(contentsOfFile: token, encoding: .utf8)
            let parts = text.trimmingCharacters(in: .newlines).split(separator: "|", omittingEmptySubsequences: false)
            // "Atzr|<20 + n % 400 x>|<n>\n": a torn write could not keep the length and number in step.
            let counter = parts.count == 3 ? Int(parts[2]) : nil
            #expect(parts.count == 3 && parts[0] == "Atzr" && counter != nil && parts[1].count == 20 + (counter ?? 0) % 400
                    && text.hasSuffix("\n"), "round \(round): \(text.prefix(60))")
            let mode = (try FileManager.default.attributesOfItem(atPath: token)[.posixPermissions] as? Int) ?? 0
            #expect(mode == 0o600, "round \(round): mode \(String(mode, radix: 8))")
        }
    }
}
