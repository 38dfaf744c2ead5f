import ArgumentParser
import Audio
import Logging
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `hark audio record`: microphone audio through the firmware's `CaptureEngine` (16 kHz mono,
/// 10 ms chunks, xrun recovery and device reopen included) into a WAV, L16 or Opus file.
struct RecordCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record from the microphone PCM into a .wav, .l16 or .opus file.",
        discussion: """
            Records 16 kHz mono through the same capture engine the firmware uses. Without \
            --seconds it records until Ctrl-C (SIGINT) or SIGTERM; either way the file is \
            finished properly (WAV header sizes written, last whole Opus packet kept). \
            --format opus writes the raw AVS Recognize body: 80-byte packets back to back.

            \(Sysexits.helpText)
            """)

    @Option(help: ArgumentHelp("ALSA PCM to record from (default: the automatic choice; see 'hark audio devices').", valueName: "pcm"))
    var device: String?

    @Option(
        parsing: .unconditional,  // so "--seconds -1" reaches validate() and gets a clear message
        help: ArgumentHelp("Stop after this many seconds of audio (default: until Ctrl-C).", valueName: "s"))
    var seconds: Double?

    @Option(help: ArgumentHelp("wav, l16 or opus (default: from OUTPUT's extension: .wav, .l16/.raw, .opus)."))
    var format: RecordFormat?

    @Argument(help: ArgumentHelp("The file to write.", valueName: "output"))
    var output: String

    @OptionGroup var global: GlobalOptions

    /// The longest --seconds accepted: a day, far beyond any use, well inside `Int`.
    static let maximumSeconds = 86_400.0

    func validate() throws {
        if let seconds {
            guard seconds.isFinite, seconds > 0, seconds <= Self.maximumSeconds else {
                throw ValidationError(
                    "--seconds must be a number of seconds above 0 and at most \(Int(Self.maximumSeconds)) (got \(seconds)); e.g. --seconds 3")
            }
        }
        if let device, device.isEmpty {
            throw ValidationError("--device is empty; give an ALSA PCM name such as hark_capture or pulse")
        }
        _ = try resolvedFormat()
    }

    func resolvedFormat() throws -> RecordFormat {
        if let format { return format }
        guard let implied = RecordFormat(fileName: output) else {
            throw ValidationError(
                "cannot tell the format of '\(output)' from its name; end it in .wav, .l16, .raw or .opus, or pass --format wav|l16|opus")
        }
        return implied
    }

    func run() async throws {
        let logger = try global.bootstrapLogging(label: "hark.record")
        let format = try resolvedFormat()
        var file = try makeRecordingFile(path: output, format: format)  // 73 before any device opens
        let pcm = chooseDevice(logger: logger)
        let engine = CaptureEngine(device: pcm, format: .microphone, logger: Logger(label: "hark.capture"))
        let chunks: AsyncStream<[Int16]>
        do {
            chunks = try engine.start()
        } catch {
            unlink(output)  // no empty file left behind when the device never opened
            throw CLIError("\(error)", exitCode: Sysexits.unavailable)
        }
        let interrupted = Atomic(false)
        let trap = SignalTrap { signal in
            logger.notice("\(SignalTrap.name(signal)) received: stopping the recording")
            interrupted.store(true, ordering: .relaxed)
            engine.stop()
        }
        defer { trap.cancel() }

        let rate = AudioFormat.microphone.sampleRate
        var remaining = seconds.map { Int(($0 * Double(rate)).rounded()) }
        var samples = 0
        do {
            for await chunk in chunks {
                var chunk = chunk
                if let left = remaining {
                    if chunk.count > left { chunk = Array(chunk.prefix(left)) }
                    remaining = left - chunk.count
                }
                if samples == 0 { logger.debug("first audio chunk", metadata: ["samples": "\(chunk.count)"]) }
                try file.append(chunk)
                samples += chunk.count
                if remaining == 0 { break }
            }
        } catch {
            engine.stop()
            throw CLIError("writing '\(output)' failed: \(error)", exitCode: Sysexits.ioError)
        }
        logger.debug("capture done; stopping the engine", metadata: ["samples": "\(samples)"])
        engine.stop()
        do {
            try file.close()
        } catch {
            throw CLIError("finishing '\(output)' failed: \(error)", exitCode: Sysexits.ioError)
        }

        let stats = engine.statistics
        let duration = Double(samples) / Double(rate)
        if let left = remaining, left > 0, !interrupted.load(ordering: .relaxed) {
            // The engine ended the stream on its own: the device is gone for good.
            throw CLIError(
                "capture from \(pcm) ended after \(duration.formatted2) s of \(seconds!.formatted2) s; '\(output)' holds what was recorded; check the device with 'hark audio devices'",
                exitCode: Sysexits.ioError)
        }
        logger.info("recorded \(duration.formatted2) s to \(output)", metadata: [
            "format": "\(format.rawValue)", "device": "\(pcm)", "samples": "\(samples)",
            "xruns": "\(stats.xruns)", "reopens": "\(stats.reopens)", "suspends": "\(stats.suspends)",
            "dropped_chunks": "\(stats.droppedChunks)",
        ])
    }

    private func chooseDevice(logger: Logger) -> String {
        let selection = DeviceSelector.select(
            capture: device, playback: nil, environment: ProcessInfo.processInfo.environment)
        let reason = device == nil ? selection.capture.reason : "given with --device"
        logger.info("capture device \(selection.capture.pcm): \(reason)")
        return selection.capture.pcm
    }
}

extension Double {
    /// Two decimals without Foundation's formatters ("2.95").
    var formatted2: String {
        let hundredths = Int((self * 100).rounded())
        let fraction = abs(hundredths % 100)
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
