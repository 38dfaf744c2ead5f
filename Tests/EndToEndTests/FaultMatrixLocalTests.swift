import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension FaultMatrixEndToEnd {
    /// Fault matrix, faults on the appliance itself: the sound server dying mid-reply (taking the
    /// microphone and speaker with it, then coming back), and configuration files that are empty,
    /// binary or wrong in every key.
    @Suite struct FaultMatrixLocalTests {
        /// The pid of the PulseAudio daemon serving `directory` (found by its socket path, so only
        /// the test's own daemon is ever signalled).
        private func pulseDaemonPID(serving directory: URL) -> pid_t? {
            let socket = "socket=\(directory.appendingPathComponent("pulse").path)/native"
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
            for entry in entries {
                guard let pid = pid_t(entry),
                    let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                    let commandLine = String(data: data, encoding: .utf8)
                else { continue }
                let words = commandLine.split(separator: "\0")
                if words.first?.hasSuffix("pulseaudio") == true, words.contains(where: { $0.contains(socket + " ") }) { return pid }
            }
            return nil
        }

        @Test func soundServerKilledMidSpeechThenBack() async throws {
            let simulator = try Simulator(scenario: """
                [[recognize]]
                stop_capture_after_ms = 800
                """, in: try Harness.temporaryDirectory("fm-pulse"))
            let device = try Device(simulator: simulator, paced: true)
            let hark = try BackgroundHark(device, ["run", "--transcript", "--turns", "4", "--tap-after", "1000", "--timeout", "90"])
            #expect(await hark.waitFor("first reply sample written"), "\(hark.transcript)")
            let daemon = try #require(pulseDaemonPID(serving: device.directory))
            kill(daemon, SIGKILL)
            // Microphone and speaker are gone for 2 s; the playback engine keeps reopening.
            try await Task.sleep(for: .seconds(2))
            let restarted = try PulseDaemon(in: simulator.directory)
            let backAt = ContinuousClock.now
            #expect(await hark.waitFor("speech played out", timeout: .seconds(30)), "\(hark.transcript)")
            let resumed = ContinuousClock.now - backAt
            let outcome = await hark.finish()
            withExtendedLifetime(restarted) {}
            #expect(outcome.status == 0, "\(outcome.stderr)")
            // Every turn completed, the one that was speaking included: nothing had to restart.
            #expect(outcome.turnsWithSpeech == 4, "\(outcome.transcript)")
            #expect(outcome.stderr.contains("playback device lost"), "\(outcome.stderr)")
            #expect(outcome.stderr.contains("playback device reopened"), "\(outcome.stderr)")
            let milliseconds = resumed.components.seconds * 1000 + resumed.components.attoseconds / 1_000_000_000_000_000
            FaultMatrix.report("PulseAudio killed mid-Speak; capture and playback devices gone, back 2 s later",
                               "loss logged, the speaker reopened with backoff, the interrupted speech finished, the next 3 turns (microphone reopened) answered; no restart",
                               recovery: "speech resumed and finished \(milliseconds) ms after the daemon was back")
        }

        /// `hark run` with this configuration text: must exit 78 (EX_CONFIG) with one line that
        /// names the problem and the fix.
        private func refused(_ text: [UInt8], _ name: String) throws -> Device.Outcome {
            let directory = try Harness.temporaryDirectory("fm-config-\(name)")
            let file = directory.appendingPathComponent("hark.toml")
            try Data(text).write(to: file)
            var environment = ProcessInfo.processInfo.environment
            for key in environment.keys where key.hasPrefix("HARK_") { environment[key] = nil }
            let errors = directory.appendingPathComponent("err")
            let (status, output) = try Child.run(Harness.binaries.appendingPathComponent("hark").path,
                                                 ["run", "--config", file.path], environment: environment, stderr: errors.path)
            let stderr = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
            #expect(status == 78, "\(name): \(stderr)")
            #expect(stderr.split(separator: "\n").count == 1, "\(name): one line: \(stderr)")
            #expect(!stderr.contains("Fatal error") && !stderr.contains("Stack dump"))
            return Device.Outcome(status: status, transcript: String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init),
                                  stderr: stderr)
        }

        @Test func emptyConfigurationNamesTheMissingKeyAndWhereToSetIt() throws {
            let outcome = try refused([], "empty")
            #expect(outcome.stderr.contains("is not set") && outcome.stderr.contains("HARK_"), "\(outcome.stderr)")
            FaultMatrix.report("config file empty", "exit 78: names the first missing key, the file and the environment variable", recovery: "n/a")
        }

        @Test func binaryConfigurationIsNotTOML() throws {
            var generator = SystemRandomNumberGenerator()
            let garbage = (0..<512).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let outcome = try refused([0xFF, 0xFE, 0x00] + garbage, "binary")
            #expect(outcome.stderr.contains("hark.toml"), "\(outcome.stderr)")
            FaultMatrix.report("config file binary", "exit 78: file and position, not valid TOML", recovery: "n/a")
        }

        @Test func everyKeyWrongNamesTheFirstAndWhereTheKeysAre() throws {
            let text = """
                [avz]
                endpoint = 1
                [audio]
                volume_x = 3
                capture_device = 5
                [session]
                triger = "tap"
                """
            let outcome = try refused(Array(text.utf8), "wrong")
            #expect(outcome.stderr.contains("unknown key 'avz'") && outcome.stderr.contains("board/hark.toml"), "\(outcome.stderr)")
            FaultMatrix.report("config file with every key wrong", "exit 78: names the first unknown key and line, points to board/hark.toml",
                               recovery: "n/a")
        }
    }
}
