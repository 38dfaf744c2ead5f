import Foundation
import Testing

/// `hark audio` against a real PulseAudio daemon through ALSA's pulse plugin: the path a
/// container on a laptop uses. The null sink's monitor is the microphone, so what is played
/// into the sink is what gets recorded. Serialized: each test times real audio.
@Suite(.serialized) struct PulseAudioTests {
    /// (a) An MP3 played by hark comes out of the sink at its pitch.
    @Test func playedMP3IsHeardOnTheMonitor() async throws {
        let pulse = try PulseAudioServer()
        try await pulse.start()

        let monitor = try pulse.recordMonitor()
        try await Task.sleep(for: .milliseconds(300))  // parec connected and streaming
        let result = try await HarkBinary.run(
            ["audio", "play", "--device", "pulse", HarkBinary.fixture("tone-440hz-24k-mono.mp3")],
            environment: pulse.clientEnvironment, scratch: pulse.directory)
        try await Task.sleep(for: .milliseconds(300))
        monitor.send(SIGTERM)
        await monitor.waitForExit(timeout: .seconds(5))

        #expect(result.status == 0, "stderr: \(result.stderr)")
        // Paced: 1.5 s of audio takes about that long to play.
        #expect(result.elapsed > .milliseconds(1200), "played in \(result.elapsed)")
        let heard = Tone(raw: monitor.stdoutData, sampleRate: 16_000).trimmed()
        #expect(heard.seconds > 1.2, "heard \(heard.seconds) s of sound")
        #expect(heard.rms > 0.1, "rms \(heard.rms)")
        let pitch = try #require(heard.frequency)
        #expect(abs(pitch - 440) <= 10, "heard \(pitch) Hz")
    }

    /// (b) A tone played into the sink is recorded through automatic device selection
    /// (PULSE_SERVER set, no --device), paced in real time.
    @Test func recordsTheMonitorThroughAutomaticSelection() async throws {
        let pulse = try PulseAudioServer()
        try await pulse.start()

        let tone = pulse.directory.appendingPathComponent("tone-660.wav").path
        try Tone.writeSine(frequency: 660, seconds: 6, to: tone)
        _ = try pulse.play(tone)
        try await Task.sleep(for: .milliseconds(300))

        let output = pulse.directory.appendingPathComponent("heard.wav").path
        let result = try await HarkBinary.run(["audio", "record", "--seconds", "3", output],
                                              environment: pulse.clientEnvironment, scratch: pulse.directory)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(result.stderr.contains("capture device pulse"), "selection not logged: \(result.stderr)")
        // Paced by the server: 3 s of audio arrive in about 3 s (arecord: 2.9 s). Much longer
        // means the server dropped audio the client did not read in time.
        #expect(result.elapsed > .milliseconds(2500) && result.elapsed < .milliseconds(4000),
                "3 s recorded in \(result.elapsed)")

