import ArgumentParser
import Foundation
import HarkSimulator

@main
struct HarkSim: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hark-sim",
        abstract: "A local Alexa Voice Service and Login with Amazon peer over HTTP/2 + TLS, for tests and demos.",
        discussion: """
            When ready it prints one line, then runs until SIGINT or SIGTERM:
              hark-sim: listening on https://127.0.0.1:PORT ca=/path/ca.pem
            Clients must trust that CA; verification is never switched off.

            AVS: GET /v20160207/directives, POST /v20160207/events, GET /ping
            LWA: POST /auth/O2/create/codepair, POST /auth/O2/token (also /auth/o2/)

            Control API for tests (no token):
              POST /sim/push[?raw=1]         body = directive text, pushed now
              GET  /sim/state                counters and notes as JSON
              POST /sim/revoke               403 until the client refreshes
              POST /sim/revoke-refresh       next refresh gets invalid_grant
              POST /sim/close-downchannels   end every downchannel
              POST /sim/drop                 close connections with a downchannel

            Without --scenario: access token "Atza|hark-sim-access", refresh token "Atzr|hark-sim-refresh", client id "hark-sim-client", and every Recognize answered with Speak "It is ten o'clock".

            Scenario format: Sources/hark-sim/README.md; example: Fixtures/sim/example.toml.
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

    @Flag(help: "Also print each events.log line (request, status, injected faults) to standard error.")
    var verbose = false

    @Flag(help: "Check the scenario file and exit.")
    var checkScenario = false

    @Flag(help: "Offer only TLS 1.0 and 1.1 (a server that clients keeping to TLS 1.2+ must refuse).")
    var legacyTLSOnly = false

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
        configuration.echoLog = verbose
        configuration.legacyTLSOnly = legacyTLSOnly

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
