import ALSA
import DedicatedThread
import Logging
import Synchronization

/// Captures 10 ms chunks of S16_LE from an ALSA PCM on a dedicated thread.
///
/// The capture thread owns the PCM: it opens it (reporting the first failure back to `start()`),
/// reads one period at a time with blocking `snd_pcm_readi`, and yields each whole period into
/// an `AsyncStream` whose buffer holds at most `bufferedChunks` chunks. When the consumer falls
/// that far behind, new chunks are dropped and counted in `statistics.droppedChunks`: what the
/// consumer gets stays continuous from the start (the start of a spoken command matters most,
/// and an unpaced source such as the `file` plugin still records its input in order), and
/// latency stays bounded by the buffer. Overruns are recovered in place; a device that goes
/// away is reopened with backoff, and the stream carries on.
public final class CaptureEngine: AudioCapture {
    /// The PCM name (`hark_capture`, `pulse`, `default`).
    public let device: String
    /// The format asked of the PCM; `plug` (or the sound server) converts to it.
    public let format: AudioFormat
    private let logger: Logger
    private let driver: PCMDriver
    private let backoff: ReopenBackoff
    private let bufferedChunks: Int
    private let counters = Mutex(StatisticsCounter())
    private let current = Mutex<Run?>(nil)

    /// One `start()`..`stop()`: the thread, its stop flag, and the stream's continuation.
    private final class Run: Sendable {
        let stopSignal = StopSignal()
        let continuation: AsyncStream<[Int16]>.Continuation
        let thread: Mutex<DedicatedThread?> = Mutex(nil)

        init(continuation: AsyncStream<[Int16]>.Continuation) {
            self.continuation = continuation
        }

        func stop() {
            stopSignal.stop()
            continuation.finish()
        }
    }

    /// - Parameters:
    ///   - device: the ALSA PCM name.
    ///   - format: frames asked of the device; 16 kHz mono for AVS.
    ///   - logger: where opens, lost devices and reopens are reported.
    ///   - driver: the alsa-lib chokepoint (`.system`, or a fake in tests).
    ///   - backoff: waits between attempts to reopen a lost device.
    ///   - bufferedChunks: chunks (10 ms each) the stream holds before dropping new ones.
    /// The device period: each wake-up of the capture thread reads this much and hands it on as
    /// 10 ms chunks. 20 ms halves the wake-ups of 10 ms periods (through the ALSA pulse plugin a
    /// 10 ms period alone costs about 1.3 % of a core here) and adds at most 10 ms of latency.
    static let devicePeriodMilliseconds = 20

    public init(device: String, format: AudioFormat = .microphone, logger: Logger, driver: PCMDriver = .system,
                backoff: ReopenBackoff = .standard, bufferedChunks: Int = 100) {
        self.device = device
        self.format = format
        self.logger = logger
        self.driver = driver
        self.backoff = backoff
        self.bufferedChunks = max(1, bufferedChunks)
    }

    deinit {
        current.withLock { $0?.stop() }
    }

    /// Counters since the last `start()`.
    public var statistics: AudioStatistics {
        counters.withLock { $0 }.snapshot
    }