        let recorded = try Tone(wavFile: output)
        #expect(recorded.sampleRate == 16_000)
        #expect(abs(recorded.seconds - 3) < 0.02, "\(recorded.seconds) s in the file")
        let steady = recorded.slice(from: 0.5, to: 2.8)
        #expect(steady.rms > 0.1, "rms \(steady.rms)")
        let pitch = try #require(steady.frequency)
        #expect(abs(pitch - 660) <= 10, "recorded \(pitch) Hz")
    }

    /// (c) The sound server dies mid-capture and comes back: hark reopens the PCM, keeps
    /// recording, and ends normally with the new server's audio in the file.
    @Test func survivesTheServerRestartingMidCapture() async throws {
        let pulse = try PulseAudioServer()
        try await pulse.start()

        let before = pulse.directory.appendingPathComponent("before-440.wav").path
        let after = pulse.directory.appendingPathComponent("after-660.wav").path
        try Tone.writeSine(frequency: 440, seconds: 5, to: before)
        try Tone.writeSine(frequency: 660, seconds: 10, to: after)
        _ = try pulse.play(before)  // dies with the daemon
        try await Task.sleep(for: .milliseconds(300))

        let output = pulse.directory.appendingPathComponent("survived.wav").path
        let hark = try HarkBinary.start(["audio", "record", "--seconds", "6", output],
                                        environment: pulse.clientEnvironment, scratch: pulse.directory)
        try await Task.sleep(for: .seconds(2))
        await pulse.kill()
        try await Task.sleep(for: .seconds(1))
        try await pulse.start()
        _ = try pulse.play(after)

        let status = await hark.waitForExit(timeout: .seconds(20))
        let stderr = hark.stderr
        #expect(status == 0, "stderr: \(stderr)")
        #expect(stderr.range(of: "lost|gone|disconnect", options: [.regularExpression, .caseInsensitive]) != nil,
                "device loss not reported: \(stderr)")
        #expect(stderr.range(of: "reopened", options: .caseInsensitive) != nil, "reopen not reported: \(stderr)")

        let recorded = try Tone(wavFile: output)
        #expect(abs(recorded.seconds - 6) < 0.02, "\(recorded.seconds) s in the file")
        let early = recorded.slice(from: 0.3, to: 1.5)
        let late = recorded.slice(from: recorded.seconds - 1.5, to: recorded.seconds - 0.1)
        #expect(abs((early.frequency ?? 0) - 440) <= 10, "before the restart: \(early.frequency ?? 0) Hz")
        #expect(late.rms > 0.1, "after the restart: rms \(late.rms)")
        #expect(abs((late.frequency ?? 0) - 660) <= 10, "after the restart: \(late.frequency ?? 0) Hz")
    }

    /// Without --seconds a recording runs until SIGTERM (systemd) or SIGINT (Ctrl-C); either
    /// way hark exits 0 and the file is finished: WAV sizes patched, Opus whole packets.
    @Test func stopSignalsFinishTheFile() async throws {
        let pulse = try PulseAudioServer()
        try await pulse.start()
        let tone = pulse.directory.appendingPathComponent("tone-440.wav").path
        try Tone.writeSine(frequency: 440, seconds: 6, to: tone)
        _ = try pulse.play(tone)
        try await Task.sleep(for: .milliseconds(200))

        let wav = pulse.directory.appendingPathComponent("until-term.wav").path
        let recorder = try HarkBinary.start(["audio", "record", wav], environment: pulse.clientEnvironment,
                                            scratch: pulse.directory)
        try await Task.sleep(for: .milliseconds(1500))
        recorder.send(SIGTERM)
        #expect(await recorder.waitForExit(timeout: .seconds(5)) == 0, "stderr: \(recorder.stderr)")
        #expect(recorder.stderr.contains("SIGTERM received"), "\(recorder.stderr)")
        let recorded = try Tone(wavFile: wav)
        let size = try FileManager.default.attributesOfItem(atPath: wav)[.size] as? Int ?? 0
        #expect(size == 44 + recorded.samples.count * 2, "WAV header not finished: \(size) bytes")
        #expect(recorded.seconds > 1.0 && recorded.seconds < 1.8, "\(recorded.seconds) s")
        #expect(abs((recorded.slice(from: 0.3, to: 1.0).frequency ?? 0) - 440) <= 10)

        let opus = pulse.directory.appendingPathComponent("until-int.opus").path
        let talker = try HarkBinary.start(["audio", "record", opus], environment: pulse.clientEnvironment,
                                          scratch: pulse.directory)
        try await Task.sleep(for: .milliseconds(1000))
        talker.send(SIGINT)
        #expect(await talker.waitForExit(timeout: .seconds(5)) == 0, "stderr: \(talker.stderr)")
        let bytes = try FileManager.default.attributesOfItem(atPath: opus)[.size] as? Int ?? 0
        // 50 packets of 80 bytes per second of audio, nothing else.
        #expect(bytes > 0 && bytes % 80 == 0, "\(bytes) bytes")
        #expect(bytes / 80 >= 30 && bytes / 80 <= 70, "\(bytes / 80) packets in about 1 s")
    }

    /// (e) With PULSE_SERVER set and answering, `hark audio devices` picks pulse and says why.
    @Test func devicesNamesPulseAndWhy() async throws {
        let pulse = try PulseAudioServer()
        try await pulse.start()

        let result = try await HarkBinary.run(["audio", "devices"], environment: pulse.clientEnvironment,
                                              scratch: pulse.directory)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        for direction in ["capture:", "playback:"] {
            let line = try #require(lines.first { $0.hasPrefix(direction) }, "\(result.stdout)")
            #expect(line.contains(" pulse "), "\(line)")
            #expect(line.contains("PULSE_SERVER"), "reason should name PULSE_SERVER: \(line)")
        }
        #expect(lines.contains { $0.hasPrefix("cards:") })
    }
}
