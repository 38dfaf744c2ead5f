import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The fault matrix's end-to-end suites, one test at a time: each starts hark-sim, hark and
/// sometimes PulseAudio, and all of them at once on 2 cores starved the rest of the suite.
@Suite(.serialized) enum FaultMatrixEndToEnd {}

/// The fault matrix's measuring tools: transcript times, a `hark run` watched while it runs,
/// and one report line per fault (`fault-matrix: <fault> | <what Hark did> | <recovery>`),
/// which the README's table is made from.
enum FaultMatrix {
    static func report(_ fault: String, _ behaviour: String, recovery: String) {
        print("fault-matrix: \(fault) | \(behaviour) | \(recovery)")
    }

    static func milliseconds(_ value: Int?) -> String {
        value.map { "\($0) ms" } ?? "n/a"
    }
}

extension Device.Outcome {
    /// The time stamp (ms since hark started) of transcript line `index` (`+  1234 ms  text`).
    func milliseconds(at index: Int) -> Int? {
        guard transcript.indices.contains(index) else { return nil }
        let line = transcript[index].drop { $0 == "+" || $0 == " " }
        return Int(line.prefix { $0.isNumber })
    }

    /// The first line at or after `start` containing `text`: its index and time.
    func find(_ text: String, from start: Int = 0) -> (index: Int, milliseconds: Int)? {
        guard start < transcript.count,
            let index = transcript[start...].firstIndex(where: { $0.contains(text) }),
            let time = milliseconds(at: index)
        else { return nil }
        return (index, time)
    }

    /// Milliseconds from the first line containing `from` to the first later one containing `to`.
    func interval(from: String, to: String) -> Int? {
        guard let first = find(from), let second = find(to, from: first.index + 1) else { return nil }
        return second.milliseconds - first.milliseconds
    }

    var turnsWithSpeech: Int { transcript.filter { $0.contains("→ SpeechSynthesizer.SpeechFinished") }.count }
}

/// `hark run` started in the background, so a test can act while it runs (kill PulseAudio,
/// sample memory) and then wait for it without blocking the cooperative pool.
final class BackgroundHark: @unchecked Sendable {
    // @unchecked: `child` is only waited on from one dispatch thread, and the output files are
    // read-only from the test's side; nothing else is shared.
    let child: Child
    let stdout: URL
    let stderr: URL

    init(_ device: Device, _ arguments: [String]) throws {
        var environment = ProcessInfo.processInfo.environment
        environment["ALSA_CONFIG_PATH"] = "/usr/share/alsa/alsa.conf:" + device.directory.appendingPathComponent("asound.conf").path
        environment["HARK_LOG_LEVEL"] = "info"
        for (key, value) in device.pulse?.environment ?? [:] { environment[key] = value }
        let name = "hark-bg-\(UUID().uuidString.prefix(4))"
        stdout = device.directory.appendingPathComponent(name + ".out")
        stderr = device.directory.appendingPathComponent(name + ".err")
        child = try Child(Harness.binaries.appendingPathComponent("hark").path,
                          arguments + ["--config", device.directory.appendingPathComponent("hark.toml").path],
                          environment: environment, stdout: stdout.path, stderr: stderr.path)
    }

    var transcript: [String] {
        ((try? String(contentsOf: stdout, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Polls the transcript until a line contains `text`.
    func waitFor(_ text: String, timeout: Duration = .seconds(30)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if transcript.contains(where: { $0.contains(text) }) { return true }
            try? await Task.sleep(for: .milliseconds(25))
        }
        return false
    }

    /// The process's resident set now and at its peak (kB), from /proc.
    var memory: (rss: Int, peak: Int)? {
        guard let status = try? String(contentsOfFile: "/proc/\(child.pid)/status", encoding: .utf8) else { return nil }
        func field(_ name: String) -> Int? {
            status.split(separator: "\n").first { $0.hasPrefix(name + ":") }
                .flatMap { Int($0.split(whereSeparator: { $0 == " " || $0 == "\t" })[1]) }
        }
        guard let rss = field("VmRSS"), let peak = field("VmHWM") else { return nil }
        return (rss, peak)
    }

    /// Waits for the exit on a dispatch thread; the outcome as `Device.hark` gives it.
    func finish() async -> Device.Outcome {
        let status = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.child.wait()) }
        }
        return Device.Outcome(status: status, transcript: transcript,
                              stderr: (try? String(contentsOf: stderr, encoding: .utf8)) ?? "")
    }
}
