import ALSA
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// One engine's link to its PCM, owned by the engine's audio thread: opens and configures the
/// device, recovers xruns and suspends in place, and reopens a lost device with backoff.
///
/// Shared by capture and playback, as librespot's ALSA sink does both: a failed read or write
/// goes to `recover(from:)`, which says whether the loop can go on.
final class PCMConnection {
    let device: String
    let stream: PCMStream
    private let driver: PCMDriver
    private let wanted: PCMHardwareParameters
    private let logger: Logger
    private let backoff: ReopenBackoff
    private let stopSignal: StopSignal
    private let statistics: StatisticsCounter

    /// The open PCM; `nil` only while reopening or after `close()`.
    private(set) var pcm: PCM?
    /// What the device chose at the last open.
    private(set) var parameters: PCMHardwareParameters

    init(device: String, stream: PCMStream, driver: PCMDriver, parameters: PCMHardwareParameters,
         logger: Logger, backoff: ReopenBackoff, stopSignal: StopSignal, statistics: StatisticsCounter) {
        self.device = device
        self.stream = stream
        self.driver = driver
        self.wanted = parameters
        self.parameters = parameters
        self.logger = logger
        self.backoff = backoff
        self.stopSignal = stopSignal
        self.statistics = statistics
    }

    deinit {
        close()
    }

    /// Why an open attempt failed.
    private enum OpenFailure: Error {
        case alsa(ALSAError)
        case format(PCMHardwareParameters)
    }

    /// The first open: a failure is the user's to fix, so it becomes an `AudioDeviceError`.
    func open() throws(AudioDeviceError) {
        do throws(OpenFailure) {
            try openOnce()
        } catch {
            switch error {
            case .alsa(let error): throw AudioDeviceError.opening(device, stream, error)
            case .format(let got): throw AudioDeviceError.format(device, stream, wanted: wanted, got: got)
            }
        }
    }

    /// `snd_pcm_open`, hardware and software parameters, `snd_pcm_prepare`.
    private func openOnce() throws(OpenFailure) {
        let pcm: PCM
        do {
            pcm = try PCM(name: device, stream: stream, driver: driver)
        } catch {
            throw .alsa(error)
        }
        do {
            let chosen = try pcm.setHardwareParameters(wanted)
            // Capture must be exactly 16 kHz mono for AVS, playback exactly the decoder's
            // format: a PCM that cannot convert (bare hw:) is refused rather than mis-played.
            guard chosen.sampleRate == wanted.sampleRate, chosen.channels == wanted.channels else {
                try? pcm.close()
                throw OpenFailure.format(chosen)
            }
            let period = max(1, chosen.periodFrames)
            // Capture starts with the first read; playback once two periods are queued, so a
            // slow first decode does not underrun at once.
            let start = stream == .capture ? 1 : min(chosen.bufferFrames, 2 * period)
            try pcm.setSoftwareParameters(PCMSoftwareParameters(startThreshold: start, availableMinimum: period))
            try pcm.prepare()
            parameters = chosen
            self.pcm = pcm
            logger.debug("opened \(stream) device", metadata: ["device": "\(device)", "parameters": "\(chosen)"])
        } catch let failure as OpenFailure {
            throw failure
        } catch let error as ALSAError {
            try? pcm.close()
            throw .alsa(error)
        } catch {
            try? pcm.close()
            throw .alsa(.ioError)
        }
    }

    /// Closes the PCM (`snd_pcm_close`), ignoring errors: the handle is gone either way.
    func close() {
        if let pcm {
            try? pcm.close()
            self.pcm = nil
        }
    }

    /// Sleeps between attempts: the injected sleep, or a wait that `stop()` cuts short.
    private func pause(_ duration: Duration) {
        if let sleep = backoff.sleep { sleep(duration) } else { stopSignal.wait(duration) }
    }

    /// Handles an error a read or write returned. Returns `true` when the stream can go on
    /// (recovered in place or reopened), `false` when stopped while reopening.
    func recover(from error: ALSAError) -> Bool {
        guard let pcm else { return reopen(after: error) }
        switch error {
        case .tryAgain, ALSAError(code: -EINTR):
            return true
        case .brokenPipe:
            // Overrun or underrun: the stream stopped; prepare it and go on.
            statistics.update { $0.xruns += 1 }
            logger.debug("\(stream) xrun recovered", metadata: ["device": "\(device)"])
            do {
                try pcm.recover(from: error)
                return true
            } catch {
                return reopen(after: error)
            }
        case .suspended:
            statistics.update { $0.suspends += 1 }
            logger.info("\(stream) device was suspended; resuming", metadata: ["device": "\(device)"])
            return resume(pcm)
        default:
            return reopen(after: error)
        }
    }

    /// `snd_pcm_resume` until it stops saying EAGAIN (about a second at most), then
    /// `snd_pcm_prepare` if the device cannot resume by itself.
    private func resume(_ pcm: PCM) -> Bool {
        for _ in 0..<100 {
            do {
                try pcm.resume()
                return true
            } catch .tryAgain {
                pause(.milliseconds(10))
            } catch {
                break
            }
        }
        do {
            try pcm.prepare()
            return true
        } catch {
            return reopen(after: error)
        }
    }

    /// Closes the lost device and opens it again with backoff until it works or the engine
    /// stops. Logged once when lost and once when back, however many attempts it takes.
    private func reopen(after error: ALSAError) -> Bool {
        close()
        logger.warning("\(stream) device lost; reopening", metadata: ["device": "\(device)", "error": "\(error)"])
        var attempt = 0
        while !stopSignal.isStopped {
            pause(backoff.delay(beforeAttempt: attempt))
            attempt += 1
            if stopSignal.isStopped { break }
            do {
                try openOnce()
                statistics.update { $0.reopens += 1 }
                logger.notice("\(stream) device reopened", metadata: ["device": "\(device)", "attempts": "\(attempt)"])
                return true
            } catch {
                logger.debug("\(stream) reopen failed", metadata: ["device": "\(device)", "attempt": "\(attempt)"])
            }
        }
        return false
    }
}
