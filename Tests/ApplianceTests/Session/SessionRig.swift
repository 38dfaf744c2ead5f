import AVS
import AVSTransport
import Audio
import Foundation
import Logging
@testable import Appliance
import TestSupport

/// A `SessionService` over the fakes and a manual clock, running in a task; every note the
/// session reports lands on the timeline as `note ...`, next to the fakes' own entries.
final class SessionRig: Sendable {
    let timeline = Timeline()
    let clock = ManualClock()
    let connection: FakeAVSConnection
    let microphone: FakeMicrophone
    let speaker: FakeSpeaker
    let session: SessionService
    private let running: Task<Void, Never>

    static let reply: [UInt8] = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/ten-oclock-24k-mono.mp3")
        return Array((try? Data(contentsOf: url)) ?? Data())
    }()

    init(holdsSpeech: Bool = false, recognizer: SpeechRecognizer.Settings = .init(), speakerStore: SpeakerStore? = nil) {
        connection = FakeAVSConnection(timeline: timeline)
        microphone = FakeMicrophone(timeline: timeline)
        speaker = FakeSpeaker(timeline: timeline, holdsSpeech: holdsSpeech)
        let timeline = self.timeline
        session = SessionService(
            settings: DialogSession.Settings(recognizer: recognizer), micFormat: .l16,
            services: .init(connection: connection, capture: microphone, playback: speaker, speakerStore: speakerStore, clock: clock),
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            observe: { timeline.append("note \($0)") })
        let session = self.session
        running = Task { await session.run() }
    }

    /// Stops the session and waits for its loop to end.
    func shutDown() async {
        running.cancel()
        await running.value
    }

    /// Waits (polling, at most 60 s of real time: under a sanitizer, with every suite starting
    /// at once, the first steps took over 10 s) until the timeline has `entry`.
    @discardableResult
    func waitFor(_ entry: String, count: Int = 1) async -> Bool {
        await waitUntil { self.timeline.all.filter { $0 == entry }.count >= count }
    }

    func waitUntil(_ condition: @Sendable () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .seconds(60)
        while !condition() {
            if ContinuousClock.now > deadline { return false }
            try? await Task.sleep(for: .milliseconds(2))
        }
        return true
    }

    func connect() async {
        connection.push(.state(.connecting))
        connection.push(.state(.connected))
        await waitFor("note connected and synchronized")
    }

    /// The dialog states in the order the session reported them.
    var states: [String] {
        timeline.with("note state ").map { String($0.dropFirst("note state ".count)) }
    }

    /// The events the session sent (not Recognize), in order.
    var sentEvents: [String] {
        timeline.with("avs.send ").map { String($0.dropFirst("avs.send ".count)) }
    }
}
