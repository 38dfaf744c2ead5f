import AVS
import Audio
import MP3

/// One AudioPlayer stream: bytes (an attachment or an HTTPS download) → streaming MP3
/// decoder → the content playback engine, starting at the item's offset. Playback begins
/// with the first decoded frame while the rest downloads. A watch task reports progress
/// every second and a stutter when the speaker ran dry while the download lagged.
enum StreamPlaying {
    struct Failure: Error {
        var error: MediaError
    }

    /// How often the watch looks at the stream, and reports its position.
    static let watchInterval: Duration = .milliseconds(100)
    static let progressEvery = 10

    static func run(source: AsyncStream<MediaFetcher.Chunk>, item: AudioItem, playback: any AudioPlayback, run: Int,
                    control: StreamControl, report: @escaping @Sendable (PlayerReport) -> Void) async {
        let watch = FlowWatch()
        var rate = 0
        var skipFrames = 0
        var writtenFrames = 0
        @Sendable func offset() -> Int {
            let rate = watch.state.withLock { $0.rate }
            return rate > 0 ? item.offsetInMilliseconds + playback.playedFrames * 1000 / rate : item.offsetInMilliseconds
        }
        func play(_ chunk: MP3Chunk) async throws {
            if control.isStopped { throw CancellationError() }
            var samples = chunk.samples[...]
            if rate == 0 {
                rate = chunk.format.sampleRate
                skipFrames = item.offsetInMilliseconds * rate / 1000
                watch.state.withLock { $0.rate = chunk.format.sampleRate }
                try playback.begin(format: AudioFormat(sampleRate: rate, channels: chunk.format.channels))
            }
            guard chunk.format.sampleRate == rate else { return }
            // Skip to the offset by decoding and dropping (an MP3 stream cannot be entered mid-way).
            let frames = samples.count / max(1, chunk.format.channels)
            if skipFrames > 0 {
                let dropped = min(skipFrames, frames)
                skipFrames -= dropped
                samples = samples.dropFirst(dropped * chunk.format.channels)
                if samples.isEmpty { return }
            }
            await control.waitWhilePaused()
            if control.isStopped { throw CancellationError() }
            try await playback.write(Array(samples))
            writtenFrames += samples.count / max(1, chunk.format.channels)
            let buffered = max(0, writtenFrames - playback.playedFrames) * 1000 / rate
            let (first, stutter) = watch.state.withLock { state -> (Bool, ContinuousClock.Instant?) in
                let first = !state.started
                state.started = true
                state.lastWrite = .now
                state.bufferedMilliseconds = buffered
                defer { state.stutterSince = nil }
                return (first, state.stutterSince)
            }
            if first { report(.started(run: run, offset: item.offsetInMilliseconds)) }
            if let stutter {
                let (seconds, attoseconds) = (ContinuousClock.now - stutter).components
                report(.stutterFinished(run: run, offset: offset(), milliseconds: Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)))
            }
        }

        let watcher = Task {
            var ticks = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: watchInterval)
                ticks += 1
                let stutterStarted = watch.state.withLock { state -> Bool in
                    // Only the network can starve the speaker: a writer waiting for ring space is
                    // waiting for the device, not stuttering.
                    guard state.started, state.awaitingBytes, !state.downloaded, state.stutterSince == nil, !control.isPaused
                    else { return false }
                    guard ContinuousClock.now - state.lastWrite > .milliseconds(state.bufferedMilliseconds + 300) else { return false }
                    state.stutterSince = state.lastWrite + .milliseconds(state.bufferedMilliseconds)
                    return true
                }
                if stutterStarted { report(.stutterStarted(run: run, offset: offset())) }
                if ticks % progressEvery == 0, watch.state.withLock({ $0.started }) { report(.progress(run: run, offset: offset())) }
            }
        }
        defer { watcher.cancel() }

        do {
            let decoder = try MP3Decoder()
            var complete = false
            for await chunk in source {
                watch.state.withLock { $0.awaitingBytes = false }
                defer { watch.state.withLock { $0.awaitingBytes = true } }
                if control.isStopped { break }
                switch chunk {
                case .bytes(let bytes):
                    for decoded in try decoder.feed(bytes) { try await play(decoded) }
                case .complete:
                    complete = true
                    watch.state.withLock { $0.downloaded = true }
                    report(.bufferingComplete(run: run))
                case .failed(let error):
                    throw Failure(error: error)
                }
            }
            guard complete, !control.isStopped else { throw CancellationError() }
            do {
                for decoded in try decoder.finish() { try await play(decoded) }
            } catch MP3Error.truncated where rate > 0 {
                // A live stream cut mid-frame: what decoded plays out.
            }
            guard rate > 0 else { throw MP3Error.notMP3(bytesFed: decoder.bytesFed) }
            try await playback.finish()
            report(.finished(run: run, offset: offset()))
        } catch {
            let reached = offset()
            if control.isStopped || error is CancellationError {
                playback.stop()
                report(.stopped(run: run, offset: reached))
                return
            }
            playback.stop()
            report(.failed(run: run, offset: reached, mediaError(error)))
        }
    }

    static func mediaError(_ error: any Error) -> MediaError {
        switch error {
        case let failure as Failure: failure.error
        case MP3Error.notMP3: MediaError(.invalidRequest, "the stream is not MP3 audio")
        case let error as MP3Error: MediaError(.invalidRequest, "the MP3 stream cannot be decoded: \(error)")
        case let error as AudioDeviceError: MediaError(.internalDeviceError, "the speaker failed: \(error)")
        default: MediaError(.unknown, "\(error)")
        }
    }
}
