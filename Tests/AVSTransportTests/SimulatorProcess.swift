import Curl
import Foundation
import Synchronization

@testable import AVSTransport

/// A `hark-sim` run as a subprocess on a free loopback port, with its own run directory.
final class SimulatorProcess: Sendable {
    /// `.build/debug/hark-sim` next to these tests' package.
    static let binary: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/hark-sim").path
    }()

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: binary) }

    let process: Process
    /// `https://127.0.0.1:PORT`.
    let url: String
    let port: Int
    /// The run's CA certificate (PEM).
    let caFile: String
    let runDirectory: String
    /// A client trusting the run's CA, for the control API.
    let control: CurlHTTPClient

    init(scenario: String? = nil) async throws {
        runDirectory = try makeTemporaryDirectory()
        var arguments = ["--host", "127.0.0.1", "--port", "0", "--run-dir", runDirectory]
        if let scenario {
            let path = runDirectory + "/scenario.toml"
            try scenario.write(toFile: path, atomically: true, encoding: .utf8)
            arguments += ["--scenario", path]
        }
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Read until the ready line: "hark-sim: listening on https://127.0.0.1:PORT ca=PATH".
        // The reads block, so they run on a thread of their own, not the cooperative pool.
        let reader = output.fileHandleForReading
        let text = try await offPool {
            var text = ""
            let deadline = Date().addingTimeInterval(30)
            func hasReadyLine() -> Bool {
                text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().contains { $0.contains("listening on") }
            }
            while !hasReadyLine(), Date() < deadline {
                let data = reader.availableData
                if data.isEmpty { break }
                text += String(decoding: data, as: UTF8.self)
            }
            return text
        }
        // Keep draining, so a chatty simulator never blocks on a full pipe.
        output.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
        guard let line = text.split(separator: "\n").first(where: { $0.contains("listening on") }),
            let urlPart = line.split(separator: " ").first(where: { $0.hasPrefix("https://") }),
            let caPart = line.split(separator: " ").first(where: { $0.hasPrefix("ca=") }),
            let port = Int(urlPart.split(separator: ":").last ?? "")
        else {
            process.terminate()
            throw SimulatorError(description: "hark-sim did not print its ready line: \(text)")
        }
        url = String(urlPart)
        self.port = port
        caFile = String(caPart.dropFirst(3))
        control = try CurlHTTPClient(configuration: .init(caFile: caFile))
    }

    deinit {
        // A fixture: no graceful shutdown needed, and SIGTERM waits for open streams.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: runDirectory)
    }

    /// POSTs to a control path (`/sim/revoke`, `/sim/push`, …); returns the status.
    @discardableResult
    func post(_ path: String, body: String = "") async -> Int {
        let events = await collectEvents(
            control, HTTPRequest(method: .post, url: url + path, body: RequestBody(bytes: Array(body.utf8))))
        for case .head(let head) in events { return head.status }
        return 0
    }

    /// `GET /sim/state` as JSON.
    func state() async -> [String: Any] {
        let events = await collectEvents(control, HTTPRequest(method: .get, url: url + "/sim/state"))
        var bytes: [UInt8] = []
        for case .body(let chunk) in events { bytes += chunk }
        return (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
    }

    func counter(_ name: String) async -> Int {
        (await state()[name] as? NSNumber)?.intValue ?? -1
    }

    func recordedFiles() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: runDirectory)) ?? []).sorted()
    }
}

struct SimulatorError: Error, CustomStringConvertible {
    var description: String
}

/// Consumes a connection's updates into a list that tests wait on.
final class UpdateLog: Sendable {
    let updates = Locked<[ConnectionUpdate]>([])
    /// When each update arrived.
    let times = Locked<[ContinuousClock.Instant]>([])
    private let task: Task<Void, Never>

    init(_ connection: CurlAVSConnection) {
        let updates = self.updates
        let times = self.times
        let stream = connection.updates
        task = Task {
            for await update in stream {
                times.withLock { $0.append(.now) }
                updates.withLock { $0.append(update) }
            }
        }
    }

    deinit { task.cancel() }

    var all: [ConnectionUpdate] { updates.withLock { $0 } }

    /// When the first update matching `predicate` arrived.
    func time(of predicate: (ConnectionUpdate) -> Bool) -> ContinuousClock.Instant? {
        let all = self.all
        let times = self.times.withLock { $0 }
        return all.indices.first { predicate(all[$0]) && $0 < times.count }.map { times[$0] }
    }

    var states: [ConnectionState] {
        all.compactMap { if case .state(let state) = $0 { state } else { nil } }
    }

    /// Waits until `predicate` holds for the log (polling every 5 ms) or `timeout` passes.
    @discardableResult
    func wait(timeout: Duration = .seconds(10), until predicate: ([ConnectionUpdate]) -> Bool) async -> Bool {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while clock.now < deadline {
            if predicate(all) { return true }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return predicate(all)
    }

    func connectedCount(_ updates: [ConnectionUpdate]) -> Int {
        updates.filter { if case .state(.connected) = $0 { true } else { false } }.count
    }
}
