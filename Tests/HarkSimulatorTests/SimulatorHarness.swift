import Foundation
import HarkSimulator

/// The repository's Fixtures/ folder, found from this file's path.
func fixturePath(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(name).path
}

/// What curl got back.
struct CurlResult {
    var exitCode: Int32
    var status: Int
    var httpVersion: String
    var headers: String
    var body: [UInt8]
    var bodyText: String { String(decoding: body, as: UTF8.self) }
    var json: SimJSON? { SimJSON.parse(body) }

    /// A header value from the response head, name case-insensitive.
    func header(_ name: String) -> String? {
        for line in headers.split(separator: "\r\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            if pair.count == 2, pair[0].lowercased() == name.lowercased() {
                return pair[1].trimmingCharacters(in: .whitespaces)
            }
        }
        return nil
    }
}

/// A simulator started in-process on an ephemeral port with a fresh CA, driven over real
/// TLS with Debian's curl (HTTP/2 unless asked otherwise).
final class SimulatorHarness: Sendable {
    let server: SimulatorServer
    let directory: String
    static let token = "Atza|hark-sim-access"

    init(scenario: Scenario = Scenario()) async throws {
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("hark-sim-test-\(UUID().uuidString)").path
        var configuration = SimulatorConfiguration(runDirectory: directory)
        configuration.scenario = scenario
        server = try await SimulatorServer.start(configuration)
    }

    convenience init(toml: String) async throws {
        try await self.init(scenario: try ScenarioLoader.parse(toml))
    }

    func stop() async {
        await server.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// For `defer`: removes the run directory now and stops the server in the background
    /// (a test may end, and the process exit, before that task runs; nothing is left behind
    /// on disk either way).
    func finish() {
        try? FileManager.default.removeItem(atPath: directory)
        let server = server
        Task { await server.stop() }
    }

    var url: String { "https://localhost:\(server.port)" }

    /// Runs curl against `path`; `body` is sent as the request body with `contentType`.
    func curl(
        _ path: String, method: String = "GET", token: String? = SimulatorHarness.token,
        contentType: String? = nil, body: [UInt8]? = nil, http1: Bool = false,
        maxTime: Double = 10, extra: [String] = []
    ) async throws -> CurlResult {
        let id = UUID().uuidString
        let bodyFile = "\(directory)/curl-\(id).body"
        let headFile = "\(directory)/curl-\(id).head"
        let outFile = "\(directory)/curl-\(id).out"
        var arguments = [
            "-sS", "-N", http1 ? "--http1.1" : "--http2", "--cacert", server.caPath,
            "-X", method, "-o", outFile, "-D", headFile, "-w", "%{http_code} %{http_version}",
            "--max-time", String(maxTime),
        ]
        if let token { arguments += ["-H", "authorization: Bearer \(token)"] }
        if let contentType { arguments += ["-H", "content-type: \(contentType)"] }
        if let body {
            try Data(body).write(to: URL(fileURLWithPath: bodyFile))
            arguments += ["--data-binary", "@\(bodyFile)"]
        }
        arguments += extra
        arguments.append(url + path)
        let (code, output) = try await run("/usr/bin/curl", arguments)
        let fields = output.split(separator: " ")
        return CurlResult(
            exitCode: code,
            status: Int(fields.first ?? "") ?? 0,
            httpVersion: fields.count > 1 ? String(fields[1]) : "",
            headers: (try? String(contentsOfFile: headFile, encoding: .utf8)) ?? "",
            body: Array(FileManager.default.contents(atPath: outFile) ?? Data()))
    }

    /// Opens the downchannel in the background; `stop()` ends it and returns what arrived.
    func openDownchannel(maxTime: Double = 10) async throws -> Downchannel {
        let out = "\(directory)/downchannel-\(UUID().uuidString).out"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = [
            "-sS", "-N", "--http2", "--cacert", server.caPath, "-i", "-o", out, "--max-time", String(maxTime),
            "-H", "authorization: Bearer \(Self.token)", url + "/v20160207/directives",
        ]
        process.standardError = FileHandle.nullDevice
        try process.run()
        let downchannel = Downchannel(process: process, output: out)
        // Ready once the simulator has it registered.
        for _ in 0..<200 where server.state.downchannels.isEmpty {
            try await Task.sleep(for: .milliseconds(10))
        }
        return downchannel
    }

    /// The record files written so far, sorted.
    func recordFiles(suffix: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { $0.hasSuffix(suffix) && !$0.hasPrefix("curl-") }.sorted().map { "\(directory)/\($0)" }
    }

    func eventsLog() -> String {
        (try? String(contentsOfFile: "\(directory)/events.log", encoding: .utf8)) ?? ""
    }
}

/// A downchannel held open by a background curl.
struct Downchannel: @unchecked Sendable {
    // Safe: `Process` is only touched by the test that owns this value, one call at a time.
    let process: Process
    let output: String

    var text: String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }

    /// Waits until the text contains `needle` (or the time runs out).
    func waitFor(_ needle: String, seconds: Double = 5) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if text.contains(needle) { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return text.contains(needle)
    }

    /// Waits for curl to end by itself.
    func waitForExit(seconds: Double = 5) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if !process.isRunning { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return !process.isRunning
    }

    func stop() {
        if process.isRunning { process.terminate() }
    }
}

/// Runs a program to completion without blocking a cooperative thread; returns its exit
/// status and standard output (with standard error too when `includeErrors`).
func run(_ executable: String, _ arguments: [String], includeErrors: Bool = false) async throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let outFile = FileManager.default.temporaryDirectory.appendingPathComponent("run-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: outFile.path, contents: nil)
    let handle = try FileHandle(forWritingTo: outFile)
    process.standardOutput = handle
    process.standardError = includeErrors ? handle : FileHandle.nullDevice
    let code: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { process in continuation.resume(returning: process.terminationStatus) }
        do {
            try process.run()
        } catch {
            process.terminationHandler = nil
            continuation.resume(throwing: error)
        }
    }
    try? handle.close()
    let output = (try? String(contentsOf: outFile, encoding: .utf8)) ?? ""
    try? FileManager.default.removeItem(at: outFile)
    return (code, output)
}
