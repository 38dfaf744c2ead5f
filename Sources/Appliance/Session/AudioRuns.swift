import AVS
import AVSTransport
import Audio
import MP3
import Synchronization

/// What the audio tasks report back to the session (through its inbox), tagged with the
/// run they belong to so a late report of an older run is ignored.
enum AudioReport: Sendable {
    /// The microphone closed and the Recognize body was finished. `byItself`: not asked to
    /// (device lost, stream ended).
    case captureEnded(run: Int, audioBytes: Int, byItself: Bool)
    case playbackStarted(run: Int)
    case playbackFinished(run: Int, milliseconds: Int)
    case playbackStopped(run: Int, milliseconds: Int)
    case playbackFailed(run: Int, String)
}

/// A stop request shared between the session and one audio task.
final class StopFlag: Sendable {
    private let stopped = Atomic<Bool>(false)
    var isStopped: Bool { stopped.load(ordering: .acquiring) }
    func stop() { stopped.store(true, ordering: .releasing) }
}

/// Microphone → encoder → Recognize body, for one turn. Runs in its own task; the capture
/// engine's thread does the blocking reads.
enum MicrophoneStreaming {
    static func run(capture: any AudioCapture, upload: RecognizeUpload, format: MicrophoneFormat, run: Int,
                    stop: StopFlag, report: @escaping @Sendable (AudioReport) -> Void) async {
        var bytes = 0
        defer {
            // Close the body the moment the microphone is done, whoever ended it.
            upload.finish()
            report(.captureEnded(run: run, audioBytes: bytes, byItself: !stop.isStopped))
        }
        guard !stop.isStopped else { return }
        let chunks: AsyncStream<[Int16]>
        var encoder: MicrophoneEncoder
        do {
            encoder = try MicrophoneEncoder(format: format)
            chunks = try capture.start()
        } catch {
            return
        }
        defer { capture.stop() }
        for await chunk in chunks {
            if stop.isStopped { break }
            guard let encoded = try? encoder.encode(chunk) else { break }
            if !encoded.isEmpty {
                upload.write(encoded)
                bytes += encoded.count
            }
            // A stream with chunks waiting hands them over without suspending, so a backlog
            // (after an overrun, or an encoder slower than real time on a starved CPU) would
            // keep this loop on a cooperative thread; on a one-core board that is the only
            // one, and the session, its timers and the watchdog's probe would wait for it.
            await Task.yield()
        }
        let tail = encoder.finish()
        if !tail.isEmpty, !stop.isStopped {
            upload.write(tail)
            bytes += tail.count
        }
    }
}

/// Speak attachment → MP3 decoder → playback engine, for one Speak. Playback begins with the
/// first decoded frame, while the attachment is still downloading.
enum SpeechPlaying {
    struct Stopped: Error {}

    /// How long a Speak waits for the first bytes of its attachment: a reply whose MP3 part
    /// never comes (a broken response, a lost stream) must not hold the turn forever.
    static let attachmentTimeout: Duration = .seconds(10)

    static func run(attachment: AsyncStream<[UInt8]>, playback: any AudioPlayback, run: Int, stop: StopFlag,
                    clock: any Clock<Duration>, attachmentTimeout: Duration = attachmentTimeout,
                    report: @escaping @Sendable (AudioReport) -> Void) async {
        let attachment = AttachmentDeadline.stream(attachment, firstBytesWithin: attachmentTimeout, clock: clock)
        defer { attachment.cancel() }
        await play(attachment.bytes, playback: playback, run: run, stop: stop, report: report)
    }

    private static func play(_ attachment: AsyncStream<[UInt8]>, playback: any AudioPlayback, run: Int, stop: StopFlag,
                             report: @escaping @Sendable (AudioReport) -> Void) async {
        var format: MP3Format?
        /// Frames heard as milliseconds from the speech's first sample.
        func milliseconds(_ frames: Int) -> Int {
            guard let format, format.sampleRate > 0 else { return 0 }
            return frames * 1000 / format.sampleRate
        }
        func play(_ chunk: MP3Chunk) async throws {
            if stop.isStopped { throw Stopped() }
            if format == nil {
                try playback.begin(format: AudioFormat(sampleRate: chunk.format.sampleRate, channels: chunk.format.channels))
                format = chunk.format
                try await playback.write(chunk.samples)
                report(.playbackStarted(run: run))
                return
            }
            // A format change mid-stream is not something AVS sends; keep the first.
            guard chunk.format == format else { return }
            try await playback.write(chunk.samples)
        }
        do {
            let decoder = try MP3Decoder()
            for await bytes in attachment {
                for chunk in try decoder.feed(bytes) { try await play(chunk) }
                if stop.isStopped { throw Stopped() }
            }
            if stop.isStopped { throw Stopped() }
            guard decoder.bytesFed > 0 else { throw AttachmentDeadline.Missing() }
            for chunk in try decoder.finish() { try await play(chunk) }
            guard format != nil else { throw MP3Error.notMP3(bytesFed: decoder.bytesFed) }
            try await playback.finish()
            report(.playbackFinished(run: run, milliseconds: milliseconds(playback.playedFrames)))
        } catch {
            if stop.isStopped {
                // The offset is what the listener heard, so wait for the device's final
                // position (one period at most on a working device).
                let frames = await playback.stoppedPlayedFrames(waitingAtMost: .milliseconds(200))
                report(.playbackStopped(run: run, milliseconds: milliseconds(frames)))
            } else {
                playback.stop()
                report(.playbackFailed(run: run, "\(error)"))
            }
        }
    }
}
