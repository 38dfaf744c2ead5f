import AVS
import Appliance
import Audio
import Foundation
import Logging
import Synchronization
import Testing

@testable import AVSTransport
import TestSupport

/// `SessionService` over the real transport (libcurl, HTTP/2, TLS) and hark-sim, with one
/// manual clock for both: the time-driven parts of a session, checked in what the simulator
/// received, without waiting hours.
@Suite(.serialized, .enabled(if: SimulatorProcess.isAvailable, "build hark-sim first: swift build --product hark-sim"))
struct SessionOverSimulatorTests {
    @Test func idleConnectionPingsEveryFiveMinutesAndInactivityIsReportedHourly() async throws {
        let simulator = try await SimulatorProcess()
        let stateDirectory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: stateDirectory) }
        try TokenStore(directory: stateDirectory).save(RefreshToken("Atzr|hark-sim-refresh"))
        let quiet = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
        let client = try LWAClient(configuration: LWAConfiguration(
            baseURL: simulator.url + "/auth/O2/", clientID: "hark-sim-client", productID: "hark_test",
            deviceSerialNumber: "0001", caFile: simulator.caFile))
        let authorizer = LWAAuthorizer(client: client, store: TokenStore(directory: stateDirectory), logger: quiet)
        await authorizer.start()
        let clock = ManualClock()
        let mirror = ContextMirror()
        let connection = try CurlAVSConnection(
            configuration: .init(endpoint: simulator.url, caFile: simulator.caFile, stateDirectory: stateDirectory),
            tokens: authorizer, context: { mirror.context }, logger: quiet, clock: clock)
        let notes = Mutex<[SessionNote]>([])
        let session = SessionService(
            settings: .init(), micFormat: .l16,
            services: .init(connection: connection, capture: IdleMicrophone(), playback: IdleSpeaker(), speakerStore: nil, clock: clock),
            contextMirror: mirror, logger: quiet, observe: { note in notes.withLock { $0.append(note) } })
        let running = Task { await session.run() }
        defer { running.cancel() }

        func recorded(_ text: String) -> [String] {
            let log = (try? String(contentsOfFile: simulator.runDirectory + "/events.log", encoding: .utf8)) ?? ""
            return log.split(separator: "\n").map(String.init).filter { $0.contains(text) }
        }
        func waitFor(_ condition: () -> Bool) async -> Bool {
            let deadline = ContinuousClock.now + .seconds(20)
            while !condition(), ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(10)) }
            return condition()
        }

        #expect(await waitFor { notes.withLock { $0.contains(.connection(connected: true)) } })
        // The clock stands still while the test waits (in real time) for what is due, so a
        // loaded machine only makes the test slower, never moves a deadline.
        func advance(to time: Duration) async {
            await clock.advance(by: time - clock.now.offset, step: .seconds(10))
        }
        // Idle: no ping before 5 minutes, one after; the next 5 idle minutes after its answer.
        for (quiet, due, count) in [(290, 310, 1), (590, 620, 2), (890, 930, 3)] {
            await advance(to: .seconds(quiet))
            try? await Task.sleep(for: .milliseconds(100))
            #expect(recorded("/ping").count == count - 1, "at \(quiet) s: \(recorded("/ping"))")
            await advance(to: .seconds(due))
            #expect(await waitFor { recorded("/ping").count == count }, "at \(due) s: \(recorded("/ping"))")
        }
        #expect(recorded("/ping").allSatisfy { $0.contains("204") })

        // An hour after connecting (the inactivity clock starts there) the report goes out.
        await advance(to: .seconds(3590))
        try? await Task.sleep(for: .milliseconds(100))
        #expect(recorded("UserInactivityReport").isEmpty)
        await advance(to: .seconds(3610))
        #expect(await waitFor { recorded("UserInactivityReport").count == 1 }, "\(recorded("POST"))")
        #expect(recorded("UserInactivityReport").allSatisfy { $0.contains("204") })
        let report = try #require(simulatorEvent(simulator, "System.UserInactivityReport"))
        let event = (report["event"] as? [String: Any])?["event"] as? [String: Any]
        let seconds = ((event?["payload"] as? [String: Any])?["inactiveTimeInSeconds"] as? NSNumber)?.intValue
        #expect(seconds == 3600, "\(report)")
        #expect(await waitFor { notes.withLock { $0.contains(.eventSent("System.UserInactivityReport")) } })

        running.cancel()
        await running.value
        await authorizer.stop()
    }

    /// The first recorded event JSON whose file name has `name`.
    func simulatorEvent(_ simulator: SimulatorProcess, _ name: String) -> [String: Any]? {
        guard let file = simulator.recordedFiles().first(where: { $0.hasSuffix(".json") && $0.contains(name) }),
            let data = FileManager.default.contents(atPath: simulator.runDirectory + "/" + file)
        else { return nil }
        return (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
    }
}

/// A microphone nobody speaks into (these tests take no turns).
private final class IdleMicrophone: AudioCapture {
    func start() throws -> AsyncStream<[Int16]> { AsyncStream { $0.finish() } }
    func stop() {}
    var statistics: AudioStatistics { AudioStatistics() }
}

/// A speaker that is never asked to play (these tests take no turns).
private final class IdleSpeaker: AudioPlayback {
    func begin(format: AudioFormat) throws {}
    func write(_ samples: [Int16]) async throws {}
    func finish() async throws {}
    func stop() {}
    func setVolume(_ volume: Int) {}
    func setMuted(_ muted: Bool) {}
    var playedFrames: Int { 0 }
    var statistics: AudioStatistics { AudioStatistics() }
}
