import Audio
import Foundation
import Logging

/// CPU per second of audio for capture → microphone encoding, from a paced device: a private
/// PulseAudio daemon with a null sink, whose monitor is the microphone, reached through the
/// ALSA `pulse` PCM exactly as a container would reach a desktop's sound server. The spoken
/// fixture plays into the sink (by `paplay`, another process) so the encoder sees speech.
///
/// CPU time is `getrusage(RUSAGE_SELF)` for this whole process, from the first chunk to the
/// last: the engine's capture thread, the pulse plugin's threads and the encoding task.
struct CaptureBenchmark {
    var fixtures: String
    var seconds: Double

    struct Result {
        /// What was measured; nil for the arecord reference.
        var format: MicrophoneFormat?
        var measurement: Measurement
        var bytes: Int
        var statistics: AudioStatistics
    }

    /// Why the benchmark cannot run here, or nil.
    static func unavailableReason() -> String? {
        for tool in ["pulseaudio", "paplay"] where findExecutable(tool) == nil {
            return "\(tool) not found (apt-get install pulseaudio pulseaudio-utils libasound2-plugins)"
        }
        return nil
    }

    /// Starts the daemon, measures L16 (capture alone) and Opus, stops the daemon.
    func run() async throws -> [Result] {
        let server = try PulseDaemon.start()
        defer { server.stop() }
        // The ALSA pulse plugin reads PULSE_SERVER when the PCM opens.
        setenv("PULSE_SERVER", server.address, 1)

        let speech = try WAVFile.read(path: "\(fixtures)/what-time-is-it-16k-mono.wav")
        let loops = Int((seconds * 2 + 6) / max(speech.duration, 0.1)) + 1
        let playlist = "\(server.directory)/speech.wav"
        try WAVFile(format: speech.format, samples: Array((0..<loops).map { _ in speech.samples }.joined())).write(path: playlist)
        let player = try launch("paplay", ["--device=bench", playlist], environment: ["PULSE_SERVER": server.address],
                                log: "\(server.directory)/paplay.log")
        defer { player.stop() }

        var results: [Result] = []
        for format in [MicrophoneFormat.l16, .opus] {
            results.append(try await capture(format))
        }
        if let reference = try? arecordReference(server: server) { results.append(reference) }
        return results
    }

    /// The same capture by alsa-utils' `arecord` (10 ms periods, 100 ms buffer, as the engine
    /// asks): the cost of the pulse plugin itself, whatever program reads it. Its CPU comes
    /// from `wait4`, its wall time includes its start-up.
    private func arecordReference(server: PulseDaemon) throws -> Result? {
        guard findExecutable("arecord") != nil else { return nil }
        let duration = seconds.rounded(.up)
        let clock = ContinuousClock()
        let start = clock.now
        let child = try launch("arecord", [
            "-q", "-D", "pulse", "-f", "S16_LE", "-r", "16000", "-c", "1", "-d", String(Int(duration)),
            "--period-size=160", "--buffer-size=1600", "/dev/null",
        ], environment: ["PULSE_SERVER": server.address])
        let usage = child.wait()
        let wall = clock.now - start
        func cpu(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
        return Result(format: nil, measurement: Measurement(audioSeconds: duration, wallSeconds: wallSeconds,
                                                            cpuSeconds: cpu(usage.ru_utime) + cpu(usage.ru_stime)),
                      bytes: Int(duration * 32_000), statistics: AudioStatistics())
    }

    private func capture(_ format: MicrophoneFormat) async throws -> Result {
        var logger = Logger(label: "hark-bench.capture")
        logger.logLevel = .warning
        let engine = CaptureEngine(device: "pulse", logger: logger)
        let stream = try engine.start()
        var encoder = try MicrophoneEncoder(format: format)
        let clock = ContinuousClock()
        var samples = 0
        var bytes = 0
        var started: (wall: ContinuousClock.Instant, cpu: Double)?
        for await chunk in stream {
            // Start counting at the first chunk: opening the PCM and connecting to the
            // server happen once per utterance setup, not per second of audio.
            guard let begin = started else {
                started = (clock.now, CPUClock.process.now())
                continue
            }
            bytes += try encoder.encode(chunk).count
            samples += chunk.count
            if Double(samples) >= seconds * 16_000 {
                let wall = clock.now - begin.wall
                let cpu = CPUClock.process.now() - begin.cpu
                engine.stop()
                bytes += encoder.finish().count
                let wallSeconds = Double(wall.components.seconds) + Double(wall.components.attoseconds) / 1e18
                return Result(format: format, measurement: Measurement(audioSeconds: Double(samples) / 16_000, wallSeconds: wallSeconds, cpuSeconds: cpu),
                              bytes: bytes, statistics: engine.statistics)
            }
        }
        throw BenchError("capture from 'pulse' ended after \(samples) samples: \(engine.statistics)")
    }
}

/// A private PulseAudio daemon in a temporary directory, started and stopped by the bench.
struct PulseDaemon {
    var directory: String
    var process: ChildProcess
    var address: String { "unix:\(directory)/native" }

