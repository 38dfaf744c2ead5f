import ALSA
import Audio
import Testing

/// Takes the first `count` chunks of a capture stream.
func collect(_ stream: AsyncStream<[Int16]>, count: Int) async -> [[Int16]] {
    var chunks: [[Int16]] = []
    for await chunk in stream {
        chunks.append(chunk)
        if chunks.count == count { break }
    }
    return chunks
}

@Suite("Capture engine through the fake driver")
struct CaptureEngineTests {
    @Test("yields 10 ms chunks of 160 samples at 16 kHz mono, in order")
    func chunksAreTenMilliseconds() async throws {
        let fake = FakePCMDriver()
        let engine = CaptureEngine(device: "hark_capture", logger: quietLogger, driver: fake.driver)
        let chunks = await collect(try engine.start(), count: 5)
        engine.stop()
        #expect(chunks.count == 5)
        #expect(chunks.allSatisfy { $0.count == 160 })
        #expect(chunks.flatMap { $0 } == (0..<800).map { Int16($0) })
        #expect(Array(fake.calls.prefix(4)) == [.open("hark_capture", .capture), .hardwareParameters, .softwareParameters, .prepare])
        #expect(engine.statistics.frames >= 800)
    }

    @Test("an overrun (EPIPE) is recovered in place with snd_pcm_recover and counted")
    func overrunRecovers() async throws {
        let fake = FakePCMDriver()
        fake.script { $0.readErrors = [nil, nil, .brokenPipe] }
        let engine = CaptureEngine(device: "hark_capture", logger: quietLogger, driver: fake.driver)
        let chunks = await collect(try engine.start(), count: 6)
        engine.stop()
        #expect(chunks.count == 6)
        #expect(engine.statistics.xruns == 1)
        #expect(engine.statistics.reopens == 0)
        let calls = fake.calls
        let failed = try #require(calls.firstIndex(of: .recover(.brokenPipe)))
        #expect(calls[failed - 1] == .read)
        #expect(calls[failed + 1] == .read)
        #expect(calls.filter { $0 == .close }.isEmpty || calls.last == .close)
        #expect(calls.filter { if case .open = $0 { true } else { false } }.count == 1)
    }

    @Test("a suspend (ESTRPIPE) is resumed, retrying while the device says EAGAIN, and counted")
    func suspendResumes() async throws {
        let fake = FakePCMDriver()
        fake.script {
            $0.readErrors = [nil, .suspended]
            $0.resumeErrors = [.tryAgain, .tryAgain, nil]
        }
        let sleeps = RecordedSleeps()
        let engine = CaptureEngine(device: "hark_capture", logger: quietLogger, driver: fake.driver, backoff: sleeps.backoff)
        let chunks = await collect(try engine.start(), count: 4)
        engine.stop()
        #expect(chunks.count == 4)
        #expect(engine.statistics.suspends == 1)
        #expect(engine.statistics.xruns == 0)
        #expect(fake.calls.filter { $0 == .resume }.count == 3)
        #expect(sleeps.all == [.milliseconds(10), .milliseconds(10)])
    }

    @Test("a suspend on a device that cannot resume falls back to snd_pcm_prepare")
    func suspendWithoutResumeSupportPrepares() async throws {
        let fake = FakePCMDriver()
        fake.script {
            $0.readErrors = [.suspended]
            $0.resumeErrors = [ALSAError(code: -38)]  // ENOSYS
        }
        let engine = CaptureEngine(device: "hark_capture", logger: quietLogger, driver: fake.driver)
        let chunks = await collect(try engine.start(), count: 2)
        engine.stop()
        #expect(chunks.count == 2)
        let calls = fake.calls
        let resume = try #require(calls.firstIndex(of: .resume))
        #expect(calls[resume + 1] == .prepare)
        #expect(engine.statistics.suspends == 1)
    }

    @Test("a lost device (ENODEV) is closed and reopened with backoff, and capture resumes",
          arguments: [ALSAError.noDevice, .ioError, .badState])
    func lostDeviceReopens(error: ALSAError) async throws {
        let fake = FakePCMDriver()
        fake.script {
            $0.readErrors = [nil, nil, error]
            $0.openErrors = [nil, .noDevice, .noDevice, .noEntry, nil]
        }
        let sleeps = RecordedSleeps()
        let engine = CaptureEngine(device: "hark_capture", logger: quietLogger, driver: fake.driver, backoff: sleeps.backoff)
        let stream = try engine.start()
        let chunks = await collect(stream, count: 6)
        engine.stop()
        #expect(chunks.count == 6)
        #expect(engine.statistics.reopens == 1)
        #expect(engine.statistics.xruns == 0)
        #expect(sleeps.all == [.milliseconds(100), .milliseconds(200), .milliseconds(500), .seconds(1)])
        let calls = fake.calls
        let failedRead = try #require(calls.indices.filter { calls[$0] == .read }.dropFirst(2).first)
        #expect(calls[failedRead + 1] == .close)
        let opens = calls.filter { if case .open = $0 { true } else { false } }
        #expect(opens.count == 5)
        // Capture goes on after the reopen.
        #expect(calls.suffix(from: failedRead).filter { $0 == .read }.count >= 4)
    }

