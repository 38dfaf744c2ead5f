import ALSA
import DedicatedThread
import Logging
import Synchronization

/// Plays S16_LE at the decoder's native format through an ALSA PCM on a dedicated thread.
///
/// `begin(format:)` starts a thread that owns the PCM (opened at that format; `plug`, dmix or the
/// sound server convert). Samples cross from `write` through a bounded `PlaybackRing` of
/// `bufferDuration`; the thread takes whole periods out, applies the software volume with its
/// ramp, and writes them with blocking `snd_pcm_writei`. `finish()` plays out the tail (padded
/// with silence to a whole period) and drains; `stop()` drops everything at once for barge-in.
/// Underruns are recovered in place; a lost device is reopened with backoff.
public final class PlaybackEngine: AudioPlayback {
    /// The PCM name (`hark_playback`, `pulse`, `default`).
    public let device: String
    private let logger: Logger
    private let driver: PCMDriver
    private let backoff: ReopenBackoff
    private let bufferDuration: Duration
    private let volume = VolumeControl()
    private let counters = Mutex(StatisticsCounter())
    private let current = Mutex<PlaybackRun?>(nil)

    /// - Parameters:
    ///   - device: the ALSA PCM name.
    ///   - logger: where opens, lost devices and reopens are reported.
    ///   - driver: the alsa-lib chokepoint (`.system`, or a fake in tests).
    ///   - backoff: waits between attempts to reopen a lost device.
    ///   - bufferDuration: audio the ring holds before `write` suspends (seconds of audio).
    public init(device: String, logger: Logger, driver: PCMDriver = .system,
                backoff: ReopenBackoff = .standard, bufferDuration: Duration = .milliseconds(500)) {
        self.device = device
        self.logger = logger
        self.driver = driver
        self.backoff = backoff
        self.bufferDuration = bufferDuration
    }

    deinit {
        current.withLock { $0?.stop(device: device) }
    }

    public var statistics: AudioStatistics {
        counters.withLock { $0 }.snapshot
    }

    public var playedFrames: Int {
        current.withLock { $0 }?.playedFrames.load(ordering: .relaxed) ?? 0
    }

    public func begin(format: AudioFormat) throws {
        stopAndWait()
        let statistics = StatisticsCounter()
        counters.withLock { $0 = statistics }
        let (seconds, attoseconds) = bufferDuration.components
        let bufferMilliseconds = Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
        let periodFrames = format.frames(milliseconds: 20)
        let run = PlaybackRun(format: format, ringCapacity: max(format.frames(milliseconds: bufferMilliseconds), 2 * periodFrames) * format.channels)
        let factory = PCMConnectionFactory(
            device: device, stream: .playback, driver: driver,
            // 20 ms periods in a 100 ms buffer: low latency for barge-in, room for a busy board.
            parameters: PCMHardwareParameters(sampleRate: format.sampleRate, channels: format.channels,
                                              periodFrames: periodFrames, bufferFrames: 5 * periodFrames),
            logger: logger, backoff: backoff, stopSignal: run.stopSignal, statistics: statistics)
        let report = OpenReport()
        let volume = self.volume
        let device = self.device
        let thread = DedicatedThread(name: "hark-playback") {
            let connection = factory.make()
            do throws(AudioDeviceError) {
                try connection.open()
            } catch {
                report.report(.failure(error))
                return
            }
            report.report(.success(()))
            let outcome = PlaybackLoop(connection: connection, stream: run, volume: volume, statistics: statistics).run()
            connection.close()
            run.complete(outcome == .drained ? .success(()) : .failure(AudioDeviceError.stopped(device, .playback)))
        }
        run.thread.withLock { $0 = thread }
        if case .failure(let error) = report.wait() {
            thread.waitUntilExited()
            throw error
        }
        current.withLock { $0 = run }
        logger.info("playback started", metadata: ["device": "\(device)", "format": "\(format)"])
    }

