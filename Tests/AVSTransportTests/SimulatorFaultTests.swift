import AVS
import Curl
import Foundation
import Testing

@testable import AVSTransport
import TestSupport

/// Faults injected by hark-sim: status storms, stalls, drops, idle pings, bad directives.
@Suite(.serialized, .enabled(if: SimulatorProcess.isAvailable, "build hark-sim first: swift build --product hark-sim"))
struct SimulatorFaultTests {
    func inactivity(_ session: Session, _ seconds: Int = 10) -> Event {
        session.event("System", "UserInactivityReport", ["inactiveTimeInSeconds": .number(Double(seconds))])
    }

    @Test func serviceUnavailableStormBacksOffThenRecovers() async throws {
        let simulator = try await SimulatorProcess(scenario: """
            [[fault]]
            kind = "status"
            target = "downchannel"
            status = 503
            count = 3
            """)
        // Backoff on a manual clock: each retry waits for the clock, however loaded the machine.
        let clock = ManualClock()
        let session = try await Session(simulator, jitter: .fixed(0), clock: clock)
        session.connection.start()
        func waiting(_ failures: Int) -> Bool {
            session.log.states.contains { if case .waitingToReconnect(failures, _) = $0 { true } else { false } }
        }
        for (failures, backoff) in [(1, 125), (2, 500), (3, 1500)] {
            #expect(await session.log.wait(timeout: .seconds(30)) { _ in waiting(failures) })
            // No new attempt until the backoff has passed on the clock.
            await clock.advance(by: .milliseconds(backoff - 25), step: .milliseconds(25))
            #expect(session.log.states.last == .waitingToReconnect(failures: failures, retryIn: .milliseconds(backoff)))
            await clock.advance(by: .milliseconds(25), step: .milliseconds(25))
        }
        #expect(await session.log.wait(timeout: .seconds(30)) { session.log.connectedCount($0) == 1 })
        #expect(session.log.states == [
            .connecting, .waitingToReconnect(failures: 1, retryIn: .milliseconds(125)),
            .connecting, .waitingToReconnect(failures: 2, retryIn: .milliseconds(500)),
            .connecting, .waitingToReconnect(failures: 3, retryIn: .milliseconds(1500)),
            .connecting, .connected,
        ])
        let elapsed = clock.now.offset
        #expect(elapsed == .milliseconds(2125))
        print("503 storm of 3: connected after \(elapsed)")
        await session.close()
    }

    @Test func throttledEventIsRefusedRetryableAndTheConnectionStays() async throws {
        let simulator = try await SimulatorProcess(scenario: """
            [[fault]]
            kind = "status"
            target = "events"
            status = 429
            count = 1
            after_events = 1
            """)
        let session = try await Session(simulator)
        session.connection.start()
        #expect(await session.log.wait { session.log.connectedCount($0) == 1 })
        let throttled = await session.connection.send(inactivity(session))
        guard case .refused(429, let body) = throttled else {
            Issue.record("expected 429, got \(throttled)")
            return
        }
        #expect(throttled.isRetryable)
        #expect(body.count <= 4096)
        #expect(await session.connection.send(inactivity(session, 11)) == .delivered(status: 204))
        #expect(session.log.connectedCount(session.log.all) == 1)
        await session.close()
    }

    @Test func badRequestIsNotRetryable() async throws {
        let simulator = try await SimulatorProcess()
        let session = try await Session(simulator)
        session.connection.start()
        #expect(await session.log.wait { session.log.connectedCount($0) == 1 })
        // SpeechStarted without its token: AVS answers 400.
        let result = await session.connection.send(session.event("SpeechSynthesizer", "SpeechStarted", [:]))
        guard case .refused(400, let body) = result else {
            Issue.record("expected 400, got \(result)")
            return
        }
        #expect(!result.isRetryable)
        #expect(body.contains("INVALID_REQUEST_EXCEPTION"))
        #expect(session.log.connectedCount(session.log.all) == 1)
        await session.close()
    }

    @Test func stalledEventTimesOutWithoutProgress() async throws {
        let simulator = try await SimulatorProcess(scenario: """
            [[fault]]
            kind = "stall"
            target = "events"
            stall_ms = 4000
            count = 1
            after_events = 1
            """)
        var timings = ConnectionTimings.avs
        timings.eventNoProgressTimeout = .seconds(1)
        let session = try await Session(simulator, timings: timings)
        session.connection.start()
        #expect(await session.log.wait { session.log.connectedCount($0) == 1 })
        let started = ContinuousClock.now
        let result = await session.connection.send(inactivity(session))
        let elapsed = ContinuousClock.now - started
        #expect(result == .failed(.operationTimedOut))
        #expect(elapsed >= .seconds(1) && elapsed < .seconds(3), "\(elapsed)")
        // Only that stream was cancelled: the connection and downchannel are fine.
        #expect(await session.connection.send(inactivity(session, 11)) == .delivered(status: 204))
        #expect(session.log.connectedCount(session.log.all) == 1)
        await session.close()
    }

    @Test func downchannelThatDoesNotAnswerIsAbandonedAndRetried() async throws {
        let simulator = try await SimulatorProcess(scenario: """
            [[fault]]
            kind = "stall"
            target = "downchannel"
            stall_ms = 5000
            count = 1
            """)
        var timings = ConnectionTimings.avs
        timings.downchannelResponseTimeout = .milliseconds(500)
        let session = try await Session(simulator, timings: timings, jitter: .fixed(0))
        let started = ContinuousClock.now
        session.connection.start()
        // 2.125 s of backoff; the rest of the wait is room for a loaded machine.
        #expect(await session.log.wait(timeout: .seconds(30)) { session.log.connectedCount($0) == 1 })
        let elapsed = ContinuousClock.now - started
        #expect(session.log.states == [
            .connecting, .waitingToReconnect(failures: 1, retryIn: .milliseconds(125)), .connecting, .connected,
        ])
        #expect(elapsed < .seconds(3), "\(elapsed)")
        await session.close()
    }

    @Test func idleConnectionPingsAndAFailedPingReconnects() async throws {
        let simulator = try await SimulatorProcess(scenario: """
            [[fault]]
            kind = "status"
            target = "ping"
            status = 500
            count = 1
            after_events = 0
            """)
        var timings = ConnectionTimings.avs
        timings.pingInterval = .milliseconds(300)
        let session = try await Session(simulator, timings: timings)
        session.connection.start()
        // The first ping gets 500: reconnect; later pings get 204 and change nothing.
        #expect(await session.log.wait { session.log.connectedCount($0) == 2 })
        func pings() -> [Substring] {
            let log = (try? String(contentsOfFile: simulator.runDirectory + "/events.log", encoding: .utf8)) ?? ""
            return log.split(separator: "\n").filter { $0.contains("/ping") }
        }
        let deadline = ContinuousClock.now + .seconds(10)
        while pings().count < 3, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(session.log.connectedCount(session.log.all) == 2)
        let pings = pings()
        let log = pings.joined(separator: "\n")
        #expect(pings.count >= 3, "\(log)")
        #expect(pings.first?.contains("500") ?? false)
        #expect(pings.dropFirst().allSatisfy { $0.contains("204") })
        await session.close()
    }

    @Test func goAwayMovesToANewConnection() async throws {
        let simulator = try await SimulatorProcess(scenario: """
            [[fault]]
            kind = "goaway"
            after_ms = 200
            count = 1
            """)
        let session = try await Session(simulator)
        session.connection.start()
        #expect(await session.log.wait { session.log.connectedCount($0) == 2 })
        #expect(await session.connection.send(inactivity(session)) == .delivered(status: 204))
        #expect(await simulator.counter("downchannels_open") == 1)
        await session.close()
    }

    func recognize(_ session: Session, dialog: String) -> Event {
        session.event(
            "SpeechRecognizer", "Recognize",
            ["profile": "CLOSE_TALK", "format": "AUDIO_L16_RATE_16000_CHANNELS_1", "initiator": ["type": "PRESS_AND_HOLD", "payload": [:]]],
            dialog: dialog, context: true)
    }

    @Test func connectionDroppedMidRecognizeFailsTheUploadAndReconnects() async throws {
        let simulator = try await SimulatorProcess(scenario: """
            [[fault]]
            kind = "drop_mid_recognize"
            after_ms = 200
            count = 1
            """)
        let session = try await Session(simulator)
        session.connection.start()
        #expect(await session.log.wait { session.log.connectedCount($0) == 1 })
        let upload = session.connection.beginRecognize(recognize(session, dialog: "dialog-drop"))
        let audio = toneL16(seconds: 2)
        for offset in stride(from: 0, to: audio.count, by: 3200) {
            upload.write(audio[offset..<offset + 3200])
            try await Task.sleep(for: .milliseconds(20))
        }
        upload.finish()
        guard case .failed(let error) = await upload.result else {
            Issue.record("the upload should fail with the connection")
            return
        }
        print("Recognize on a dropped connection ended with \(error)")
        #expect(await session.log.wait { session.log.connectedCount($0) == 2 })
        await session.close()
    }

    @Test func malformedRecognizeAnswerIsReportedAndTheConnectionStays() async throws {
        let simulator = try await SimulatorProcess(scenario: """
            [[fault]]
            kind = "malformed_multipart"
            count = 1
            """)
        let session = try await Session(simulator)
        session.connection.start()
        #expect(await session.log.wait { session.log.connectedCount($0) == 1 })
        let upload = session.connection.beginRecognize(recognize(session, dialog: "dialog-bad"))
        upload.write(toneL16(seconds: 0.5))
        upload.finish()
        #expect(await upload.result == .delivered(status: 200))
        #expect(await session.log.wait { updates in
            updates.contains { if case .malformedResponse = $0 { true } else { false } }
        })
        #expect(!session.log.all.contains { if case .directive = $0 { true } else { false } })
        #expect(session.log.connectedCount(session.log.all) == 1)
        await session.close()
    }

    @Test func droppedConnectionReconnects() async throws {
        let simulator = try await SimulatorProcess()
        let session = try await Session(simulator)
        session.connection.start()
        #expect(await session.log.wait { session.log.connectedCount($0) == 1 })
        #expect(await simulator.post("/sim/drop") == 204)
        #expect(await session.log.wait { session.log.connectedCount($0) == 2 })
        #expect(await session.connection.send(inactivity(session)) == .delivered(status: 204))
        await session.close()
    }

    @Test func malformedDirectiveIsReportedAndTheConnectionCarriesOn() async throws {
        let simulator = try await SimulatorProcess()
        let session = try await Session(simulator)
        session.connection.start()
        #expect(await session.log.wait { session.log.connectedCount($0) == 1 })
        #expect(await simulator.post("/sim/push", body: #"{"directive":{"header":{"namespace":"Speaker""#) == 204)
        let volume = #"{"directive":{"header":{"namespace":"Speaker","name":"SetVolume","messageId":"v-1"},"payload":{"volume":30}}}"#
        #expect(await simulator.post("/sim/push", body: volume) == 204)
        #expect(await session.log.wait { updates in
            updates.contains { if case .directive(let d) = $0 { d.header.name == "SetVolume" } else { false } }
        })
        let malformed = session.log.all.compactMap { if case .malformedDirective(let error) = $0 { error } else { nil } }
        #expect(malformed.count == 1)
        #expect(malformed.first?.raw.hasPrefix(#"{"directive""#) ?? false)
        #expect(session.log.connectedCount(session.log.all) == 1)
        await session.close()
    }

    @Test func fifteenConcurrentEventsShareTheConnection() async throws {
        let simulator = try await SimulatorProcess()
        let session = try await Session(simulator)
        session.connection.start()
        #expect(await session.log.wait { session.log.connectedCount($0) == 1 })
        let connections = await simulator.counter("connections_accepted")
        let results = await withTaskGroup(of: EventResult.self) { group in
            for index in 0..<15 {
                let event = inactivity(session, index)
                group.addTask { await session.connection.send(event) }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == Array(repeating: .delivered(status: 204), count: 15))
        #expect(await simulator.counter("connections_accepted") == connections)
        await session.close()
    }
}
