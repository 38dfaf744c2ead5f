import AVS
import AVSTransport
import Audio
import Logging
import Synchronization
import Testing
@testable import Appliance

/// The speaker as the alerts see it: records what it was asked to do. Writes take a little
/// time, as a device would, so a tone loop does not spin.
final class RecordingPlayback: AudioPlayback {
    private let state = Mutex<(begun: Int, stopped: Int, volumes: [Int], samples: Int)>((0, 0, [], 0))

    func begin(format: AudioFormat) throws { state.withLock { $0.begun += 1 } }
    func write(_ samples: [Int16]) async throws {
        try await Task.sleep(for: .milliseconds(20))
        state.withLock { $0.samples += samples.count }
    }
    func finish() async throws {}
    func stop() { state.withLock { $0.stopped += 1 } }
    func setVolume(_ volume: Int) { state.withLock { $0.volumes.append(volume) } }
    func setMuted(_ muted: Bool) {}
    var playedFrames: Int { state.withLock { $0.samples } }
    var statistics: AudioStatistics { AudioStatistics() }

    var begun: Int { state.withLock { $0.begun } }
    var stopped: Int { state.withLock { $0.stopped } }
    var volumes: [Int] { state.withLock { $0.volumes } }
    var samples: Int { state.withLock { $0.samples } }
}

@Suite struct AlertsServiceTests {
    func waitUntil(_ condition: () -> Bool) async {
        for _ in 0..<1000 where !condition() { try? await Task.sleep(for: .milliseconds(10)) }
    }

    @Test func anAlertSoundsIsLoweredUnderADialogAndStopsOnTheStopTrigger() async throws {
        let directory = temporaryStateDirectory("alerts-service")
        let sent = Recorded<String>()
        let outbox = OutboxSender(outbox: try EventOutbox(directory: directory + "/outbox"),
                                  send: { event in
                                      sent.append("\(event.header.name) \(event.payload["token"]?.stringValue ?? "")")
                                      return .delivered(status: 204)
                                  },
                                  logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let bridge = SessionBridge()
        let focus = FocusArbiter()
        focus.follow(bridge)
        let mirror = ContextMirror()
        let playback = RecordingPlayback()
        let start = AlertsService.systemTime()
        let clock = ContinuousClock()
        let began = clock.now
        let service = AlertsService(
            services: .init(playback: playback, store: AlertStore(directory: directory), outbox: outbox, focus: focus, context: mirror,
                            wallClock: { start + Int64((clock.now - began).components.seconds) }, volume: 80),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        service.attach(to: bridge)
        let tasks = [Task { await outbox.run() }, Task { await service.run() }]
        defer { tasks.forEach { $0.cancel() } }

        let set = Directive(header: MessageHeader(namespace: "Alerts", name: "SetAlert", messageId: "m1"),
                            payload: ["token": "t", "type": "ALARM", "scheduledTime": .string((start + 1).iso8601)])
        #expect(bridge.deliver(set))
        await waitUntil { playback.samples > 0 }
        #expect(playback.begun == 1)
        #expect(mirror.provided.first?.payload["activeAlerts"] != [])

        bridge.dialogStateChanged(.listening)
        await waitUntil { playback.volumes.contains(20) }
        bridge.dialogStateChanged(.idle)
        await waitUntil { playback.volumes.last == 80 && playback.volumes.contains(20) }
        bridge.triggered(.stop)
        await waitUntil { sent.values.contains("AlertStopped t") }
        #expect(sent.values == ["SetAlertSucceeded t", "AlertStarted t", "AlertEnteredBackground t", "AlertEnteredForeground t", "AlertStopped t"])
        #expect(playback.stopped >= 1)
        #expect(try AlertStore(directory: directory).load() == [])
        #expect(mirror.provided.first?.payload["allAlerts"] == [])
        #expect(focus.level(of: .alerts) == .none)
    }
}
