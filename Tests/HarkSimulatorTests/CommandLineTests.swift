import Foundation
import HarkSimulator
import Testing

/// The built `hark-sim` next to the test binary (`swift build --build-tests` builds both).
let harkSimPath: String = {
    let candidates = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        Bundle.main.bundleURL.deletingLastPathComponent(),
        Bundle.main.bundleURL,
    ]
    for directory in candidates {
        let path = directory.appendingPathComponent("hark-sim").path
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return "hark-sim-not-built"
}()

@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: harkSimPath), "hark-sim is not built"))
struct CommandLineTests {
    @Test func printsTheReadyLineWritesThePortFileAndStopsOnSIGTERM() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-sim-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let portFile = "\(directory)/port"
        let stdoutFile = "\(directory)/stdout"
        _ = FileManager.default.createFile(atPath: stdoutFile, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: harkSimPath)
        process.arguments = ["--run-dir", "\(directory)/run", "--port-file", portFile,
                             "--scenario", fixturePath("sim/example.toml")]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: stdoutFile))
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        var port = ""
        for _ in 0..<500 where port.isEmpty {
            port = (try? String(contentsOfFile: portFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if port.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(Int(port) ?? 0 > 0)
        let output = try String(contentsOfFile: stdoutFile, encoding: .utf8)
        #expect(output.hasPrefix("hark-sim: listening on https://127.0.0.1:\(port) ca=\(directory)/run/ca.pem\n"))

        let (_, status) = try await run("/usr/bin/curl", [
            "-sS", "--http2", "--cacert", "\(directory)/run/ca.pem", "-o", "/dev/null", "-w", "%{http_code}",
            "-H", "authorization: Bearer Atza|hark-sim-access", "https://localhost:\(port)/ping",
        ])
        #expect(status == "204")

        process.terminate()
        for _ in 0..<300 where process.isRunning { try await Task.sleep(for: .milliseconds(10)) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
    }

    @Test func checkScenarioNamesTheBadKey() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("bad-\(UUID().uuidString).toml").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data("[[recognize]]\nspeek = true\n".utf8).write(to: URL(fileURLWithPath: file))
        let (status, message) = try await run(harkSimPath, ["--scenario", file, "--check-scenario"], includeErrors: true)
        #expect(status != 0)
        #expect(message.contains("recognize[0].speek is not a known key"))
    }
}