    static func start() throws -> PulseDaemon {
        let directory = "/tmp/hark-bench-pulse-\(getpid())"
        try? FileManager.default.removeItem(atPath: directory)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let process = try launch("pulseaudio", [
            "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
            "--load=module-native-protocol-unix socket=\(directory)/native auth-anonymous=1",
            "--load=module-null-sink sink_name=bench rate=16000 channels=1",
            "--load=module-always-sink",
        ], environment: [
            "HOME": directory, "XDG_RUNTIME_DIR": directory,
            "PULSE_RUNTIME_PATH": "\(directory)/runtime", "PULSE_STATE_PATH": "\(directory)/state",
        ], log: "\(directory)/pulseaudio.log")
        let daemon = PulseDaemon(directory: directory, process: process)
        for _ in 0..<100 {
            if PulseServerAddress.unix(path: "\(directory)/native").answers() { return daemon }
            guard process.isRunning else { break }
            usleep(50_000)
        }
        let log = (try? String(contentsOfFile: "\(directory)/pulseaudio.log", encoding: .utf8)) ?? ""
        daemon.stop()
        throw BenchError("pulseaudio did not start: \(log.split(separator: "\n").suffix(3).joined(separator: " | "))")
    }

    /// SIGTERM to the daemon this bench started, then removes its directory.
    func stop() {
        process.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// The full path of `tool` on PATH.
func findExecutable(_ tool: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    return path.split(separator: ":").map { "\($0)/\(tool)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// A child process started with `posix_spawn`; stopped with SIGTERM and reaped with
/// `waitpid`, so it never outlives the bench's normal exit nor stays a zombie.
/// (Plain POSIX rather than Foundation's Process, whose exit monitoring did not fire here
/// while the ALSA pulse plugin was loaded.)
struct ChildProcess {
    var pid: pid_t

    var isRunning: Bool {
        var status: Int32 = 0
        return waitpid(pid, &status, WNOHANG) == 0
    }

    /// Waits for the child to exit (`wait4`) and returns the CPU it used.
    func wait() -> rusage {
        var status: Int32 = 0
        var usage = rusage()
        _ = wait4(pid, &status, 0, &usage)
        return usage
    }

    /// SIGTERM, then up to 2 s for it to exit, then SIGKILL; always reaps.
    func stop() {
        guard isRunning else { return }
        kill(pid, SIGTERM)
        for _ in 0..<40 {
            usleep(50_000)
            if !isRunning { return }
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }
}

/// Starts `tool` with extra environment, standard output and error to `log` (or /dev/null).
func launch(_ tool: String, _ arguments: [String], environment: [String: String], log: String? = nil) throws -> ChildProcess {
    guard let executable = findExecutable(tool) else { throw BenchError("\(tool) not found") }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, log ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0)=\($1)" }
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    let envp = variables.map { strdup($0) } + [nil]
    defer { (argv + envp).forEach { free($0) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, executable, &actions, nil, argv, envp)
    guard result == 0 else { throw BenchError("cannot start \(tool): \(String(cString: strerror(result)))") }
    return ChildProcess(pid: pid)
}