    public func write(_ samples: [Int16]) async throws {
        guard let run = current.withLock({ $0 }) else { throw AudioDeviceError.notStarted(device, .playback) }
        try await run.ring.write(samples, closedError: AudioDeviceError.stopped(device, .playback))
    }

    public func finish() async throws {
        guard let run = current.withLock({ $0 }) else { throw AudioDeviceError.notStarted(device, .playback) }
        run.ring.finishWriting()
        try await run.waitUntilComplete()
    }

    public func stop() {
        current.withLock { $0 }?.stop(device: device)
    }

    /// After `stop()`: the frames heard, once the playback thread has read the device's delay
    /// and dropped the rest. The thread notices the stop within one period of a working device;
    /// a device stuck in `snd_pcm_writei` is not waited for beyond `limit`, and then the last
    /// position measured after a write is the answer.
    public func stoppedPlayedFrames(waitingAtMost limit: Duration) async -> Int {
        guard let run = current.withLock({ $0 }) else { return 0 }
        // A task of its own: the caller is usually a cancelled speech task (barge-in cancels
        // it), and there `Task.sleep` would return at once and the poll would spin. Polling
        // (normally for less than one period) needs no continuation with its own timeout.
        return await Task {
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: limit)
            while !run.positionIsFinal.load(ordering: .acquiring), clock.now < deadline {
                try? await Task.sleep(for: .milliseconds(2))
            }
            return run.playedFrames.load(ordering: .relaxed)
        }.value
    }

    public func setVolume(_ volume: Int) {
        self.volume.setting.withLock { $0.volume = min(100, max(0, volume)) }
    }

    public func setMuted(_ muted: Bool) {
        volume.setting.withLock { $0.muted = muted }
    }

    /// Stops a previous stream and waits for its thread, so its PCM is closed before the next.
    private func stopAndWait() {
        let previous = current.withLock { run in
            defer { run = nil }
            return run
        }
        guard let previous else { return }
        previous.stop(device: device)
        previous.thread.withLock { $0 }?.waitUntilExited()
    }
}

/// The volume the API sets and the playback thread reads once per period.
final class VolumeControl: Sendable {
    struct Setting: Equatable {
        var volume = 100
        var muted = false
    }

    let setting = Mutex(Setting())
}

/// One `begin`..`finish`/`stop`: ring, stop flag, progress and the completion waiters.
final class PlaybackRun: Sendable {
    let format: AudioFormat
    let ring: PlaybackRing
    let stopSignal = StopSignal()
    let playedFrames = Atomic<Int>(0)
    /// Set by the playback thread once `playedFrames` no longer changes (stopped and dropped).
    let positionIsFinal = Atomic<Bool>(false)
    let thread = Mutex<DedicatedThread?>(nil)

    private struct Completion {
        var result: Result<Void, AudioDeviceError>?
        var waiters: [CheckedContinuation<Void, any Error>] = []
    }

    private let completion = Mutex(Completion())

    init(format: AudioFormat, ringCapacity: Int) {
        self.format = format
        self.ring = PlaybackRing(capacity: ringCapacity)
    }

    /// Barge-in: the thread drops the device's buffer; writers and `finish()` return at once.
    func stop(device: String) {
        stopSignal.stop()
        ring.stop()
        complete(.failure(AudioDeviceError.stopped(device, .playback)))
    }

    /// Records how the stream ended (first call wins) and resumes every `finish()` waiter.
    func complete(_ result: Result<Void, AudioDeviceError>) {
        let waiters = completion.withLock { state -> [CheckedContinuation<Void, any Error>] in
            if state.result == nil { state.result = result }
            defer { state.waiters = [] }
            return state.waiters
        }
        let final = completion.withLock { $0.result! }
        for waiter in waiters { waiter.resume(with: final.mapError { $0 as any Error }) }
    }

    func waitUntilComplete() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let done = completion.withLock { state -> Result<Void, AudioDeviceError>? in
                if state.result == nil { state.waiters.append(continuation) }
                return state.result
            }
            if let done { continuation.resume(with: done.mapError { $0 as any Error }) }
        }
    }
}
