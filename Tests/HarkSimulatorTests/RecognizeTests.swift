import Audio
import Foundation
import HarkSimulator
import Opus
import Testing

/// Parts of a `multipart/related` body, split plainly (the simulator's own framing, read
/// back independently of any client's reader).
func multipartParts(_ body: [UInt8], boundary: String) -> (prefix: [UInt8], parts: [(headers: String, content: [UInt8])], closed: Bool) {
    let delimiter = Array("--\(boundary)".utf8)
    var indices: [Int] = []
    var index = 0
    while index + delimiter.count <= body.count {
        if body[index..<(index + delimiter.count)].elementsEqual(delimiter) {
            indices.append(index)
            index += delimiter.count
        } else {
            index += 1
        }
    }
    guard let first = indices.first else { return (body, [], false) }
    var parts: [(String, [UInt8])] = []
    for (start, end) in zip(indices, indices.dropFirst()) {
        var part = Array(body[(start + delimiter.count)..<end])
        if part.starts(with: [13, 10]) { part.removeFirst(2) }
        if part.count >= 2, part.suffix(2) == [13, 10] { part.removeLast(2) }
        let split = part.indices.first { part[$0...].starts(with: Array("\r\n\r\n".utf8)) } ?? part.count
        parts.append((String(decoding: part[..<split], as: UTF8.self), Array(part.dropFirst(split + 4))))
    }
    let closed = body[(indices.last! + delimiter.count)...].starts(with: Array("--\r\n".utf8))
    return (Array(body[..<first]), parts, closed)
}

func boundary(of contentType: String?) -> String {
    contentType.flatMap { contentTypeParameter("boundary", in: $0) } ?? "?"
}

@Suite struct RecognizeTests {
    static let scenario = """
        [server]
        speak_chunk_bytes = 1000
        speak_chunk_pause_ms = 5
        [[recognize]]
        stop_capture_after_ms = 300
        expect_speech_timeout_ms = 5000
        set_volume = 30
        """

