import Foundation
import Testing

/// AudioPlayer end to end: hark-sim pushes Play directives whose streams it serves over its
/// own TLS listener; `hark run` fetches them with libcurl (verifying the run's CA), decodes
/// while downloading and plays them on a music PCM of its own (an ALSA file PCM), and the
/// simulator records the AudioPlayer events.
@Suite(.serialized) struct MusicTests {
    /// `[[push]]` entries of Play directives, `after_ms` apart.
    static func pushes(_ plays: [String], firstAfter: Int = 300) -> String {
        plays.enumerated().map { index, play in
            "[[push]]\nafter_ms = \(firstAfter + 50 * index)\nplay = { \(play) }\n"
        }.joined()
    }

    @Test func httpsStreamAndPlaylistPlayToTheEnd() async throws {
        let device = try await MusicDevice.start(scenario: Self.pushes([
            #"url = "/media/playlist.m3u?repeat=1", token = "radio""#,
            #"behavior = "ENQUEUE", url = "/media/stream.mp3?repeat=3", token = "song", expected_previous_token = "radio", progress_delay_ms = 1000"#,
        ]), name: "music")
        let outcome = try await device.run(seconds: 8)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let events = device.audioPlayerEvents()
        #expect(events.ordered(["PlaybackStarted(radio)", "PlaybackNearlyFinished(radio)", "PlaybackFinished(radio)",
                                "PlaybackStarted(song)", "ProgressReportDelayElapsed(song)", "PlaybackNearlyFinished(song)",
                                "PlaybackFinished(song)"]), "\(events.names)")
        #expect(!events.names.contains { $0.hasPrefix("PlaybackFailed") }, "\(events.names)")
        // The PCM is reopened per stream: the file holds the last one, three copies of the
        // reply (3 × 37 440 samples at 24 kHz), each the same as sox decodes it.
        let music = try Correlation.samples(wav: device.musicWAV)
        #expect(abs(music.count - 3 * 37_440) < 4_800, "\(music.count) samples")
        let reference = try device.referenceReply()
        // Comparing takes CPU seconds in a debug build: off the cooperative pool too.
        let correlations = try await OffPool.run {
            (0..<3).map { copy in
                Correlation.best(reference: reference, recorded: Array(music.dropFirst(copy * 37_440).prefix(37_440)), maxLag: 1200)
            }
        }
        for (copy, correlation) in correlations.enumerated() {
            #expect(correlation > 0.95, "copy \(copy): correlation \(correlation)")
        }
        if let latency = device.streamStartLatency(token: "radio", path: "/media/playlist.m3u") {
            print("measured: stream start latency (playlist GET to PlaybackStarted) \(Int(latency * 1000)) ms")
        }
    }

    @Test func attachmentPlayWaitsForTheSpeechBeforeIt() async throws {
        // The answer carries Speak, then Play with a cid: attachment in the same dialog; the
        // second turn (a tap after the first) has nothing to say.
        let device = try await MusicDevice.start(scenario: """
            [[recognize]]
            stop_capture_after_ms = 600
            play = [{ url = "cid", repeat = 2, token = "attached" }]
            [[recognize]]
            speak = false
            stop_capture_after_ms = 600
            """, name: "cid")
        let simulator = device.simulator
        let outcome = try await device.run(seconds: 7, tapAfter: 300)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.has("→ SpeechSynthesizer.SpeechFinished"), "\(outcome.transcript)")
        let events = device.audioPlayerEvents()
        #expect(events.ordered(["PlaybackStarted(attached)", "PlaybackNearlyFinished(attached)", "PlaybackFinished(attached)"]),
                "\(events.names)")
        // Sequencing: the Play ran only after the Speak before it had finished.
        let all = simulator.eventsLog.filter { $0.contains("POST /v20160207/events") }
        let finishedAt = try #require(all.firstIndex { $0.contains("SpeechSynthesizer.SpeechFinished") })
        let startedAt = try #require(all.firstIndex { $0.contains("AudioPlayer.PlaybackStarted") })
        #expect(finishedAt < startedAt, "\(all)")
        let music = try Correlation.samples(wav: device.musicWAV)
        #expect(abs(music.count - 2 * 37_440) < 4_800, "\(music.count) samples")
        let reference = try device.referenceReply()
        let correlation = try await OffPool.run { Correlation.best(reference: reference, recorded: music, maxLag: 1200) }
        #expect(correlation > 0.95, "correlation \(correlation)")
    }

    @Test func stalledAndNonAudioStreamsFailAndTheNextPlays() async throws {
        let device = try await MusicDevice.start(scenario: Self.pushes([
            #"url = "/media/stream.mp3?repeat=4&stall_after=3000", token = "stalls""#,
            #"behavior = "ENQUEUE", url = "/media/page.html", token = "webpage""#,
            #"behavior = "ENQUEUE", url = "/media/stream.mp3?repeat=1", token = "next""#,
        ]), name: "stall", stallSeconds: 2)
        let outcome = try await device.run(seconds: 12)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let events = device.audioPlayerEvents()
        #expect(events.ordered(["PlaybackStarted(stalls)", "PlaybackFailed(stalls)", "PlaybackFailed(webpage)",
                                "PlaybackStarted(next)", "PlaybackFinished(next)"]), "\(events.names)")
        let failures = events.payloads(of: "PlaybackFailed")
        #expect(failures.first?.contains("MEDIA_ERROR_SERVICE_UNAVAILABLE") == true, "\(failures)")
        #expect(failures.last?.contains("MEDIA_ERROR_INVALID_REQUEST") == true, "\(failures)")
        // The stall left the speaker dry while the download had nothing: a stutter.
        #expect(events.ordered(["PlaybackStutterStarted(stalls)", "PlaybackFailed(stalls)"]), "\(events.names)")
    }

    @Test func musicIsDuckedUnderSpeechAndComesBack() async throws {
        let device = try await MusicDevice.start(scenario: "[[recognize]]\nstop_capture_after_ms = 800\n"
                                      + Self.pushes([#"url = "/media/stream.mp3?repeat=6", token = "song""#], firstAfter: 100), name: "duck", paced: true)
        let simulator = device.simulator
        let outcome = try await device.run(seconds: 9, tapAfter: 2500)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.has("→ SpeechSynthesizer.SpeechFinished"), "\(outcome.transcript)")
        let events = device.audioPlayerEvents()
        #expect(events.names.first == "PlaybackStarted(song)", "\(events.names)")
        // The Recognize said music was playing.
        let recognize = RecordedEvents(records: simulator.recorded("SpeechRecognizer.Recognize"))
        let context = recognize.contexts.first ?? ""
        #expect(context.contains(#""namespace":"AudioPlayer""#) && context.contains(#""token":"song""#)
                && context.contains(#""playerActivity":"PLAYING""#), "\(context)")
        #expect(!events.names.contains { $0.hasPrefix("PlaybackFailed") || $0.hasPrefix("PlaybackStopped") }, "\(events.names)")
        // Gain of each 200 ms of music against the undimmed reply: full, then ducked while
        // Alexa listened and spoke, then full again.
        let music = try Correlation.samples(wav: device.musicWAV)
        let reference = try device.referenceReply()
        let gains = try await OffPool.run { Loudness.gains(recorded: music, reference: reference, window: 4_800) }
        // Volume 50 on the cubic curve is a gain of 0.125; ducked to 40 % of it, 0.008.
        let full = 0.125
        let levels = gains.map { $0 > full * 0.6 ? "F" : $0 < full * 0.25 ? "d" : "?" }.joined()
        print("measured: music gain per 200 ms (F full, d ducked): \(levels)")
        // A window the change falls in, and one holding the quiet gap between two plays of the
        // stream, read between the thresholds ("?"): up to two on either side of the ducked stretch.
        #expect(levels.range(of: #"F+\?{0,2}d{3,}\?{0,2}F+"#, options: .regularExpression) != nil, "\(levels)")
    }
}

/// A `hark` device with a music PCM of its own (`player.device`), so music and speech land in
/// separate files.
struct MusicDevice {
    let device: Device
    let simulator: Simulator

    /// A simulator with `scenario` and a device against it, both started on a thread of their
    /// own: starting them waits for processes, which must not hold a cooperative-pool thread.
    static func start(scenario: String, name: String, paced: Bool = false, stallSeconds: Int = 10) async throws -> MusicDevice {
        try await OffPool.run {
            let simulator = try Simulator(scenario: scenario, in: try Harness.temporaryDirectory(name))
            return try MusicDevice(simulator: simulator, paced: paced, stallSeconds: stallSeconds)
        }
    }

    init(simulator: Simulator, paced: Bool = false, stallSeconds: Int = 10) throws {
        device = try Device(simulator: simulator, paced: paced)
        self.simulator = simulator
        let directory = device.directory
        let slave = paced ? "pulse" : "null"
        let asound = directory.appendingPathComponent("asound.conf")
        try (try String(contentsOf: asound, encoding: .utf8)
            + "\npcm.e2e_music { type file slave.pcm \"\(slave)\" file \"\(directory.path)/music.wav\" format \"wav\" }\n")
            .write(to: asound, atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("hark.toml")
        try (try String(contentsOf: config, encoding: .utf8) + "\n[player]\ndevice = \"e2e_music\"\nstall_timeout_s = \(stallSeconds)\n")
            .write(to: config, atomically: true, encoding: .utf8)
    }

    var musicWAV: URL { device.directory.appendingPathComponent("music.wav") }

    /// `hark run` for `seconds`, tapping `tapAfter` ms after connecting and after each turn.
    /// The wait for the process happens on a thread of its own, never on the cooperative pool
    /// (two threads on a 2-core machine, which other tests need meanwhile).
    func run(seconds: Int, tapAfter: Int? = nil) async throws -> Device.Outcome {
        var arguments = ["run", "--transcript", "--timeout", "\(seconds)"]
        if let tapAfter { arguments += ["--tap-after", "\(tapAfter)"] }
        let (device, finalArguments) = (self.device, arguments)
        return try await OffPool.run { try device.hark(finalArguments) }
    }

    /// The reply the simulator repeats, decoded by sox (an independent MP3 decoder).
    func referenceReply() throws -> [Int16] {
        let wav = device.directory.appendingPathComponent("reference.wav")
        _ = try Simulator.run("/usr/bin/sox", [Harness.reply, wav.path])
        return try Correlation.samples(wav: wav)
    }

    func audioPlayerEvents() -> RecordedEvents {
        RecordedEvents(records: simulator.recorded("AudioPlayer."))
    }

    /// Seconds from the stream's GET (events.log) to its PlaybackStarted (event record).
    func streamStartLatency(token: String, path: String) -> Double? {
        guard let get = simulator.eventsLog.first(where: { $0.contains("GET \(path)") }),
              let requested = Double(get.split(separator: " ").first ?? ""),
              let started = audioPlayerEvents().records.first(where: { RecordedEvents.name(of: $0) == "PlaybackStarted(\(token))" }),
              let time = started["time_s"] as? Double
        else { return nil }
        return time - requested
    }
}

/// Runs blocking work (spawning and waiting for processes) on a thread of its own while the
/// calling task waits without holding a cooperative-pool thread.
enum OffPool {
    /// Carries the body and its result between the task and the thread.
    private final class Handoff<T>: @unchecked Sendable {
        // Safe: `body` is called once, on the thread; `result` is written there before the
        // continuation resumes and read by the task only after it has resumed.
        let body: () throws -> T
        var result: Result<T, any Error>?
        init(_ body: @escaping () throws -> T) { self.body = body }
    }

    static func run<T>(_ body: @escaping () throws -> T) async throws -> T {
        let handoff = Handoff(body)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread {
                handoff.result = Result { try handoff.body() }
                continuation.resume()
            }.start()
        }
        return try handoff.result!.get()
    }
}

/// The AudioPlayer events the simulator recorded, as `Name(token)`.
struct RecordedEvents {
    let records: [[String: Any]]

    static func event(of record: [String: Any]) -> [String: Any] {
        (record["event"] as? [String: Any])?["event"] as? [String: Any] ?? [:]
    }

    static func name(of record: [String: Any]) -> String {
        let event = event(of: record)
        let name = (event["header"] as? [String: Any])?["name"] as? String ?? "?"
        let token = (event["payload"] as? [String: Any])?["token"] as? String
        return name + (token.map { "(\($0))" } ?? "")
    }

    var names: [String] { records.map(Self.name) }

    /// Whether `expected` occur in this order (other events may come between).
    func ordered(_ expected: [String]) -> Bool {
        var remaining = expected[...]
        for name in names where name == remaining.first { remaining = remaining.dropFirst() }
        return remaining.isEmpty
    }

    /// Payload JSON text of the events called `name`.
    func payloads(of name: String) -> [String] {
        records.filter { Self.name(of: $0).hasPrefix(name) }.compactMap { record in
            let payload = Self.event(of: record)["payload"] ?? [:]
            return (try? JSONSerialization.data(withJSONObject: payload)).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// Context JSON text of every event.
    var contexts: [String] {
        records.compactMap { record in
            let context = (record["event"] as? [String: Any])?["context"] ?? []
            return (try? JSONSerialization.data(withJSONObject: context)).map { String(decoding: $0, as: UTF8.self) }
        }
    }
}

/// Gain of a recording against its reference, window by window.
enum Loudness {
    /// For each `window` of `recorded` (the reference repeated end to end), the gain against
    /// the reference at the lag that matches best (tracked from window to window, so a gap the
    /// sound server left behind does not throw the comparison off); windows where the
    /// reference is too quiet to measure are skipped.
    static func gains(recorded: [Int16], reference: [Int16], window: Int) -> [Double] {
        guard !reference.isEmpty else { return [] }
        var gains: [Double] = []
        var lag = 0
        var start = 0
        while start + window <= recorded.count {
            var best = (score: -1.0, gain: 0.0, lag: lag)
            for candidate in stride(from: lag - 2_400, through: lag + 2_400, by: 48) {
                var dot = 0.0, recordedEnergy = 0.0, referenceEnergy = 0.0
                for index in start..<start + window {
                    let r = Double(reference[((index - candidate) % reference.count + reference.count) % reference.count])
                    let m = Double(recorded[index])
                    dot += r * m
                    recordedEnergy += m * m
                    referenceEnergy += r * r
                }
                guard referenceEnergy / Double(window) > 250_000 else { continue }
                let score = recordedEnergy > 0 ? dot / (recordedEnergy * referenceEnergy).squareRoot() : 0
                if score > best.score { best = (score, (recordedEnergy / referenceEnergy).squareRoot(), candidate) }
            }
            if best.score > -1 {
                gains.append(best.gain)
                if best.score > 0.8 { lag = best.lag }
            }
            start += window
        }
        return gains
    }
}
