import Audio
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// The capture and playback checks: which PCM Hark would use and why, whether it opens, and
/// (with `--listen`) whether the microphone hears anything.
enum AudioChecks {
    /// A capture quieter than this (RMS, dB below full scale) counts as silent. A real
    /// microphone's self-noise in a quiet room sits around -70 to -50 dBFS; a disconnected I²S
    /// mic, a muted capture control or a `null` PCM reads exact zeros (-inf).
    static let silenceThresholdDBFS = -70.0

    /// "shared dsnoop", "PulseAudio", … for the PCM `DeviceSelector` chose.
    static func path(of choice: DeviceChoice) -> String {
        switch choice.pcm {
        case DeviceSelector.shippedCapture: "dsnoop, shared with other programs"
        case DeviceSelector.shippedPlayback: "dmix, shared with other programs"
        case "pulse": "PulseAudio"
        case "default": "ALSA's default PCM"
        default: "configured PCM"
        }
    }

    /// Opens the capture PCM with the engine `hark run` uses (16 kHz mono through the real
    /// PCM chain), reads `listenSeconds` of audio when asked, and closes it.
    static func capture(_ choice: DeviceChoice, listenSeconds: Double?, logger: Logger) async -> [DoctorCheck] {
        let engine = CaptureEngine(device: choice.pcm, logger: logger)
        let stream: AsyncStream<[Int16]>
        do {
            stream = try engine.start()
        } catch {
            var checks = [failure("capture device", choice, error)]
            if listenSeconds != nil { checks.append(.skipped("microphone level", because: "the capture device does not open")) }
            return checks
        }
        var checks = [DoctorCheck.passed("capture device", "\(choice.pcm) opens (\(path(of: choice)): \(choice.reason))")]
        guard let listenSeconds else {
            engine.stop()
            return checks
        }
        let wanted = Int(listenSeconds * Double(AudioFormat.microphone.sampleRate))
        // The engine stops itself after the listening time plus slack even if the device
        // delivers nothing, so a stalled PCM cannot hang the doctor.
        let limit = Task {
            try? await Task.sleep(for: .milliseconds(Int(listenSeconds * 1000) + 3000))
            engine.stop()
        }
        var samples: [Int16] = []
        samples.reserveCapacity(wanted)
        for await chunk in stream {
            samples += chunk
            if samples.count >= wanted { break }
        }
        limit.cancel()
        engine.stop()
        checks.append(level(samples, wanted: wanted, device: choice.pcm))
        return checks
    }

    /// Opens the playback PCM with the engine `hark run` uses and closes it without playing.
    static func playback(_ choice: DeviceChoice, logger: Logger) -> DoctorCheck {
        let engine = PlaybackEngine(device: choice.pcm, logger: logger)
        do {
            try engine.begin(format: AudioFormat(sampleRate: 24_000, channels: 1))
        } catch {
            return failure("playback device", choice, error)
        }
        engine.stop()
        return .passed("playback device", "\(choice.pcm) opens (\(path(of: choice)): \(choice.reason))")
    }

    /// RMS of `samples` in dB below full scale; `-infinity` for exact silence or no samples.
    static func rmsDBFS(_ samples: [Int16]) -> Double {
        guard !samples.isEmpty else { return -.infinity }
        var sum = 0.0
        for sample in samples { sum += Double(sample) * Double(sample) }
        let rms = (sum / Double(samples.count)).squareRoot()
        return rms == 0 ? -.infinity : 20 * log10(rms / 32768)
    }

    static func level(_ samples: [Int16], wanted: Int, device: String) -> DoctorCheck {
        let seconds = Double(samples.count) / Double(AudioFormat.microphone.sampleRate)
        guard samples.count >= wanted / 2 else {
            return .failed("microphone level", "\(device) delivered only \(formatted(seconds)) s of audio",
                           fix: "the capture device stalls: check the card's clock (I²S overlay) and `arecord -D \(device) -d 2 /tmp/x.wav`",
                           exitCode: Sysexits.unavailable)
        }
        let dbfs = rmsDBFS(samples)
        let level = dbfs.isFinite ? "\(formatted(dbfs)) dBFS" : "exact silence"
        guard dbfs >= silenceThresholdDBFS else {
            return .failed("microphone level", "\(formatted(seconds)) s from \(device) is silent (\(level), below \(Int(silenceThresholdDBFS)) dBFS)",
                           fix: "check the microphone is connected and unmuted (`alsamixer -c CARD`, F4 for capture controls) and that the I²S overlay is loaded (see board/RASPBERRY-PI.md)",
                           exitCode: Sysexits.unavailable)
        }
        return .passed("microphone level", "\(formatted(seconds)) s from \(device) at \(level) RMS: not silent")
    }

    private static func failure(_ name: String, _ choice: DeviceChoice, _ error: any Error) -> DoctorCheck {
        let kind = (error as? AudioDeviceError)?.kind
        let fix: String = switch kind {
        case .busy:
            "another program holds the card directly: make it (and Hark) use the shared hark_playback/hark_capture PCMs or PulseAudio, or stop it"
        case .notFound:
            "install the ALSA fragment (/etc/alsa/conf.d/50-hark.conf) and name your card in /etc/alsa/conf.d/51-hark-card.conf (defaults.hark.card \"ID\", ID from `cat /proc/asound/cards`), or set audio.\(name.hasPrefix("capture") ? "capture" : "playback")_device to a PCM from `hark audio devices`"
        case .unavailable:
            "the sound card is not there: check the HAT overlay or USB cable, then `aplay -l`"
        case .unsupportedFormat:
            "use a PCM that converts through plug (hark_capture/hark_playback or plughw:CARD), not hw:CARD"
        default:
            "check that the user running Hark is in the audio group (`id`), then `hark audio devices`"
        }
        let cause = (error as? AudioDeviceError)?.alsaError.map { "\($0)" } ?? "\(error)"
        return .failed(name, "\(choice.pcm) (\(path(of: choice)), chosen because \(choice.reason)) does not open: \(cause)",
                       fix: fix, exitCode: Sysexits.unavailable)
    }

    static func formatted(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? String(Int(tenths)) : String(tenths)
    }
}
