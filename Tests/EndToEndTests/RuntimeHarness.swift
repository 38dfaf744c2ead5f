import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension Device {
    /// The control socket of this device (short enough for `sockaddr_un`).
    var controlSocket: String { directory.appendingPathComponent("run/control.sock").path }

    /// Adds the runtime keys to hark.toml: a rebuild time if given (every device's hark.toml
    /// already names its own control socket).
    func configureRuntime(rebuildAfter seconds: Int? = nil) throws {
        let file = directory.appendingPathComponent("hark.toml")
        var text = try String(contentsOf: file, encoding: .utf8)
        if let seconds { text = text.replacingOccurrences(of: "[session]\n", with: "[session]\nrebuild_after_s = \(seconds)\n") }
        try text.write(to: file, atomically: true, encoding: .utf8)
    }

    /// The environment `hark` runs with in these tests.
    func harkEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["ALSA_CONFIG_PATH"] = "/usr/share/alsa/alsa.conf:" + directory.appendingPathComponent("asound.conf").path
        environment["HARK_LOG_LEVEL"] = "info"
        for (key, value) in pulse?.environment ?? [:] { environment[key] = value }
        for (key, value) in extra { environment[key] = value }
        return environment
    }

    /// `hark ctl <arguments> --socket <socket>`: exit status, stdout, stderr.
    func ctl(_ arguments: [String], prefix: [String] = []) throws -> (status: Int32, output: String, error: String) {
        let errFile = directory.appendingPathComponent("ctl-\(UUID().uuidString.prefix(6)).err").path
        let hark = Harness.binaries.appendingPathComponent("hark").path
        let command = prefix.isEmpty ? hark : prefix[0]
        let all = (prefix.isEmpty ? [] : Array(prefix.dropFirst()) + [hark]) + ["ctl"] + arguments + ["--socket", controlSocket]
        let (status, data) = try Child.run(command, all, environment: harkEnvironment(), stderr: errFile)
        return (status, String(decoding: data, as: UTF8.self), (try? String(contentsOfFile: errFile, encoding: .utf8)) ?? "")
    }
}

/// `hark run` left running: its stdout (the transcript) and stderr (the log) go to files.
final class RunningHark {
    let device: Device
    let child: Child
    let stdout: URL
    let stderr: URL

    init(_ device: Device, environment extra: [String: String] = [:]) throws {
        self.device = device
        let name = "hark-run-\(UUID().uuidString.prefix(4))"
        stdout = device.directory.appendingPathComponent(name + ".out")
        stderr = device.directory.appendingPathComponent(name + ".err")
        child = try Child(Harness.binaries.appendingPathComponent("hark").path,
                          ["run", "--transcript", "--config", device.directory.appendingPathComponent("hark.toml").path],
                          environment: device.harkEnvironment(extra), stdout: stdout.path, stderr: stderr.path)
    }

    deinit { child.terminate() }

    var transcript: String { (try? String(contentsOf: stdout, encoding: .utf8)) ?? "" }
    var log: String { (try? String(contentsOf: stderr, encoding: .utf8)) ?? "" }

    /// SIGTERM and the exit status.
    func stop() -> Int32 {
        kill(child.pid, SIGTERM)
        return child.wait()
    }
}

/// Polls `condition` every 20 ms (sleeping the task, not the thread) until it holds or
/// `timeout` passes; throws with `what` and `context()` when it never held.
func eventually(_ what: String, timeout: Duration = .seconds(30), context: () -> String = { "" },
                _ condition: () throws -> Bool) async throws {
    let end = ContinuousClock.now + timeout
    while ContinuousClock.now < end {
        if try condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw HarnessError("timed out waiting for \(what)\n\(context())")
}

/// A datagram socket bound where `NOTIFY_SOCKET` points, as systemd binds it. Unchecked
/// Sendable: its only state is the descriptor, fixed at init; `recv` on it is thread-safe and
/// one test reads it at a time.
final class NotifyListener: @unchecked Sendable {
    let path: String
    private let fd: Int32

    init(in directory: URL) throws {
        path = directory.appendingPathComponent("notify.sock").path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8) + [0]) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw HarnessError("bind \(path): \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    /// Everything that arrives during `duration`, timed on a thread of its own (the shared
    /// pools may be busy with other tests, which would smear the arrival times).
    func collect(for duration: Duration) async -> [(message: String, time: ContinuousClock.Instant)] {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let end = ContinuousClock.now + duration
                var messages: [(message: String, time: ContinuousClock.Instant)] = []
                while ContinuousClock.now < end {
                    var descriptor = pollfd(fd: self.fd, events: Int16(POLLIN), revents: 0)
                    if poll(&descriptor, 1, 20) == 1 { messages += self.drain() }
                }
                continuation.resume(returning: messages)
            }
        }
    }

    /// Datagrams waiting now, with the time they were read (non-blocking).
    func drain() -> [(message: String, time: ContinuousClock.Instant)] {
        var messages: [(String, ContinuousClock.Instant)] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            guard count > 0 else { return messages }
            messages.append((String(decoding: buffer[..<count], as: UTF8.self), ContinuousClock.now))
        }
    }
}
