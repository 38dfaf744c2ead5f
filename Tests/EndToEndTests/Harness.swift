import Foundation
import Testing

/// Runs the real `hark` and `hark-sim` executables (built by `swift build --build-tests`) on
/// loopback: the simulator with a CA made for the run, hark against it over HTTP/2 + TLS,
/// verified, with ALSA `file` PCMs as microphone and speaker.
enum Harness {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let fixture = repository.appendingPathComponent("Fixtures/what-time-is-it-16k-mono.wav").path
    static let reply = repository.appendingPathComponent("Fixtures/ten-oclock-24k-mono.mp3").path

    /// `.build/debug` (or wherever `swift build` put the test bundle's siblings).
    static var binaries: URL {
        var url = Bundle.main.bundleURL
        for _ in 0..<4 where !FileManager.default.fileExists(atPath: url.appendingPathComponent("hark-sim").path) {
            url.deleteLastPathComponent()
        }
        if FileManager.default.fileExists(atPath: url.appendingPathComponent("hark-sim").path) { return url }
        return repository.appendingPathComponent(".build/debug")
    }

    static func temporaryDirectory(_ name: String) throws -> URL {
        let url = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("hark-e2e-\(name)-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// A running `hark-sim` with its own scenario, run directory and CA.
final class Simulator {
    let directory: URL
    let port: Int
    private let process: Child

    /// `arguments`: more hark-sim options (`--host`, `--legacy-tls-only`).
    init(scenario: String, in directory: URL, arguments: [String] = []) throws {
        self.directory = directory
        let scenarioFile = directory.appendingPathComponent("scenario.toml")
        try scenario.write(to: scenarioFile, atomically: true, encoding: .utf8)
        let portFile = directory.appendingPathComponent("port")
        process = try Child(Harness.binaries.appendingPathComponent("hark-sim").path,
                            ["--scenario", scenarioFile.path, "--run-dir", directory.appendingPathComponent("sim").path,
                             "--port-file", portFile.path] + arguments,
                            stderr: directory.appendingPathComponent("sim.err").path)
        var port: Int?
        for _ in 0..<200 {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), let value = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                port = value
                break
            }
            Thread.sleep(forTimeInterval: 0.025)
        }
        guard let port else {
            process.terminate()
            throw HarnessError("hark-sim did not start: \((try? String(contentsOf: directory.appendingPathComponent("sim.err"), encoding: .utf8)) ?? "")")
        }
        self.port = port
    }

    deinit {
        process.terminate()
    }

    var caFile: String { directory.appendingPathComponent("sim/ca.pem").path }
    var pid: pid_t { process.pid }
    var recordDirectory: URL { directory.appendingPathComponent("sim") }

    /// `events.log` lines.
    var eventsLog: [String] {
        ((try? String(contentsOf: recordDirectory.appendingPathComponent("events.log"), encoding: .utf8)) ?? "")
            .split(separator: "\n").map(String.init)
    }

    /// The recorded event JSON files whose name contains `name`, in order.
    func recorded(_ name: String) -> [[String: Any]] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: recordDirectory.path)) ?? []
        return files.filter { $0.hasSuffix(".json") && $0.contains(name) }.sorted().compactMap { file in
            guard let data = try? Data(contentsOf: recordDirectory.appendingPathComponent(file)) else { return nil }
            return try? JSONSerialization.jsonObject(with: data) as? [String: Any]
        }
    }

    /// `GET /sim/state` (through curl, verifying the run's CA).
    func state() throws -> [String: Any] {
        let data = try Self.run("/usr/bin/curl", ["-sS", "--cacert", caFile, "https://127.0.0.1:\(port)/sim/state"])
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    static func run(_ tool: String, _ arguments: [String]) throws -> Data {
        try Child.run(tool, arguments).output
    }

    static func touch(_ url: URL) -> URL {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        return url
    }
}

/// A private PulseAudio daemon with a null source and a null sink: the ALSA `pulse` PCM over
/// it is paced like real hardware (the `file` and `null` plugins alone are not).
final class PulseDaemon {
    let directory: URL
    private let daemon: Child
    private let keeper: Child

    init(in directory: URL) throws {
        self.directory = directory.appendingPathComponent("pulse")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        try "autospawn = no\n".write(to: self.directory.appendingPathComponent("client.conf"), atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = self.directory.path
        environment["XDG_RUNTIME_DIR"] = self.directory.path
        daemon = try Child("/usr/bin/pulseaudio", [
            "-n", "-F", "/dev/null", "--daemonize=no", "--system=false", "--use-pid-file=no",
            "--exit-idle-time=-1", "--realtime=no", "--high-priority=no", "--disable-shm=yes", "--log-level=error",
            "--load=module-null-source source_name=e2e_mic rate=16000 channels=1",
            "--load=module-null-sink sink_name=e2e_speaker",
            "--load=module-native-protocol-unix socket=\(self.directory.path)/native auth-anonymous=1"], environment: environment)
        for _ in 0..<100 where !FileManager.default.fileExists(atPath: self.directory.path + "/native") {
            Thread.sleep(forTimeInterval: 0.05)
        }
        Thread.sleep(forTimeInterval: 0.2)
        // A 10 ms stream on the sink's monitor keeps the null sink rendering in small blocks.
        environment = ProcessInfo.processInfo.environment
        environment["PULSE_SERVER"] = "unix:\(self.directory.path)/native"
        environment["PULSE_CLIENTCONFIG"] = self.directory.path + "/client.conf"
        keeper = try Child("/usr/bin/parec", ["--device=e2e_speaker.monitor", "--latency-msec=10", "--raw", "--rate=8000", "--channels=1"],
                           environment: environment)
        Thread.sleep(forTimeInterval: 0.3)
        // A fresh daemon holds its first playback stream back for 0.6 to 1.5 s (measured with
        // aplay: 2.45 s for a 1 s file, then 1.02 s). Play that first stream here, so the tests
        // time hark's speech and not the daemon's warm-up.
        let silence = self.directory.appendingPathComponent("warm-up.raw")
        try Data(count: 4800).write(to: silence)
        _ = try Child.run("/usr/bin/pacat", ["--playback", "--raw", "--rate=24000", "--channels=1", "--format=s16le", silence.path],
                          environment: environment)
    }

    var environment: [String: String] {
        ["PULSE_SERVER": "unix:\(directory.path)/native", "PULSE_CLIENTCONFIG": directory.path + "/client.conf"]
    }

    deinit {
        keeper.terminate()
        daemon.terminate()
    }
}

/// One `hark` device: its configuration, state directory and ALSA file PCMs (over `null`, or
/// over a paced PulseAudio daemon).
struct Device {
    let directory: URL
    let simulator: Simulator
    let pulse: PulseDaemon?

