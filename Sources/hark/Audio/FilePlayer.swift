import Audio
import Logging
import MP3
import Synchronization

/// Feeds one file's PCM to a `PlaybackEngine`: `begin(format:)` once the format is known,
/// `write` in pieces (the engine suspends while its buffer is full), `finish()` to drain.
/// Every failure becomes a `CLIError` with the exit code for its kind.
final class FilePlayer: Sendable {
    private let engine: PlaybackEngine
    private let volume: Int
    private let input: String
    private let logger: Logger
    /// Set from the signal queue, read by the feeding task.
    private let stopped = Atomic(false)
    /// Frames handed to the engine and the rate they were at, for the summary line.
    private let progress = Mutex((seconds: 0.0, format: AudioFormat?.none))

    /// Samples per `write`: 100 ms of stereo at 48 kHz at most, small enough that a stop
    /// takes effect quickly and large enough that the per-call cost is negligible.
    static let writeSamples = 9_600

    init(engine: PlaybackEngine, volume: Int, input: String, logger: Logger) {
        self.engine = engine
        self.volume = volume
        self.input = input
        self.logger = logger
        // Before the first begin(format:), so the first sample already has this gain rather
        // than ramping down from full volume.
        engine.setVolume(volume)
    }

    var interrupted: Bool { stopped.load(ordering: .relaxed) }
    var seconds: Double { progress.withLock { $0.seconds } }

    /// Barge-in: drop what is queued and let the feeding loop end.
    func interrupt() {
        stopped.store(true, ordering: .relaxed)
        engine.stop()
    }

    func playWAV() async throws(CLIError) {
        let wav: WAVFile
        do {
            wav = try WAVFile.read(path: input)
        } catch {
            throw CLIError("\(error)", exitCode: Sysexits.dataError)  // WAVError names the path and the fix
        }
        try start(wav.format)
        try await write(wav.samples)
        try await drain()
    }

    func playMP3(from file: InputFile) async throws(CLIError) {
        let decoder: MP3Decoder
        do { decoder = try MP3Decoder() } catch {
            throw CLIError("cannot start the MP3 decoder: \(error)", exitCode: Sysexits.software)
        }
        while !interrupted {
            let bytes = try file.read()
            let chunks: [MP3Chunk]
            do {
                chunks = bytes.isEmpty ? try decoder.finish() : try decoder.feed(bytes)
            } catch {
                // Let what did decode finish playing, then say why the rest could not.
                try? await drain()
                throw CLIError("'\(input)' is not a playable MP3: \(error)", exitCode: Sysexits.dataError)
            }
            for chunk in chunks where !interrupted {
                try await play(chunk)
            }
            if bytes.isEmpty { break }
        }
        try await drain()
    }

    private func play(_ chunk: MP3Chunk) async throws(CLIError) {
        let format = AudioFormat(sampleRate: chunk.format.sampleRate, channels: chunk.format.channels)
        let current = progress.withLock { $0.format }
        if current != format {
            // A stream whose rate changes mid-way: play out what we have, reopen at the new rate.
            if current != nil { try await drain() }
            try start(format)
        }
        try await write(chunk.samples)
    }

    private func start(_ format: AudioFormat) throws(CLIError) {
        do {
            try engine.begin(format: format)
        } catch {
            throw CLIError("\(error)", exitCode: Sysexits.unavailable)
        }
        progress.withLock { $0.format = format }
        logger.debug("playing \(input) at \(format)")
    }

    private func write(_ samples: [Int16]) async throws(CLIError) {
        guard let format = progress.withLock({ $0.format }) else { return }
        var offset = 0
        while offset < samples.count, !interrupted {
            let end = min(offset + Self.writeSamples - Self.writeSamples % format.channels, samples.count)
            do {
                try await engine.write(Array(samples[offset..<end]))
            } catch {
                if interrupted { return }
                throw CLIError("playback failed: \(error)", exitCode: Sysexits.ioError)
            }
            let seconds = Double((end - offset) / format.channels) / Double(format.sampleRate)
            progress.withLock { $0.seconds += seconds }
            offset = end
        }
    }

    private func drain() async throws(CLIError) {
        guard !interrupted, progress.withLock({ $0.format }) != nil else { return }
        do {
            try await engine.finish()
        } catch {
            if interrupted { return }
            throw CLIError("playback failed: \(error)", exitCode: Sysexits.ioError)
        }
    }
}
