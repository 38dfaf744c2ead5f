import Foundation

/// A real PulseAudio daemon for one test: a null sink `hark_test` (whose monitor is the
/// default source, so whatever plays into the sink can be recorded) and a native-protocol
/// socket in a scratch directory. Clients find it through `PULSE_SERVER=unix:<dir>/native`,
/// exactly as a container finds the host's sound server.
///
/// Runs as root in CI: PulseAudio then only warns ("not intended to be run as root") as long as
/// `--system=false`, and it needs a writable `HOME` and `XDG_RUNTIME_DIR`, both set to the
/// scratch directory so nothing of the machine's own PulseAudio state is touched.
final class PulseAudioServer {
    let directory: URL
    private(set) var daemon: ChildProcess?
    /// paplay, parec and pactl started through `client`, killed with the server.
    private var clients: [ChildProcess] = []

    var socketPath: String { directory.appendingPathComponent("native").path }
    var address: String { "unix:\(socketPath)" }

    /// What a client needs: the server address, and a client.conf with autospawn off so a
    /// client never starts a daemon of its own while ours is down.
    var clientEnvironment: [String: String] {
        ["PULSE_SERVER": address,
         "PULSE_CLIENTCONFIG": directory.appendingPathComponent("client.conf").path]
    }

    init() throws {
        directory = try makeScratchDirectory("pulse")
        try "autospawn = no\n".write(to: directory.appendingPathComponent("client.conf"),
                                     atomically: true, encoding: .utf8)
    }

    /// Ends every client and the daemon, and removes the scratch directory (also on a test's
    /// early exit through a failed `#require`).
    deinit {
        for client in clients { client.send(SIGKILL) }
        daemon?.send(SIGKILL)
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts the daemon (again, after `kill()`, on the same socket) and returns once a client
    /// can talk to it.
    func start(timeout: Duration = .seconds(10)) async throws {
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = directory.path
        environment["XDG_RUNTIME_DIR"] = directory.path
        environment["XDG_CONFIG_HOME"] = directory.appendingPathComponent("config").path
        environment["PULSE_SERVER"] = nil
        environment.merge(clientEnvironment) { _, new in new }
        daemon = try ChildProcess("pulseaudio", [
            "-n",                      // no default.pa: only the modules below
            "-F", "/dev/null",
            "--daemonize=no", "--system=false", "--use-pid-file=no",
            "--exit-idle-time=-1", "--disallow-exit", "--disallow-module-loading=no",
            "--realtime=no", "--high-priority=no",
            "--disable-shm=yes",       // a SIGKILLed daemon leaves no /dev/shm segments behind
            "--log-target=stderr", "--log-level=notice",
            // The sink first: once the socket answers, the sink is there.
            "--load=module-null-sink sink_name=hark_test rate=48000",
            "--load=module-native-protocol-unix socket=\(socketPath) auth-anonymous=1",
        ], environment: environment, scratch: directory, name: "pulseaudio")

        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            guard daemon?.isRunning == true else {
                throw TestSetupError("pulseaudio exited at start: \(daemon?.stderr ?? "")")
            }
            if await answers() { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        guard await answers() else {
            throw TestSetupError("pulseaudio did not answer on \(socketPath) within \(timeout): \(daemon?.stderr ?? "")")
        }
        try await keepLatencyLow(until: deadline)
    }

    /// An idle null sink renders in blocks of up to 2 s, and a new recording stream on its
    /// monitor gets its first data only when the current block ends (measured: 0.2 to 1.9 s
    /// before hark's first chunk, and the same for `arecord -D pulse`). A real sound card's
    /// sink has no such stall. A 10 ms recording stream kept on the monitor makes the sink work
    /// in small blocks; once that stream receives data, the sink has switched.
    private func keepLatencyLow(until deadline: ContinuousClock.Instant) async throws {
        let keeper = try client("parec", ["--device=hark_test.monitor", "--latency-msec=10", "--raw",
                                          "--format=s16le", "--rate=8000", "--channels=1"])
        while keeper.stdoutData.isEmpty {
            guard keeper.isRunning, ContinuousClock.now < deadline else {
                throw TestSetupError("the monitor of hark_test gave no data: \(keeper.stderr)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// `pactl info` against our socket succeeds.
    func answers() async -> Bool {
        guard FileManager.default.fileExists(atPath: socketPath),
              let pactl = try? client("pactl", ["info"]) else { return false }
        return await pactl.waitForExit(timeout: .seconds(5)) == 0
    }

    /// SIGKILL: the daemon vanishes without a goodbye, as when a desktop's sound server crashes.
    func kill() async {
        daemon?.send(SIGKILL)
        await daemon?.waitForExit(timeout: .seconds(5))
    }

    /// SIGTERM and wait.
    func stop() async {
        daemon?.send(SIGTERM)
        await daemon?.waitForExit(timeout: .seconds(5))
    }

    /// Starts a PulseAudio client tool (paplay, parec, pactl) against this server.
    func client(_ program: String, _ arguments: [String]) throws -> ChildProcess {
        let child = try ChildProcess(program, arguments, environment: HarkBinary.environment(clientEnvironment),
                                     scratch: directory)
        clients.append(child)
        return child
    }

    /// `parec` of the sink's monitor as 16 kHz mono s16le on stdout; stop it with SIGTERM and read
    /// `stdoutData`.
    func recordMonitor() throws -> ChildProcess {
        try client("parec", ["--device=hark_test.monitor", "--format=s16le", "--rate=16000",
                             "--channels=1", "--raw", "--latency-msec=20"])
    }

    /// `paplay` of a WAV file into the null sink.
    func play(_ path: String) throws -> ChildProcess {
        try client("paplay", ["--device=hark_test", path])
    }
}