    /// A device already linked (the simulator's seeded refresh token), unless `linked` is false.
    init(simulator: Simulator, linked: Bool = true, micFormat: String = "opus", paced: Bool = false) throws {
        directory = simulator.directory
        self.simulator = simulator
        pulse = paced ? try PulseDaemon(in: simulator.directory) : nil
        let slave = paced ? "pulse" : "null"
        let state = directory.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        if linked {
            try "Atzr|hark-sim-refresh\n".write(to: state.appendingPathComponent("refresh-token"), atomically: true, encoding: .utf8)
        }
        _ = try Simulator.run("/usr/bin/sox", [Harness.fixture, "-t", "raw", "-e", "signed-integer", "-b", "16", "-r", "16000",
                                                "-c", "1", directory.appendingPathComponent("mic.raw").path])
        try """
            pcm.e2e_mic { type file slave.pcm "\(slave)" file "/dev/null" infile "\(directory.path)/mic.raw" format "raw" }
            pcm.e2e_speaker { type file slave.pcm "\(slave)" file "\(directory.path)/reply.wav" format "wav" }
            """.write(to: directory.appendingPathComponent("asound.conf"), atomically: true, encoding: .utf8)
        try """
            [avs]
            endpoint = "https://127.0.0.1:\(simulator.port)"
            ca_file = "\(simulator.caFile)"
            [auth]
            lwa_url = "https://127.0.0.1:\(simulator.port)/auth/O2"
            client_id = "hark-sim-client"
            product_id = "hark-e2e"
            device_serial = "e2e-0001"
            [state]
            dir = "\(state.path)"
            [audio]
            capture_device = "e2e_mic"
            playback_device = "e2e_speaker"
            mic_format = "\(micFormat)"
            [session]
            trigger = "none"
            [feedback]
            # The speaker is a file PCM that records the reply: a second stream would overwrite it.
            earcons = false
            [control]
            # Each device its own socket: tests run side by side.
            socket = "\(directory.appendingPathComponent("run/control.sock").path)"
            """.write(to: directory.appendingPathComponent("hark.toml"), atomically: true, encoding: .utf8)
    }

    struct Outcome {
        var status: Int32
        var transcript: [String]
        var stderr: String

        func has(_ text: String) -> Bool { transcript.contains { $0.contains(text) } }
        /// Index of the first transcript line containing `text`.
        func index(_ text: String) -> Int? { transcript.firstIndex { $0.contains(text) } }
    }

    /// `hark <arguments> --config hark.toml`, waiting for it to exit.
    func hark(_ arguments: [String], environment extra: [String: String] = [:]) throws -> Outcome {
        var environment = ProcessInfo.processInfo.environment.merging(extra) { _, new in new }
        environment["ALSA_CONFIG_PATH"] = "/usr/share/alsa/alsa.conf:" + directory.appendingPathComponent("asound.conf").path
        environment["HARK_LOG_LEVEL"] = "info"
        for (key, value) in pulse?.environment ?? [:] { environment[key] = value }
        let name = "hark-\(UUID().uuidString.prefix(4))"
        let errFile = directory.appendingPathComponent(name + ".err")
        let (status, data) = try Child.run(Harness.binaries.appendingPathComponent("hark").path,
                                           arguments + ["--config", directory.appendingPathComponent("hark.toml").path],
                                           environment: environment, stderr: errFile.path)
        return Outcome(status: status,
                       transcript: String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init),
                       stderr: (try? String(contentsOf: errFile, encoding: .utf8)) ?? "")
    }

    /// `hark run` for `turns` scripted turns.
    func run(turns: Int = 1, tapAfter: Int = 100, holdFor: Int? = nil, bargeInAfter: Int? = nil, timeout: Int = 25) throws -> Outcome {
        var arguments = ["run", "--transcript", "--turns", "\(turns)", "--tap-after", "\(tapAfter)", "--timeout", "\(timeout)"]
        if let holdFor { arguments += ["--hold-for", "\(holdFor)"] }
        if let bargeInAfter { arguments += ["--barge-in-after", "\(bargeInAfter)"] }
        return try hark(arguments)
    }

    var replyWAV: URL { directory.appendingPathComponent("reply.wav") }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
