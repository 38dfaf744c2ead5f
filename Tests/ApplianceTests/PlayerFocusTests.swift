import AVS
import Audio
import Foundation
import Logging
import Synchronization
import Testing
@testable import Appliance

/// The player under the focus arbiter the alerts share: music ducks while the dialog holds the
/// speaker and pauses (no audio written, PlaybackPaused / PlaybackResumed) under an alert.
/// The speaker is a recording fake at the `AudioPlayback` seam; the MP3 is real.
@Suite("Player focus")
struct PlayerFocusTests {
    @Test func musicDucksUnderTheDialogAndPausesUnderAnAlert() async throws {
        let mp3 = try [UInt8](Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/ten-oclock-24k-mono.mp3")))
        let (attachment, feed) = AsyncStream.makeStream(of: [UInt8].self)
        let speaker = MusicSpeaker()
        let events = Recorded<String>()
        let focus = FocusArbiter()
        let player = PlayerService(
            configuration: .init(duckPercent: 40), playback: speaker, attachments: { _ in attachment },
            send: { events.append($0.header.name) }, fullContext: { [] }, logger: Logger(label: "test.player"),
            provide: { _, active in if active { focus.acquire(.content) } else { focus.release(.content) } })
        player.follow(focus)
        player.setSpeaker(volume: 50, muted: false)
        let running = Task { await player.run() }
        defer { running.cancel() }

        player.handle(Directive(header: MessageHeader(namespace: "AudioPlayer", name: "Play", messageId: "m1"), payload: [
            "playBehavior": "REPLACE_ALL",
            "audioItem": ["stream": ["url": "cid:music", "token": "song", "offsetInMilliseconds": 0]],
        ]))
        feed.yield(Array(mp3.prefix(4000)))
        try await waitFor { events.values.contains("PlaybackStarted") }
        #expect(focus.level(of: .content) == .foreground)

        // Alexa listens: the music goes on at 40 % of the speaker's volume.
        focus.acquire(.dialog)
        try await waitFor { speaker.volumes.last == 20 }
        focus.release(.dialog)
        try await waitFor { speaker.volumes.last == 50 }

        // An alarm rings: the music holds where it is.
        focus.acquire(.alerts)
        try await waitFor { events.values.contains("PlaybackPaused") }
        let heldAt = speaker.frames
        feed.yield(Array(mp3.dropFirst(4000).prefix(3000)))
        try await Task.sleep(for: .milliseconds(300))
        #expect(speaker.frames == heldAt, "audio was written while paused")
        focus.release(.alerts)
        try await waitFor { events.values.contains("PlaybackResumed") }
        try await waitFor { speaker.frames > heldAt }

        feed.yield(Array(mp3.dropFirst(7000)))
        feed.finish()
        try await waitFor { events.values.contains("PlaybackFinished") }
        // Feeding the attachment in pieces starves the speaker now and then: each stutter is
        // reported as a pair.
        let stutters = events.values.filter { $0.hasPrefix("PlaybackStutter") }
        #expect(stutters.filter { $0 == "PlaybackStutterStarted" }.count == stutters.filter { $0 == "PlaybackStutterFinished" }.count,
                "\(events.values)")
        #expect(events.values.filter { !$0.hasPrefix("PlaybackStutter") }
                == ["PlaybackStarted", "PlaybackPaused", "PlaybackResumed", "PlaybackNearlyFinished", "PlaybackFinished"])
        // The whole reply went out: 1.56 s at 24 kHz.
        #expect(abs(speaker.frames - 37_440) < 1_200, "\(speaker.frames) frames")
        try await waitFor { focus.level(of: .content) == .none }
    }

    private func waitFor(_ condition: @Sendable () -> Bool, seconds: Int = 10) async throws {
        let deadline = ContinuousClock.now + .seconds(seconds)
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("condition not met within \(seconds) s")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

/// A speaker that plays instantly and records what it was given.
final class MusicSpeaker: AudioPlayback {
    private struct State {
        var frames = 0
        var channels = 1
        var volumes: [Int] = []
    }

    private let state = Mutex(State())

    var frames: Int { state.withLock { $0.frames } }
    var volumes: [Int] { state.withLock { $0.volumes } }

    func begin(format: AudioFormat) throws { state.withLock { $0.channels = format.channels } }
    func write(_ samples: [Int16]) async throws {
        state.withLock { $0.frames += samples.count / $0.channels }
        try await Task.sleep(for: .milliseconds(1))
    }
    func finish() async throws {}
    func stop() {}
    func setVolume(_ volume: Int) { state.withLock { $0.volumes.append(volume) } }
    func setMuted(_ muted: Bool) {}
    var playedFrames: Int { frames }
    var statistics: AudioStatistics { AudioStatistics(frames: frames) }
}
