import AVS
import Curl
import Foundation
import Logging
import Testing

@testable import AVSTransport

/// The context every SynchronizeState and Recognize carries in these tests.
let testContext: [ContextEntry] = [
    ContextEntry(namespace: "SpeechRecognizer", name: "RecognizerState", payload: ["wakeword": "ALEXA"]),
    ContextEntry(namespace: "Speaker", name: "VolumeState", payload: ["volume": 50, "muted": false]),
    ContextEntry(
        namespace: "SpeechSynthesizer", name: "SpeechState",
        payload: ["token": "", "offsetInMilliseconds": 0, "playerActivity": "FINISHED"]),
]

/// A connection to `sim` whose tokens come from the simulator's LWA through a stored refresh
/// token, as on a linked device.
struct Session {
    let simulator: SimulatorProcess
    let stateDirectory: String
    let authorizer: LWAAuthorizer
    let connection: CurlAVSConnection
    let log: UpdateLog

    init(
        _ simulator: SimulatorProcess, caFile: String? = nil, timings: ConnectionTimings = .avs, jitter: Jitter = .system,
        clock: any Clock<Duration> = ContinuousClock()
    ) async throws {
        self.simulator = simulator
        stateDirectory = try makeTemporaryDirectory()
        try TokenStore(directory: stateDirectory).save(RefreshToken("Atzr|hark-sim-refresh"))
        let client = try LWAClient(configuration: LWAConfiguration(
            baseURL: simulator.url + "/auth/O2/", clientID: "hark-sim-client", productID: "hark_test",
            deviceSerialNumber: "0001", caFile: simulator.caFile))
        authorizer = LWAAuthorizer(client: client, store: TokenStore(directory: stateDirectory))
        await authorizer.start()
        connection = try CurlAVSConnection(
            configuration: .init(
                endpoint: simulator.url, caFile: caFile ?? simulator.caFile, stateDirectory: stateDirectory, timings: timings),
            tokens: authorizer, context: { testContext }, clock: clock, jitter: jitter)
        log = UpdateLog(connection)
    }

    func close() async {
        connection.stop()
        await authorizer.stop()
        try? FileManager.default.removeItem(atPath: stateDirectory)
    }

    func event(_ namespace: String, _ name: String, _ payload: JSONValue, dialog: String? = nil, context: Bool = false) -> Event {
        Event(
            header: MessageHeader(namespace: namespace, name: name, messageId: connection.makeMessageID(), dialogRequestId: dialog),
            payload: payload, context: context ? testContext : nil)
    }
}

/// 16 kHz mono L16 of a 440 Hz tone.
func toneL16(seconds: Double) -> [UInt8] {
    let samples = Int(16_000 * seconds)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(samples * 2)
    for index in 0..<samples {
        let value = Int16(8000 * sin(2 * Double.pi * 440 * Double(index) / 16_000))
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
    }
    return bytes
}

@Suite(.serialized, .enabled(if: SimulatorProcess.isAvailable, "build hark-sim first: swift build --product hark-sim"))
struct SimulatorEndToEndTests {
    @Test func connectsThenSynchronizesThenSendsAnEvent() async throws {
        let simulator = try await SimulatorProcess()
        let session = try await Session(simulator)
        let started = ContinuousClock.now
        session.connection.start()
        #expect(await session.log.wait { session.log.connectedCount($0) == 1 })
        let connectTime = ContinuousClock.now - started
        print("connect time against hark-sim (token refresh, downchannel, SynchronizeState): \(connectTime)")
        #expect(session.log.states == [.connecting, .connected])
        // LWA, AVS and this test's control client: one connection each.
        let connections = await simulator.counter("connections_accepted")
        #expect(connections == 3)
        var events = await simulator.state()["events"] as? [String] ?? []
        #expect(events == ["System.SynchronizeState"])

        let result = await session.connection.send(session.event("System", "UserInactivityReport", ["inactiveTimeInSeconds": 10]))
        #expect(result == .delivered(status: 204))
        events = await simulator.state()["events"] as? [String] ?? []
        #expect(events == ["System.SynchronizeState", "System.UserInactivityReport"])
        // Downchannel, SynchronizeState and the event shared one connection.
        #expect(await simulator.counter("connections_accepted") == connections)

        // Idle while connected: the process should barely use the CPU.
        let (cpuBefore, wallBefore) = (processCPUTime(), ContinuousClock.now)
        try await Task.sleep(for: .seconds(3))
        let cpu = processCPUTime() - cpuBefore
        let wall = ContinuousClock.now - wallBefore
        print("idle while connected: \(cpu) CPU in \(wall) (\(100 * (cpu / wall)) % of a core, whole test process)")
        await session.close()
    }

