import Foundation

/// The `hark` executable built next to this test bundle, run as a subprocess the way a user
/// or systemd runs it.
enum HarkBinary {
    /// `$HARK_BINARY`, else `hark` in the build products directory that holds the test bundle
    /// (`.build/<triple>/debug/HarkPackageTests.xctest`).
    static let path: String = {
        if let path = ProcessInfo.processInfo.environment["HARK_BINARY"] { return path }
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent().appendingPathComponent("hark").path
    }()

    /// The repository root, for `Fixtures/`.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func fixture(_ name: String) -> String {
        repositoryRoot.appendingPathComponent("Fixtures").appendingPathComponent(name).path
    }

    /// The test process's environment without anything that would steer device selection or
    /// logging, plus `extra`.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for key in ["PULSE_SERVER", "PULSE_CLIENTCONFIG", "HARK_LOG_LEVEL", "ALSA_CONFIG_PATH"] {
            environment[key] = nil
        }
        environment.merge(extra) { _, new in new }
        return environment
    }

    /// Starts `hark arguments...`.
    static func start(_ arguments: [String], environment extra: [String: String] = [:],
                      scratch: URL) throws -> ChildProcess {
        try ChildProcess(path, arguments, environment: environment(extra), scratch: scratch, name: "hark")
    }

    /// Runs `hark arguments...` to the end.
    static func run(_ arguments: [String], environment extra: [String: String] = [:],
                    scratch: URL, timeout: Duration = .seconds(20)) async throws -> Result {
        let child = try start(arguments, environment: extra, scratch: scratch)
        let started = ContinuousClock.now
        let status = await child.waitForExit(timeout: timeout)
        return Result(status: status, stdout: child.stdout, stderr: child.stderr,
                      elapsed: ContinuousClock.now - started)
    }

    struct Result {
        /// nil when the run timed out.
        var status: Int32?
        var stdout: String
        var stderr: String
        var elapsed: Duration
        var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
    }
}
