import Foundation
import TOML
import Testing

/// Every document under Corpus/ is parsed by this module and by Python's tomllib (the
/// reference implementation in CPython): valid/ documents must give the same values, invalid/
/// ones must be refused by both.
@Suite struct DifferentialTests {
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let corpus = testsDirectory.appendingPathComponent("Corpus")

    static func corpusFiles() throws -> [String] {
        var names: [String] = []
        for folder in ["valid", "invalid"] {
            let files = try FileManager.default.contentsOfDirectory(atPath: corpus.appendingPathComponent(folder).path)
            names += files.filter { $0.hasSuffix(".toml") }.map { "\(folder)/\($0)" }
        }
        return names.sorted()
    }

    @Test func corpusMatchesItsFolder() throws {
        let names = try Self.corpusFiles()
        #expect(names.count { $0.hasPrefix("valid/") } >= 20)
        #expect(names.count { $0.hasPrefix("invalid/") } >= 40)
        for name in names {
            let bytes = try [UInt8](Data(contentsOf: Self.corpus.appendingPathComponent(name)))
            do {
                _ = try TOMLTable(parsing: bytes)
                #expect(name.hasPrefix("valid/"), "\(name) should have been refused")
            } catch {
                #expect(name.hasPrefix("invalid/"), "\(name): \(error)")
                #expect(error.line >= 1 && error.column >= 1)
            }
        }
    }

    @Test func agreesWithPythonTomllib() async throws {
        guard let python = Self.pythonWithTomllib() else {
            print("DifferentialTests: skipped, no python3 with tomllib (Python 3.11 or later) on PATH")
            return
        }
        var results: [String] = []
        for name in try Self.corpusFiles() {
            let bytes = try [UInt8](Data(contentsOf: Self.corpus.appendingPathComponent(name)))
            let entry: String
            do {
                entry = "{\"value\":" + TaggedJSON.encode(try TOMLTable(parsing: bytes)) + "}"
            } catch {
                entry = "{\"error\":" + TaggedJSON.string(error.description) + "}"
            }
            results.append(TaggedJSON.string(name) + ":" + entry)
        }
        let resultsFile = FileManager.default.temporaryDirectory.appendingPathComponent("hark-toml-\(UUID().uuidString).json")
        try Data(("{" + results.joined(separator: ",\n") + "}").utf8).write(to: resultsFile)
        defer { try? FileManager.default.removeItem(at: resultsFile) }
        let script = Self.testsDirectory.appendingPathComponent("tomllib-compare.py").path
        let (status, output) = try await Self.run(python, [script, Self.corpus.path, resultsFile.path])
        #expect(status == 0, "tomllib-compare.py failed: \(output)")
        for line in output.split(separator: "\n") where line.hasPrefix("DISAGREE") {
            Issue.record("\(line)")
        }
        #expect(output.contains("compared \(results.count) documents, 0 disagreements"), "\(output)")
    }

    /// python3 on PATH when it has tomllib.
    static func pythonWithTomllib() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") + ["/usr/bin"] {
            let candidate = "\(directory)/python3"
            guard FileManager.default.isExecutableFile(atPath: candidate) else { continue }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: candidate)
            process.arguments = ["-c", "import tomllib"]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            guard (try? process.run()) != nil else { continue }
            process.waitUntilExit()
            if process.terminationStatus == 0 { return candidate }
        }
        return nil
    }

    /// Runs a program to its end without holding a cooperative thread while it runs.
    static func run(_ program: String, _ arguments: [String]) async throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        let output = OutputCollector(pipe.fileHandleForReading)
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        return (status, output.finish())
    }
}

/// Reads a pipe to its end on a thread of its own (a full pipe would stall the child).
private final class OutputCollector: @unchecked Sendable {
    // Safe: `data` is written only by the reading thread and read only after `done` is
    // signalled, which orders the two.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func finish() -> String {
        done.wait()
        return String(decoding: data, as: UTF8.self)
    }
}