    @Test func recognizeStreamsAudioWithPausesAndGetsSpeakWithItsAttachment() async throws {
        let simulator = try await SimulatorProcess()
        let session = try await Session(simulator)
        session.connection.start()
        #expect(await session.log.wait { session.log.connectedCount($0) == 1 })
        let connections = await simulator.counter("connections_accepted")

        let recognize = session.event(
            "SpeechRecognizer", "Recognize",
            ["profile": "CLOSE_TALK", "format": "AUDIO_L16_RATE_16000_CHANNELS_1", "initiator": ["type": "PRESS_AND_HOLD", "payload": [:]]],
            dialog: "dialog-1", context: true)
        let audio = toneL16(seconds: 1.5)
        let upload = session.connection.beginRecognize(recognize)
        var offset = 0
        var chunk = 0
        while offset < audio.count {
            upload.write(audio[offset..<min(offset + 320, audio.count)])
            offset += 320
            chunk += 1
            // Real-time-ish with one long gap: the request body is paused and resumed.
            try await Task.sleep(for: chunk == 20 ? .milliseconds(400) : .milliseconds(2))
        }
        let finishedAt = ContinuousClock.now
        upload.finish()
        let result = await upload.result
        #expect(result == .delivered(status: 200))
        #expect(await session.log.wait { updates in
            updates.contains { if case .eventResult(recognize.header.messageId, _) = $0 { true } else { false } }
        })
        let updates = session.log.all
        let directives = updates.compactMap { if case .directive(let directive) = $0 { directive } else { nil } }
        let speak = try #require(directives.first { $0.header.name == "Speak" })
        #expect(speak.header.dialogRequestId == "dialog-1")
        let contentID = String(try #require(speak.payload["url"]?.stringValue).dropFirst("cid:".count))
        var attachment: [UInt8] = []
        var firstAttachmentByteAt: Int?
        var ended = false
        for (index, update) in updates.enumerated() {
            switch update {
            case .attachmentData(contentID, let bytes):
                attachment += bytes
                if firstAttachmentByteAt == nil { firstAttachmentByteAt = index }
            case .attachmentEnded(contentID): ended = true
            default: break
            }
        }
        #expect(ended)
        #expect(attachment.count > 1000)
        #expect(attachment.starts(with: [0xFF]) || attachment.starts(with: Array("ID3".utf8)))
        print("Recognize: \(audio.count) audio bytes, reply \(attachment.count) MP3 bytes, finished → result \(ContinuousClock.now - finishedAt)")

        // The simulator's recording of the audio is exactly what was streamed (L16 is lossless).
        let wavName = try #require(simulator.recordedFiles().first { $0.hasSuffix("SpeechRecognizer.Recognize.wav") })
        let wav = try Data(contentsOf: URL(fileURLWithPath: simulator.runDirectory + "/" + wavName))
        #expect(Array(wav.suffix(audio.count)) == audio)
        #expect(await simulator.counter("connections_accepted") == connections)
        await session.close()
    }

    @Test func cancelledRecognizeEndsOnlyItsStream() async throws {
        let simulator = try await SimulatorProcess()
        let session = try await Session(simulator)
        session.connection.start()
        #expect(await session.log.wait { session.log.connectedCount($0) == 1 })
        let recognize = session.event(
            "SpeechRecognizer", "Recognize",
            ["profile": "CLOSE_TALK", "format": "AUDIO_L16_RATE_16000_CHANNELS_1", "initiator": ["type": "PRESS_AND_HOLD", "payload": [:]]],
            dialog: "dialog-cancel", context: true)
        let upload = session.connection.beginRecognize(recognize)
        upload.write(toneL16(seconds: 0.2))
        try await Task.sleep(for: .milliseconds(200))  // the body is paused, waiting for audio
        upload.cancel()
        #expect(await upload.result == .cancelled)
        let next = await session.connection.send(session.event("System", "UserInactivityReport", ["inactiveTimeInSeconds": 1]))
        #expect(next == .delivered(status: 204))
        #expect(session.log.connectedCount(session.log.all) == 1)
        await session.close()
    }

    @Test func forbiddenEventRefreshesTheTokenAndReconnects() async throws {
        let simulator = try await SimulatorProcess()
        let session = try await Session(simulator)
        session.connection.start()
        #expect(await session.log.wait { session.log.connectedCount($0) == 1 })
        let refreshesBefore = await simulator.counter("token_refreshes")
        #expect(await simulator.post("/sim/revoke") == 204)

        let rejected = await session.connection.send(session.event("System", "UserInactivityReport", ["inactiveTimeInSeconds": 10]))
        guard case .refused(403, let body) = rejected else {
            Issue.record("expected 403, got \(rejected)")
            return
        }
        #expect(body.contains("UNAUTHORIZED_REQUEST_EXCEPTION"))
        #expect(await session.log.wait { session.log.connectedCount($0) == 2 })
        #expect(await simulator.counter("token_refreshes") == refreshesBefore + 1)
        let accepted = await session.connection.send(session.event("System", "UserInactivityReport", ["inactiveTimeInSeconds": 11]))
        #expect(accepted == .delivered(status: 204))
        await session.close()
    }

    @Test func closedDownchannelReconnects() async throws {
        let simulator = try await SimulatorProcess()
        let session = try await Session(simulator)
        session.connection.start()
        #expect(await session.log.wait { session.log.connectedCount($0) == 1 })
        await simulator.post("/sim/close-downchannels")
        #expect(await session.log.wait { session.log.connectedCount($0) == 2 })
        #expect(session.log.states.contains { if case .waitingToReconnect(failures: 1, _) = $0 { true } else { false } })
        let events = await simulator.state()["events"] as? [String] ?? []
        #expect(events == ["System.SynchronizeState", "System.SynchronizeState"])
        await session.close()
    }

    @Test func setGatewayIsPersistedAndReconnectedTo() async throws {
        let simulator = try await SimulatorProcess()
        let session = try await Session(simulator)
        session.connection.start()
        #expect(await session.log.wait { session.log.connectedCount($0) == 1 })
        let gateway = "https://localhost:\(simulator.port)"
        let directive = #"{"directive":{"header":{"namespace":"Alexa.ApiGateway","name":"SetGateway","messageId":"g-1"},"payload":{"gateway":"\#(gateway)"}}}"#
        #expect(await simulator.post("/sim/push", body: directive) == 204)
        #expect(await session.log.wait { session.log.connectedCount($0) == 2 })
        #expect(EndpointStore(directory: session.stateDirectory).load() == gateway)
        #expect(!session.log.all.contains { if case .directive = $0 { true } else { false } })
        await session.close()
    }

    @Test func wrongCANeverConnects() async throws {
        let simulator = try await SimulatorProcess()
        // The system bundle does not know the simulator's per-run CA.
        let systemBundle = "/etc/ssl/certs/ca-certificates.crt"
        let client = try CurlHTTPClient(configuration: .init(caFile: systemBundle))
        let events = await collectEvents(client, HTTPRequest(method: .get, url: simulator.url + "/ping"))
        guard case .end(.failure(let error)) = events.last else {
            Issue.record("TLS with the wrong CA must fail, got \(events)")
            return
        }
        #expect(error == .peerFailedVerification)
        #expect(!events.contains { if case .head = $0 { true } else { false } })

        let session = try await Session(simulator, caFile: systemBundle)
        session.connection.start()
        #expect(await session.log.wait { updates in
            updates.contains { if case .state(.waitingToReconnect(failures: 2, _)) = $0 { true } else { false } }
        })
        #expect(session.log.connectedCount(session.log.all) == 0)
        #expect(await simulator.counter("downchannels_open") == 0)
        #expect((await simulator.state()["events"] as? [String] ?? []).isEmpty)
        await session.close()
    }
}