    @Test func tapRecognizeWithOpusGetsSpeakStopCaptureAndARecordingThatDecodesBack() async throws {
        let sim = try await SimulatorHarness(toml: Self.scenario)
        defer { sim.finish() }
        let downchannel = try await sim.openDownchannel()
        defer { downchannel.stop() }

        let samples = try EventBodies.fixtureSamples()
        let audio = try EventBodies.opus(samples)
        #expect(audio.count % 80 == 0)
        let event = EventBodies.recognize(format: "OPUS", initiator: "TAP")
        let dialog = try #require(event["event"]?["header"]?["dialogRequestId"]?.stringValue)
        let started = ContinuousClock.now
        let result = try await sim.curl("/v20160207/events", method: "POST", contentType: EventBodies.contentType,
                                        body: EventBodies.body(event, audio: audio))
        let elapsed = ContinuousClock.now - started
        #expect(result.status == 200)
        #expect(result.header("content-type")?.hasPrefix("multipart/related; boundary=") == true)
        let split = multipartParts(result.body, boundary: boundary(of: result.header("content-type")))
        #expect(split.prefix.isEmpty)
        #expect(split.closed)
        #expect(split.parts.count == 4)
        let speak = try #require(SimJSON.parse(split.parts[0].content))
        #expect(speak["directive"]?["header"]?["name"]?.stringValue == "Speak")
        #expect(speak["directive"]?["header"]?["dialogRequestId"]?.stringValue == dialog)
        let url = try #require(speak["directive"]?["payload"]?["url"]?.stringValue)
        #expect(url.hasPrefix("cid:"))
        #expect(split.parts[1].headers.contains("Content-ID: <\(url.dropFirst(4))>"))
        #expect(split.parts[1].headers.contains("application/octet-stream"))
        #expect(split.parts[1].content == DefaultReply.mp3)
        let names = split.parts[2...].compactMap { SimJSON.parse($0.content)?["directive"]?["header"]?["name"]?.stringValue }
        #expect(names == ["SetVolume", "ExpectSpeech"])
        // 9360 bytes in 1000-byte chunks with 5 ms pauses: streamed, not dumped.
        #expect(elapsed > .milliseconds(40))

        #expect(await downchannel.waitFor("StopCapture"))
        #expect(downchannel.text.contains(dialog))

        let wavs = sim.recordFiles(suffix: ".wav")
        #expect(wavs.count == 1)
        let recorded = try WAVFile.read(path: try #require(wavs.first))
        #expect(recorded.format == .microphone)
        #expect(recorded.samples.count == audio.count / 80 * 320)
        let lookahead = try OpusEncoder().lookahead
        let correlation = bestCorrelation(samples, recorded.samples, lags: max(0, lookahead - 4)...(lookahead + 4))
        #expect(correlation > 0.9, "correlation \(correlation)")  // 0.97 measured
        let record = try #require(sim.recordFiles(suffix: ".json").first)
        let recordText = try String(contentsOfFile: record, encoding: .utf8)
        #expect(recordText.contains("StopCapture sent after"))

        // The follow-up turn echoes the ExpectSpeech initiator.
        let expect = try #require(SimJSON.parse(split.parts[3].content))
        let initiator = try #require(expect["directive"]?["payload"]?["initiator"])
        let followUp = EventBodies.event("SpeechRecognizer", "Recognize", payload: [
            "profile": "NEAR_FIELD", "format": "OPUS", "initiator": initiator,
        ], dialogRequestId: UUID().uuidString)
        let second = try await sim.curl("/v20160207/events", method: "POST", contentType: EventBodies.contentType,
                                        body: EventBodies.body(followUp, audio: Array(audio.prefix(800))))
        #expect(second.status == 200)
        let state = try await sim.curl("/sim/state", token: nil)
        #expect(state.json?["recognizes"]?.numberValue == 2)
    }

    @Test func holdToTalkWithL16IsRecordedExactlyAndGetsNoStopCapture() async throws {
        let sim = try await SimulatorHarness(toml: """
            [[recognize]]
            speak = false
            set_mute = true
            stop_capture_after_ms = 100
            """)
        defer { sim.finish() }
        let downchannel = try await sim.openDownchannel()
        defer { downchannel.stop() }
        let samples = try EventBodies.fixtureSamples()
        let event = EventBodies.recognize(format: "AUDIO_L16_RATE_16000_CHANNELS_1", initiator: "PRESS_AND_HOLD", profile: "CLOSE_TALK")
        let result = try await sim.curl("/v20160207/events", method: "POST", contentType: EventBodies.contentType,
                                        body: EventBodies.body(event, audio: EventBodies.l16(samples)))
        #expect(result.status == 200)
        let split = multipartParts(result.body, boundary: boundary(of: result.header("content-type")))
        #expect(split.parts.count == 1)
        #expect(SimJSON.parse(split.parts[0].content)?["directive"]?["header"]?["name"]?.stringValue == "SetMute")
        let recorded = try WAVFile.read(path: try #require(sim.recordFiles(suffix: ".wav").first))
        #expect(recorded.samples == samples)
        try await Task.sleep(for: .milliseconds(100))
        #expect(!downchannel.text.contains("StopCapture"))
    }

    @Test func recognizeWithNothingToSayIs204() async throws {
        let sim = try await SimulatorHarness(toml: "[[recognize]]\nspeak = false\n")
        defer { sim.finish() }
        let event = EventBodies.recognize(format: "AUDIO_L16_RATE_16000_CHANNELS_1", initiator: "PRESS_AND_HOLD", profile: "CLOSE_TALK")
        let result = try await sim.curl("/v20160207/events", method: "POST", contentType: EventBodies.contentType,
                                        body: EventBodies.body(event, audio: [0, 0, 1, 0]))
        #expect(result.status == 204)
    }
}
