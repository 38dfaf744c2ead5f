import ALSA
import Audio
import Testing

/// A ramp of distinct non-zero samples, so reordering or loss shows.
func testSignal(_ count: Int) -> [Int16] {
    (0..<count).map { Int16(truncatingIfNeeded: ($0 % 30_000) + 1) }
}

@Suite("Playback engine through the fake driver")
struct PlaybackEngineTests {
    let format = AudioFormat(sampleRate: 16_000, channels: 1)

    @Test("writes whole 20 ms periods, pads the tail with silence, drains on finish, closes")
    func playsWholePeriods() async throws {
        let fake = FakePCMDriver()
        let engine = PlaybackEngine(device: "hark_playback", logger: quietLogger, driver: fake.driver)
        try engine.begin(format: format)
        let input = testSignal(1000)
        try await engine.write(input)
        try await engine.finish()
        let written = fake.written
        #expect(written.count == 1280)  // 4 periods of 320
        #expect(Array(written.prefix(1000)) == input)
        #expect(written.dropFirst(1000).allSatisfy { $0 == 0 })
        let calls = fake.calls
        #expect(calls.filter { if case .write(let frames) = $0 { frames != 320 } else { false } }.isEmpty)
        #expect(Array(calls.suffix(2)) == [.drain, .close])
        #expect(engine.playedFrames == 1000)
        #expect(engine.statistics.frames == 1000)
        #expect(fake.openHandleCount == 0)
    }

    @Test("stereo at the decoder's rate: periods are frames, not samples")
    func stereoAtNativeRate() async throws {
        let fake = FakePCMDriver()
        let engine = PlaybackEngine(device: "pulse", logger: quietLogger, driver: fake.driver)
        try engine.begin(format: AudioFormat(sampleRate: 24_000, channels: 2))
        let input = testSignal(2 * 480)  // exactly one 20 ms period
        try await engine.write(input)
        try await engine.finish()
        #expect(fake.written == input)
        #expect(fake.calls.contains(.write(frames: 480)))
        #expect(engine.playedFrames == 480)
    }

    @Test("write suspends while the bounded buffer is full and resumes as the device takes periods")
    func backPressure() async throws {
        let fake = FakePCMDriver(gatedWrites: true)
        let engine = PlaybackEngine(device: "hark_playback", logger: quietLogger, driver: fake.driver,
                                    bufferDuration: .milliseconds(100))  // 1600 samples
        try engine.begin(format: format)
        let input = testSignal(8000)
        let done = Flag()
        let writer = Task {
            try await engine.write(input)
            done.set()
        }
        // The device takes nothing: at most the ring plus the one period the thread holds fit.
        #expect(!eventually(within: 0.2) { done.isSet })
        #expect(fake.written.isEmpty)
        // Let the device take periods one at a time; the writer gets through.
        for _ in 0..<30 { fake.writeGate!.signal() }
        try await writer.value
        #expect(done.isSet)
        let finishing = Task { try await engine.finish() }
        for _ in 0..<30 { fake.writeGate!.signal() }
        try await finishing.value
        #expect(Array(fake.written.prefix(8000)) == input)
        #expect(fake.written.count == 8000)  // 25 whole periods, no padding
    }

    @Test("a writer waiting on a full buffer is released by cancellation")
    func cancelledWriter() async throws {
        let fake = FakePCMDriver(gatedWrites: true)
        let engine = PlaybackEngine(device: "hark_playback", logger: quietLogger, driver: fake.driver,
                                    bufferDuration: .milliseconds(100))
        try engine.begin(format: format)
        let writer = Task { try await engine.write(testSignal(8000)) }
        #expect(!eventually(within: 0.05) { false })
        writer.cancel()
        await #expect(throws: CancellationError.self) { try await writer.value }
        engine.stop()
        for _ in 0..<10 { fake.writeGate!.signal() }
        #expect(eventually { fake.openHandleCount == 0 })
    }

    @Test("stop() drops buffered audio at once (barge-in); later writes and finish() fail with .stopped")
    func stopDrops() async throws {
        let fake = FakePCMDriver(gatedWrites: true)
        let engine = PlaybackEngine(device: "hark_playback", logger: quietLogger, driver: fake.driver)
        try engine.begin(format: format)
        try await engine.write(testSignal(6000))  // fits the 500 ms ring
        let finishing = Task { try await engine.finish() }
        engine.stop()
        let finishError = await #expect(throws: AudioDeviceError.self) { try await finishing.value }
        #expect(finishError?.kind == .stopped)
        let writeError = await #expect(throws: AudioDeviceError.self) { try await engine.write(testSignal(10)) }
        #expect(writeError?.kind == .stopped)
        for _ in 0..<100 { fake.writeGate!.signal() }
        #expect(eventually { fake.openHandleCount == 0 })
        // Only the period the thread already held reached the device; the rest was dropped.
        #expect(fake.written.count <= 320)
        let calls = fake.calls
        #expect(calls.contains(.drop))
        #expect(!calls.contains(.drain))
        #expect(calls.last == .close)
    }

