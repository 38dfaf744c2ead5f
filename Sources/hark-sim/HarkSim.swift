import ArgumentParser
import Foundation
import HarkSimulator

@main
struct HarkSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hark-sim",
        abstract: "A local Alexa Voice Service and Login with Amazon peer over HTTP/2 + TLS, for tests and demos.",
        discussion: """
            Prints one line when ready:
              hark-sim: listening on https://127.0.0.1:PORT ca=/path/ca.pem
            and runs until SIGINT or SIGTERM. Clients must trust the CA (never skip verification).

            Endpoints: GET /v20160207/directives, POST /v20160207/events, GET /ping,
            POST /auth/O2/create/codepair, POST /auth/O2/token (and /auth/o2/...).
            Control API for tests: POST /sim/push (body: a directive's text, pushed on every
            open downchannel), GET /sim/state, POST /sim/revoke (403 until the client refreshes),
            POST /sim/revoke-refresh (next refresh: invalid_grant), POST /sim/close-downchannels,
            POST /sim/drop (close every connection that has a downchannel).

            Without --scenario the simulator accepts the access token "Atza|hark-sim-access",
            the refresh token "Atzr|hark-sim-refresh" and client id "hark-sim-client", and answers
            each Recognize with Speak "It is ten o'clock". The scenario format is described in
            Sources/hark-sim/README.md; an example is Fixtures/sim/example.toml.
            """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 0

    @Option(help: "Write the bound port to this file once listening.")
    var portFile: String?

    @Option(help: "Directory for the generated CA (ca.pem) and, by default, the recording. Default: a new directory under $TMPDIR.")
    var runDir: String?

    @Option(help: "Directory for events.log, the event JSON files and the Recognize WAVs. Default: the run directory.")
    var recordDir: String?

    @Option(help: "Scenario file (TOML).")
    var scenario: String?

    @Option(help: "Server certificate (PEM); with --key, used instead of a generated CA.")
    var cert: String?

    @Option(help: "Server private key (PEM).")
    var key: String?

    @Option(help: "CA certificate (PEM) to report to clients with --cert.")
    var ca: String?

    @Flag(help: "Check the scenario file and exit.")
    var checkScenario = false

    func validate() throws {
        if (cert == nil) != (key == nil) { throw ValidationError("--cert and --key go together") }
    }

    func run() async throws {
        var loaded = Scenario()
        if let scenario {
            do {
                loaded = try ScenarioLoader.load(path: scenario)
            } catch {
                throw ValidationError(error.description)
            }
        }
        if checkScenario {
            print("hark-sim: \(scenario ?? "<default>") is valid")
            return
        }
        let runDirectory = runDir ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("hark-sim-\(ProcessInfo.processInfo.processIdentifier)").path
        var configuration = SimulatorConfiguration(runDirectory: runDirectory)
        configuration.host = host
        configuration.port = port
        configuration.recordDirectory = recordDir
        configuration.certificateFile = cert
        configuration.keyFile = key
        configuration.caFile = ca
        configuration.scenario = loaded

        let server = try await SimulatorServer.start(configuration)
        if let portFile {
            // Written to a temporary name and renamed, so a reader never sees half a number.
            let temporary = portFile + ".tmp"
            try Data("\(server.port)\n".utf8).write(to: URL(fileURLWithPath: temporary))
            guard rename(temporary, portFile) == 0 else {
                throw ValidationError("cannot write \(portFile): \(String(cString: strerror(errno)))")
            }
        }
        // Written straight to the descriptor: a reader waiting for this line must not
        // wait for a stdio buffer to fill.
        let ready = "\(server.readyLine)\nhark-sim: recording to \(server.state.recorder.directory)\n"
        FileHandle.standardOutput.write(Data(ready.utf8))

        let signals = SignalWatcher()
        await signals.wait()
        await server.stop()
    }
}
