import Foundation
import TestSupport
import Synchronization

/// A program started by a test with `posix_spawn`, its stdout and stderr going to files in a
/// scratch directory (a file never fills up and blocks the child the way an unread pipe does).
///
/// Not Foundation's `Process`: on Linux it learns that a child ended from a socket the child
/// inherits, and pulseaudio closes every inherited descriptor at start, after which
/// Foundation's monitor thread blocks in `waitpid` on the daemon and no other child is reaped.
/// Here the test polls `waitpid(WNOHANG)` itself.
final class ChildProcess: Sendable {
    let name: String
    let pid: pid_t
    private let status = Mutex<Int32?>(nil)
    private let stdoutURL: URL
    private let stderrURL: URL

    /// Starts `executable` (a path, or a name looked up in `PATH`) with exactly `environment`.
    init(_ executable: String, _ arguments: [String], environment: [String: String],
         scratch: URL, name: String? = nil) throws {
        let path = executable.contains("/") ? executable : try Self.which(executable)
        let name = name ?? URL(fileURLWithPath: executable).lastPathComponent
        self.name = name
        let unique = "\(name)-\(UUID().uuidString.prefix(8))"
        stdoutURL = scratch.appendingPathComponent("\(unique).stdout")
        stderrURL = scratch.appendingPathComponent("\(unique).stderr")

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderrURL.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        closeInheritedDescriptors(&actions)

        // The test runner blocks or ignores some signals; a child must start with the defaults,
        // or SIGINT/SIGTERM sent to `hark` would never arrive.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), allSignals = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw TestSetupError("cannot start \(path): \(String(cString: strerror(result)))")
        }
        self.pid = pid
    }

    deinit {
        if status.withLock({ $0 }) == nil {
            kill(pid, SIGKILL)
            _ = reap(blocking: true)
        }
    }

    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }
    var stdoutData: Data { (try? Data(contentsOf: stdoutURL)) ?? Data() }

    var isRunning: Bool { reap(blocking: false) == nil }

    /// Sends `signal` (SIGTERM, SIGKILL, SIGINT...) if the child still runs.
    func send(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// The exit status (or 128 + the signal that ended it) once the child has ended, or nil
    /// if `timeout` passed first; the child is then killed, so no test leaves processes behind.
    @discardableResult
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status = reap(blocking: false) { return status }
            if ContinuousClock.now >= deadline {
                kill(pid, SIGKILL)
                _ = reap(blocking: true)
                return nil
            }
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// `waitpid`, once: the status is remembered because a pid can be reaped only once.
    private func reap(blocking: Bool) -> Int32? {
        status.withLock { status in
            if let status { return status }
            var raw: Int32 = 0
            let result = waitpid(pid, &raw, blocking ? 0 : WNOHANG)
            guard result == pid else { return nil }
            let signal = raw & 0x7f
            status = signal == 0 ? (raw >> 8) & 0xff : 128 + signal
            return status
        }
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

/// A fresh directory under the system temporary directory.
func makeScratchDirectory(_ label: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("hark-\(label)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                            attributes: [.posixPermissions: 0o700])
    return url
}