    @Test("an underrun (EPIPE) is recovered and counted, and the period is written again")
    func underrunRecovers() async throws {
        let fake = FakePCMDriver()
        fake.script { $0.writeErrors = [nil, .brokenPipe] }
        let engine = PlaybackEngine(device: "hark_playback", logger: quietLogger, driver: fake.driver)
        try engine.begin(format: format)
        let input = testSignal(960)
        try await engine.write(input)
        try await engine.finish()
        #expect(fake.written == input)
        #expect(engine.statistics.xruns == 1)
        #expect(fake.calls.contains(.recover(.brokenPipe)))
    }

    @Test("a suspend during playback is resumed and counted")
    func suspendResumes() async throws {
        let fake = FakePCMDriver()
        fake.script { $0.writeErrors = [.suspended] }
        let engine = PlaybackEngine(device: "hark_playback", logger: quietLogger, driver: fake.driver)
        try engine.begin(format: format)
        try await engine.write(testSignal(640))
        try await engine.finish()
        #expect(fake.written == testSignal(640))
        #expect(engine.statistics.suspends == 1)
        #expect(fake.calls.contains(.resume))
    }

    @Test("a lost playback device is reopened with backoff and the rest of the audio plays")
    func lostDeviceReopens() async throws {
        let fake = FakePCMDriver()
        fake.script {
            $0.writeErrors = [nil, .noDevice]
            $0.openErrors = [nil, .noDevice, nil]
        }
        let sleeps = RecordedSleeps()
        let engine = PlaybackEngine(device: "hark_playback", logger: quietLogger, driver: fake.driver, backoff: sleeps.backoff)
        try engine.begin(format: format)
        let input = testSignal(1280)
        try await engine.write(input)
        try await engine.finish()
        #expect(fake.written == input)
        #expect(engine.statistics.reopens == 1)
        #expect(sleeps.all == [.milliseconds(100), .milliseconds(200)])
        #expect(fake.calls.filter { $0 == .close }.count == 2)
        #expect(fake.openHandleCount == 0)
    }

    @Test("EBUSY on begin names the device and the shipped dmix PCM")
    func busyNamesTheFix() throws {
        let fake = FakePCMDriver()
        fake.script { $0.openErrors = [.busy] }
        let engine = PlaybackEngine(device: "hw:0,0", logger: quietLogger, driver: fake.driver)
        let error = #expect(throws: AudioDeviceError.self) { try engine.begin(format: format) }
        #expect(error?.kind == .busy)
        #expect(error?.stream == .playback)
        #expect(error?.description.contains("'hw:0,0'") == true)
        #expect(error?.description.contains("hark_playback") == true)
        #expect(error?.description.contains("dmix") == true)
    }

    @Test("write and finish before begin fail with .notStarted")
    func notStarted() async {
        let engine = PlaybackEngine(device: "hark_playback", logger: quietLogger, driver: FakePCMDriver().driver)
        let error = await #expect(throws: AudioDeviceError.self) { try await engine.write([1, 2, 3]) }
        #expect(error?.kind == .notStarted)
        await #expect(throws: AudioDeviceError.self) { try await engine.finish() }
    }

    @Test("muted playback writes silence; volume 50 scales by the cubic curve")
    func volumeAndMute() async throws {
        let fake = FakePCMDriver()
        let engine = PlaybackEngine(device: "hark_playback", logger: quietLogger, driver: fake.driver)
        engine.setMuted(true)
        try engine.begin(format: format)
        try await engine.write([Int16](repeating: 16_000, count: 640))
        try await engine.finish()
        #expect(fake.written.count == 640)
        #expect(fake.written.allSatisfy { $0 == 0 })

        let second = FakePCMDriver()
        let louder = PlaybackEngine(device: "hark_playback", logger: quietLogger, driver: second.driver)
        louder.setVolume(50)
        try louder.begin(format: format)
        try await louder.write([Int16](repeating: 16_000, count: 640))
        try await louder.finish()
        #expect(second.written.allSatisfy { $0 == 2000 })  // 16000 × 0.5³
    }

    @Test("begin() while a stream plays stops it first; the next stream plays in full")
    func beginAgain() async throws {
        let fake = FakePCMDriver()
        let engine = PlaybackEngine(device: "hark_playback", logger: quietLogger, driver: fake.driver)
        try engine.begin(format: format)
        try await engine.write(testSignal(320))
        try engine.begin(format: format)
        try await engine.write(testSignal(320))
        try await engine.finish()
        #expect(fake.calls.filter { if case .open = $0 { true } else { false } }.count == 2)
        #expect(fake.openHandleCount == 0)
        #expect(engine.playedFrames == 320)
    }
}