/// A tap-to-talk turn: audio streams in real time until AVS pushes StopCapture on the
/// downchannel while the upload is still open; then the body is closed at once.
@Suite(.serialized, .enabled(if: SimulatorProcess.isAvailable, "build hark-sim first: swift build --product hark-sim"))
struct TapToTalkEndToEndTests {
    @Test func stopCaptureArrivesWhileStreamingThenSpeakStreamsBack() async throws {
        let simulator = try await SimulatorProcess(scenario: """
            [server]
            speak_chunk_bytes = 1024
            speak_chunk_pause_ms = 10

            [[recognize]]
            speak = true
            stop_capture_after_ms = 600
            """)
        let session = try await Session(simulator)
        session.connection.start()
        #expect(await session.log.wait { session.log.connectedCount($0) == 1 })
        let recognize = session.event(
            "SpeechRecognizer", "Recognize",
            ["profile": "NEAR_FIELD", "format": "AUDIO_L16_RATE_16000_CHANNELS_1", "initiator": ["type": "TAP", "payload": [:]]],
            dialog: "dialog-tap", context: true)
        // Up to 60 s of audio: far more than any loaded machine needs to get 600 ms across.
        let audio = toneL16(seconds: 60)
        let upload = session.connection.beginRecognize(recognize)
        let started = ContinuousClock.now
        var sent = 0
        func isStopCapture(_ update: ConnectionUpdate) -> Bool {
            if case .directive(let directive) = update { directive.header.name == "StopCapture" } else { false }
        }
        // 10 ms chunks paced in real time, as a microphone delivers them, until StopCapture.
        while sent < audio.count, !session.log.all.contains(where: isStopCapture) {
            upload.write(audio[sent..<sent + 320])
            sent += 320
            try await Task.sleep(until: started + .milliseconds(10 * sent / 320))
        }
        // The property, independent of how fast this machine is: StopCapture came while the
        // body was still open (the server read the audio as it streamed and asked to stop
        // after 600 ms of it), not after the audio ran out.
        #expect(session.log.all.contains(where: isStopCapture))
        #expect(sent < audio.count)
        upload.finish()
        let finishedAt = ContinuousClock.now
        let streamed = Double(sent) / 32.0
        #expect(streamed >= 600, "\(streamed) ms of audio streamed before StopCapture")
        #expect(await upload.result == .delivered(status: 200))
        let speakAt = try #require(session.log.time { if case .directive(let d) = $0 { d.header.name == "Speak" } else { false } })
        let firstByteAt = try #require(session.log.time { if case .attachmentData = $0 { true } else { false } })
        let stopAt = try #require(session.log.time(of: isStopCapture))
        print("""
            tap turn: StopCapture after \(streamed) ms of audio (\(stopAt - started)), body closed \(finishedAt - stopAt) later; \
            Speak \(speakAt - finishedAt) and first MP3 byte \(firstByteAt - finishedAt) after the body closed
            """)
        await session.close()
    }
}

/// User + system CPU time of this process so far (`getrusage(RUSAGE_SELF)`).
func processCPUTime() -> Duration {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func duration(_ time: timeval) -> Duration { .seconds(time.tv_sec) + .microseconds(time.tv_usec) }
    return duration(usage.ru_utime) + duration(usage.ru_stime)
}