    @Test("the backoff delays grow to 2 s and stay there")
    func backoffCaps() {
        let backoff = ReopenBackoff.standard
        #expect((0..<8).map { backoff.delay(beforeAttempt: $0) } == [
            .milliseconds(100), .milliseconds(200), .milliseconds(500), .seconds(1), .seconds(2), .seconds(2), .seconds(2), .seconds(2),
        ])
    }

    @Test("EBUSY on the first open throws a message naming the device and the shipped dsnoop PCM")
    func busyNamesTheFix() throws {
        let fake = FakePCMDriver()
        fake.script { $0.openErrors = [.busy] }
        let engine = CaptureEngine(device: "hw:1,0", logger: quietLogger, driver: fake.driver)
        let error = #expect(throws: AudioDeviceError.self) { try engine.start() }
        #expect(error?.kind == .busy)
        #expect(error?.device == "hw:1,0")
        let message = error?.description ?? ""
        #expect(message.contains("'hw:1,0'"))
        #expect(message.contains("hark_capture"))
        #expect(message.contains("dsnoop"))
        #expect(message.contains("asound.conf.d/README.md"))
        #expect(fake.openHandleCount == 0)
    }

    @Test("a device that refuses 16 kHz mono is closed and the error says to use plug")
    func wrongFormatIsRefused() throws {
        let fake = FakePCMDriver()
        let driver = fake.driver
        var refusing = driver
        refusing.setHardwareParameters = { handle, wanted throws(ALSAError) in
            var got = try driver.setHardwareParameters(handle, wanted)
            got.sampleRate = 48_000
            got.channels = 2
            return got
        }
        let engine = CaptureEngine(device: "hw:0", logger: quietLogger, driver: refusing)
        let error = #expect(throws: AudioDeviceError.self) { try engine.start() }
        #expect(error?.kind == .unsupportedFormat)
        #expect(error?.description.contains("48000 Hz") == true)
        #expect(error?.description.contains("plughw") == true)
        #expect(fake.openHandleCount == 0)
    }

    @Test("stop() finishes the stream and the thread closes the PCM")
    func stopClosesThePCM() async throws {
        let fake = FakePCMDriver()
        let engine = CaptureEngine(device: "hark_capture", logger: quietLogger, driver: fake.driver)
        let stream = try engine.start()
        _ = await collect(stream, count: 1)
        engine.stop()
        var after = 0
        for await _ in stream { after += 1 }  // must end
        #expect(after <= 100)
        #expect(eventually { fake.openHandleCount == 0 })
        #expect(fake.calls.last == .close)
    }

    @Test("start() after stop() opens the device again with fresh statistics")
    func restart() async throws {
        let fake = FakePCMDriver()
        fake.script { $0.readErrors = [.brokenPipe] }
        let engine = CaptureEngine(device: "hark_capture", logger: quietLogger, driver: fake.driver)
        _ = await collect(try engine.start(), count: 2)
        #expect(engine.statistics.xruns == 1)
        engine.stop()
        let chunks = await collect(try engine.start(), count: 2)
        engine.stop()
        #expect(chunks.count == 2)
        #expect(engine.statistics.xruns == 0)
        #expect(fake.calls.filter { if case .open = $0 { true } else { false } }.count == 2)
        #expect(eventually { fake.openHandleCount == 0 })
    }

    @Test("a consumer that falls behind loses new chunks, keeps the first ones, and the loss is counted")
    func slowConsumerDropsChunks() async throws {
        let fake = FakePCMDriver(readMicroseconds: 0)
        let engine = CaptureEngine(device: "hark_capture", logger: quietLogger, driver: fake.driver, bufferedChunks: 4)
        let stream = try engine.start()
        #expect(eventually { engine.statistics.droppedChunks > 0 })
        engine.stop()
        var received: [[Int16]] = []
        for await chunk in stream { received.append(chunk) }
        #expect(received.count <= 4)
        #expect(received.first?.first == 0)  // the very first chunk survived
    }
}
