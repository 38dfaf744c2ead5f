import ALSA
import Audio
import Testing

/// Where playback stood when it was stopped: AVS's `SpeechInterrupted.offsetInMilliseconds`
/// is the audio the listener heard, from the first sample.
@Suite("Playback position at barge-in")
struct PlaybackPositionTests {
    let format = AudioFormat(sampleRate: 24_000, channels: 1)

    @Test("stopped about N ms into the speech, the position is about N ms (less the device's buffer)")
    func positionAfterStopTracksTimePlayed() async throws {
        let fake = FakePCMDriver(paced: true)
        let engine = PlaybackEngine(device: "hark_playback", logger: quietLogger, driver: fake.driver)
        let clock = ContinuousClock()
        try engine.begin(format: format)
        let started = clock.now
        let writer = Task { try await engine.write(testSignal(3 * 24_000)) }
        try await Task.sleep(for: .milliseconds(400))
        engine.stop()
        let elapsed = clock.now - started
        let frames = await engine.stoppedPlayedFrames(waitingAtMost: .milliseconds(500))
        _ = try? await writer.value
        let heard = frames * 1000 / format.sampleRate
        let elapsedMilliseconds = Int(elapsed.components.seconds) * 1000 + Int(elapsed.components.attoseconds / 1_000_000_000_000_000)
        // Never more than the time that passed, and exactly what the device had played when
        // its buffer was dropped (written to it minus what it still held), within a period.
        #expect(heard <= elapsedMilliseconds + 5, "heard \(heard) ms of \(elapsedMilliseconds) ms")
        #expect(abs(frames - fake.playedWhenDropped) <= 480, "heard \(heard) ms of \(elapsedMilliseconds) ms")
        // (How close that is to the time that passed depends on the machine keeping the device
        // fed; unloaded it is the elapsed time less the 100 ms buffer: 300 of 400 ms. A starved
        // machine may not have fed it at all, so no lower bound here; the PulseAudio end-to-end
        // test checks the window on a real paced device.)
        // The position was read from the device before its buffer was dropped.
        let calls = fake.calls
        let lastDelay = try #require(calls.lastIndex(of: .delay))
        let drop = try #require(calls.firstIndex(of: .drop))
        #expect(lastDelay < drop)
        #expect(engine.playedFrames == frames)
    }

    @Test("a device stuck in a write is not waited for beyond the limit: the last measured position")
    func stuckDeviceIsNotWaitedFor() async throws {
        let fake = FakePCMDriver(gatedWrites: true)
        let engine = PlaybackEngine(device: "hark_playback", logger: quietLogger, driver: fake.driver)
        try engine.begin(format: format)
        try await engine.write(testSignal(4800))
        fake.writeGate!.signal()  // one period reaches the device; the next write hangs
        #expect(eventually { engine.playedFrames == 480 })
        engine.stop()
        let frames = await engine.stoppedPlayedFrames(waitingAtMost: .milliseconds(100))
        #expect(frames == 480)
        for _ in 0..<20 { fake.writeGate!.signal() }
        #expect(eventually { fake.openHandleCount == 0 })
    }

    @Test("a speaker that knows its position at once answers without waiting")
    func defaultImplementationIsPlayedFrames() async {
        let speaker = FixedPositionSpeaker()
        #expect(await speaker.stoppedPlayedFrames(waitingAtMost: .seconds(10)) == 1234)
    }
}

/// The smallest `AudioPlayback`: only its position matters here.
private final class FixedPositionSpeaker: AudioPlayback {
    func begin(format: AudioFormat) throws {}
    func write(_ samples: [Int16]) async throws {}
    func finish() async throws {}
    func stop() {}
    func setVolume(_ volume: Int) {}
    func setMuted(_ muted: Bool) {}
    var playedFrames: Int { 1234 }
    var statistics: AudioStatistics { AudioStatistics() }
}
