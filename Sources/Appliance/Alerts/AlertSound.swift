import AVS
import Audio
import Curl
import MP3

/// Plays one alert on its own playback stream (a second PCM on the same device, mixed by
/// dmix or PulseAudio with the dialog's): the cloud's assets when they can be fetched and
/// decoded, the local tone otherwise. Runs until the loops are done, the stop flag is set or
/// the task is cancelled.
enum AlertSound {
    enum Outcome: Sendable, Hashable {
        /// The assets' loops played out.
        case finished
        case stopped
        /// The device would not play at all.
        case failed(String)
    }

    /// How the sound was made, for the log and tests.
    enum Source: Sendable, Hashable { case assets, tone }

    static func play(_ alert: Alert, playback: any AudioPlayback, fetcher: AssetFetcher?, stop: StopFlag,
                     started: @Sendable (Source) -> Void) async -> Outcome {
        if let fetcher, !alert.playlist.isEmpty, let clips = await fetcher.fetchAll(alert.playlist), !stop.isStopped {
            started(.assets)
            return await playAssets(clips, alert: alert, playback: playback, stop: stop)
        }
        started(.tone)
        return await playTone(playback: playback, stop: stop, cycles: alert.loopCount)
    }

    /// The tone until stopped, or `cycles` times when AVS bounded the alert's loops. Paced by the wall clock as well as the device: an unpaced
    /// device (ALSA `file`, `null`) must not turn an hour of alarm into a busy loop.
    private static func playTone(playback: any AudioPlayback, stop: StopFlag, cycles: Int? = nil) async -> Outcome {
        let cycle = AlertTone.cycle()
        let clock = ContinuousClock()
        do {
            try playback.begin(format: AudioFormat(sampleRate: AlertTone.sampleRate, channels: 1))
            var played = 0
            while !stop.isStopped, cycles.map({ played < $0 }) ?? true {
                played += 1
                let start = clock.now
                try await playback.write(cycle)
                let left = AlertTone.cycleDuration - (clock.now - start)
                if left > .milliseconds(50) { try await clock.sleep(for: left - .milliseconds(50)) }
            }
            if stop.isStopped {
                playback.stop()
                return .stopped
            }
            try await playback.finish()
            return .finished
        } catch {
            playback.stop()
            return stop.isStopped ? .stopped : .failed("\(error)")
        }
    }

    private static func playAssets(_ clips: [Clip], alert: Alert, playback: any AudioPlayback, stop: StopFlag) async -> Outcome {
        guard let format = clips.first?.format else { return await playTone(playback: playback, stop: stop, cycles: alert.loopCount) }
        let clock = ContinuousClock()
        do {
            try playback.begin(format: AudioFormat(sampleRate: format.sampleRate, channels: format.channels))
            var loop = 0
            while !stop.isStopped, alert.loopCount.map({ loop < $0 }) ?? true {
                let start = clock.now
                var frames = 0
                for clip in clips where clip.format == format && !stop.isStopped {
                    try await playback.write(clip.samples)
                    frames += clip.samples.count / max(1, format.channels)
                }
                loop += 1
                // Pace as the tone does, plus the pause AVS asked for between loops.
                let played = Duration.milliseconds(frames * 1000 / max(1, format.sampleRate)) - (clock.now - start)
                let wait = played + .milliseconds(alert.loopPauseInMilliseconds)
                if wait > .zero, !stop.isStopped { try await clock.sleep(for: wait) }
            }
            if stop.isStopped {
                playback.stop()
                return .stopped
            }
            try await playback.finish()
            return .finished
        } catch {
            playback.stop()
            return stop.isStopped ? .stopped : .failed("\(error)")
        }
    }

    /// One decoded asset.
    struct Clip: Sendable {
        var format: MP3Format
        var samples: [Int16]
    }
}

/// Fetches alert assets over HTTPS with the project's curl client and decodes them. Small
/// (a few seconds each) and bounded; any failure means "use the tone".
public struct AssetFetcher: Sendable {
    let http: CurlHTTPClient
    /// Largest asset accepted, bytes.
    static let limit = 4 << 20
    /// Longest the alert waits for its assets before the tone plays instead.
    static let timeout: Duration = .seconds(5)

    public init(http: CurlHTTPClient) {
        self.http = http
    }

    func fetchAll(_ urls: [String]) async -> [AlertSound.Clip]? {
        var clips: [AlertSound.Clip] = []
        var cache: [String: AlertSound.Clip] = [:]
        for url in urls {
            if let cached = cache[url] {
                clips.append(cached)
                continue
            }
            guard let bytes = await fetch(url), let clip = decode(bytes) else { return nil }
            cache[url] = clip
            clips.append(clip)
        }
        return clips
    }

    private func decode(_ bytes: [UInt8]) -> AlertSound.Clip? {
        guard let decoder = try? MP3Decoder(), let chunks = try? decoder.feed(bytes), let tail = try? decoder.finish() else { return nil }
        let all = chunks + tail
        guard let format = all.first?.format else { return nil }
        return AlertSound.Clip(format: format, samples: all.filter { $0.format == format }.flatMap(\.samples))
    }

    private func fetch(_ url: String) async -> [UInt8]? {
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else { return nil }
        let request = HTTPRequest(method: .get, url: url, noProgressTimeout: Self.timeout, timeout: Self.timeout)
        let (events, continuation) = AsyncStream.makeStream(of: HTTPResponseEvent.self)
        let id = http.start(request) { continuation.yield($0) }
        var status = 0
        var body: [UInt8] = []
        for await event in events {
            switch event {
            case .head(let head): status = head.status
            case .body(let bytes):
                body += bytes
                if body.count > Self.limit {
                    http.cancel(id)
                    return nil
                }
            case .end(let result):
                continuation.finish()
                guard case .success = result, (200..<300).contains(status) else { return nil }
                return body
            }
        }
        return nil
    }
}
