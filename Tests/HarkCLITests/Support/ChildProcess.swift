import Foundation

/// A program started by a test, its stdout and stderr going to files in a scratch directory
/// (a file never fills up and blocks the child the way an unread pipe does).
final class ChildProcess: @unchecked Sendable {
    // @unchecked: `Process` is a class Foundation does not mark Sendable; this wrapper only
    // calls its thread-safe members (run, isRunning, terminationStatus, processIdentifier)
    // and every other stored property is a `let`.
    let name: String
    private let process = Process()
    private let stdoutURL: URL
    private let stderrURL: URL

    /// Starts `executable` (a path, or a name looked up in `PATH`).
    init(_ executable: String, _ arguments: [String], environment: [String: String],
         scratch: URL, name: String? = nil) throws {
        let name = name ?? (executable as NSString).lastPathComponent
        self.name = name
        let unique = "\(name)-\(UUID().uuidString.prefix(8))"
        stdoutURL = scratch.appendingPathComponent("\(unique).stdout")
        stderrURL = scratch.appendingPathComponent("\(unique).stderr")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable.contains("/") ? executable : try Self.which(executable))
        process.arguments = arguments
        process.environment = environment
        process.currentDirectoryURL = scratch
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }
    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
    var stdoutData: Data { (try? Data(contentsOf: stdoutURL)) ?? Data() }

    /// Sends `signal` (SIGTERM, SIGKILL, SIGINT...) if the child still runs.
    func send(_ signal: Int32) {
        if process.isRunning { kill(process.processIdentifier, signal) }
    }

    /// The exit status once the child has ended, or nil if `timeout` passed first (the child
    /// is then killed, so a hung test never leaves processes behind).
    @discardableResult
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline {
                send(SIGKILL)
                while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
                return nil
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return process.terminationStatus
    }

    /// `which(1)` without running it.
    static func which(_ program: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(program)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw TestSetupError("'\(program)' is not installed (run 'make deps')")
    }
}

struct TestSetupError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A fresh directory under the system temporary directory, removed by `remove()`.
func makeScratchDirectory(_ label: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("hark-\(label)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                            attributes: [.posixPermissions: 0o700])
    return url
}