    /// Opens the PCM and starts the capture thread; throws `AudioDeviceError` if the first open
    /// fails. A capture still running is stopped first.
    public func start() throws -> AsyncStream<[Int16]> {
        stopAndWait()
        let statistics = StatisticsCounter()
        counters.withLock { $0 = statistics }
        let (stream, continuation) = AsyncStream.makeStream(of: [Int16].self, bufferingPolicy: .bufferingOldest(bufferedChunks))
        let run = Run(continuation: continuation)
        let connection = PCMConnectionFactory(
            device: device, stream: .capture, driver: driver,
            parameters: PCMHardwareParameters(
                sampleRate: format.sampleRate, channels: format.channels,
                periodFrames: format.frames(milliseconds: Self.devicePeriodMilliseconds),
                bufferFrames: format.frames(milliseconds: 8 * Self.devicePeriodMilliseconds)),
            logger: logger, backoff: backoff, stopSignal: run.stopSignal, statistics: statistics)
        let report = OpenReport()
        let readFrames = format.frames(milliseconds: Self.devicePeriodMilliseconds)
        let chunkFrames = format.frames(milliseconds: 10)
        let channels = format.channels
        let thread = DedicatedThread(name: "hark-capture") {
            let connection = connection.make()
            do throws(AudioDeviceError) {
                try connection.open()
            } catch {
                report.report(.failure(error))
                return
            }
            report.report(.success(()))
            CaptureLoop(connection: connection, output: run.continuation, stopSignal: run.stopSignal,
                        statistics: statistics, readFrames: readFrames, chunkFrames: chunkFrames,
                        channels: channels).run()
            connection.close()
            run.continuation.finish()
        }
        run.thread.withLock { $0 = thread }
        if case .failure(let error) = report.wait() {
            thread.waitUntilExited()
            throw error
        }
        continuation.onTermination = { _ in run.stopSignal.stop() }
        current.withLock { $0 = run }
        logger.info("capture started", metadata: ["device": "\(device)", "format": "\(format)"])
        return stream
    }

    /// Stops capturing: the stream finishes now and the thread closes the PCM within a period.
    public func stop() {
        current.withLock { $0?.stop() }
    }

    /// Stops a previous run and waits for its thread, so the device is closed before reopening.
    private func stopAndWait() {
        let previous = current.withLock { run in
            defer { run = nil }
            return run
        }
        guard let previous else { return }
        previous.stop()
        previous.thread.withLock { $0 }?.waitUntilExited()
    }
}

/// The read loop, run on the capture thread.
private struct CaptureLoop {
    let connection: PCMConnection
    let output: AsyncStream<[Int16]>.Continuation
    let stopSignal: StopSignal
    let statistics: StatisticsCounter
    /// Frames asked of each blocking read: one device period.
    let readFrames: Int
    /// Frames per chunk handed to the consumer (10 ms).
    let chunkFrames: Int
    let channels: Int

    func run() {
        let buffer = UnsafeMutableBufferPointer<Int16>.allocate(capacity: readFrames * channels)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0)
        let bytesPerFrame = 2 * channels
        var filled = 0
        var emptyReads = 0
        while !stopSignal.isStopped {
            guard let pcm = connection.pcm else { return }
            do {
                let frames = try pcm.read(into: UnsafeMutableRawPointer(buffer.baseAddress!) + filled * bytesPerFrame,
                                          frames: readFrames - filled)
                if frames == 0 {
                    // A blocking read never returns 0 from a device; an exhausted `file` plugin
                    // input does. Back off rather than spin.
                    emptyReads += 1
                    if emptyReads > 10 { stopSignal.wait(.milliseconds(5)) }
                    continue
                }
                emptyReads = 0
                filled += frames
                guard filled == readFrames else { continue }
                filled = 0
                statistics.update { $0.frames += readFrames }
                for start in stride(from: 0, to: readFrames * channels, by: chunkFrames * channels) {
                    switch output.yield(Array(buffer[start..<min(start + chunkFrames * channels, readFrames * channels)])) {
                    case .dropped:
                        statistics.update { $0.droppedChunks += 1 }
                    case .terminated:
                        return
                    case .enqueued:
                        break
                    @unknown default:
                        break
                    }
                }
            } catch {
                // After an xrun or a reopen the partial period is stale.
                filled = 0
                guard connection.recover(from: error) else { return }
            }
        }
    }
}

/// The parameters to build a `PCMConnection` on the audio thread, so the non-Sendable
/// connection is created, used and released by that one thread.
struct PCMConnectionFactory: Sendable {
    let device: String
    let stream: PCMStream
    let driver: PCMDriver
    let parameters: PCMHardwareParameters
    let logger: Logger
    let backoff: ReopenBackoff
    let stopSignal: StopSignal
    let statistics: StatisticsCounter

    func make() -> PCMConnection {
        PCMConnection(device: device, stream: stream, driver: driver, parameters: parameters,
                      logger: logger, backoff: backoff, stopSignal: stopSignal, statistics: statistics)
    }
}
