import Foundation
import HarkSimulator
import Testing

/// The AudioPlayer side of the simulator: the media it serves over its own TLS listener, the
/// Play directives of a scenario, and how it checks AudioPlayer events.
@Suite struct MediaTests {
    @Test func streamIsTheReplyRepeatedAndPlaylistsNameIt() async throws {
        let sim = try await SimulatorHarness()
        defer { sim.finish() }
        let stream = try await sim.curl("/media/stream.mp3?repeat=3&chunk=4000&pause_ms=5", token: nil)
        #expect(stream.status == 200)
        #expect(stream.header("content-type") == "audio/mpeg")
        #expect(stream.body == DefaultReply.mp3 + DefaultReply.mp3 + DefaultReply.mp3)

        let m3u = try await sim.curl("/media/playlist.m3u?repeat=4", token: nil)
        #expect(m3u.header("content-type") == "audio/x-mpegurl")
        let entries = m3u.bodyText.split(separator: "\n").filter { !$0.hasPrefix("#") }
        #expect(entries.first == "https://localhost:\(sim.server.port)/media/stream.mp3?repeat=4")
        let pls = try await sim.curl("/media/playlist.pls", token: nil)
        #expect(pls.bodyText.contains("File1=https://localhost:\(sim.server.port)/media/stream.mp3?repeat=2"))
        #expect(try await sim.curl("/media/nothing.mp3", token: nil).status == 404)
        #expect(try await sim.curl("/media/page.html", token: nil).header("content-type") == "text/html")
    }

    @Test func stallingStreamSendsItsBytesThenNothing() async throws {
        let sim = try await SimulatorHarness()
        defer { sim.finish() }
        let started = ContinuousClock.now
        let stalled = try await sim.curl("/media/stream.mp3?repeat=5&stall_after=3000&pause_ms=5", token: nil, maxTime: 1.5)
        #expect(stalled.exitCode == 28)  // curl: operation timed out
        #expect(stalled.body.count == 3000)
        #expect(ContinuousClock.now - started >= .milliseconds(1400))
    }

    @Test func scenarioPlaysGoInTheAnswerAndOnTheDownchannel() async throws {
        let sim = try await SimulatorHarness(toml: """
            [[recognize]]
            speak = false
            stop_capture_after_ms = 0
            play = [{ url = "cid", repeat = 1, token = "song-1", progress_delay_ms = 1000 },
                    { behavior = "ENQUEUE", url = "/media/stream.mp3", token = "song-2", expected_previous_token = "song-1" }]
            [[push]]
            after_ms = 10
            play = { url = "/media/playlist.m3u", token = "radio", offset_ms = 5000 }
            """)
        defer { sim.finish() }
        let downchannel = try await sim.openDownchannel()
        defer { downchannel.stop() }
        #expect(await downchannel.waitFor("radio"))
        #expect(downchannel.text.contains("\"url\":\"https://localhost:\(sim.server.port)/media/playlist.m3u\""))
        #expect(downchannel.text.contains("\"offsetInMilliseconds\":5000"))

        let answer = try await sim.curl("/v20160207/events", method: "POST", contentType: EventBodies.contentType,
                                        body: EventBodies.body(EventBodies.recognize(format: "AUDIO_L16_RATE_16000_CHANNELS_1",
                                                                                     initiator: "PRESS_AND_HOLD", profile: "CLOSE_TALK"),
                                                               audio: [UInt8](repeating: 0, count: 3200)))
        #expect(answer.status == 200)
        let parts = multipartParts(answer.body, boundary: boundary(of: answer.header("content-type"))).parts
        let plays = parts.compactMap { SimJSON.parse($0.content) }.filter { $0["directive"]?["header"]?["name"] == "Play" }
        #expect(plays.count == 2)
        let cid = try #require(plays.first?["directive"]?["payload"]?["audioItem"]?["stream"]?["url"]?.stringValue)
        #expect(cid.hasPrefix("cid:"))
        let attachment = try #require(parts.first { $0.headers.contains("Content-ID: <\(cid.dropFirst(4))>") })
        #expect(attachment.content == DefaultReply.mp3)
        #expect(plays.last?["directive"]?["payload"]?["playBehavior"] == "ENQUEUE")
        #expect(plays.last?["directive"]?["payload"]?["audioItem"]?["stream"]?["expectedPreviousToken"] == "song-1")
    }

    @Test func audioPlayerEventsAreCheckedAndTheirTokensNoted() async throws {
        let sim = try await SimulatorHarness()
        defer { sim.finish() }
        let downchannel = try await sim.openDownchannel()
        defer { downchannel.stop() }
        func post(_ name: String, _ payload: SimJSON, context: [SimJSON]? = nil) async throws -> Int {
            let namespace = name.split(separator: ".")[0], event = name.split(separator: ".")[1]
            return try await sim.curl("/v20160207/events", method: "POST", contentType: EventBodies.contentType,
                                      body: EventBodies.body(EventBodies.event(String(namespace), String(event), payload: payload,
                                                                               context: context))).status
        }
        #expect(try await post("AudioPlayer.PlaybackStarted", ["token": "unknown", "offsetInMilliseconds": 0]) == 204)
        #expect(try await post("AudioPlayer.PlaybackStarted", ["token": "x"]) == 400)
        #expect(try await post("AudioPlayer.PlaybackFailed", [
            "token": "x", "currentPlaybackState": ["token": "x", "offsetInMilliseconds": 0, "playerActivity": "PLAYING"],
            "error": ["type": "MEDIA_ERROR_SERVICE_UNAVAILABLE", "message": "stalled"],
        ]) == 204)
        #expect(try await post("AudioPlayer.PlaybackFailed", [
            "token": "x", "currentPlaybackState": ["token": "x", "offsetInMilliseconds": 0, "playerActivity": "PLAYING"],
            "error": ["type": "BROKEN", "message": "stalled"],
        ]) == 400)
        #expect(try await post("PlaybackController.NextCommandIssued", [:], context: nil) == 400)
        #expect(try await post("PlaybackController.NextCommandIssued", [:], context: [EventBodies.speechState]) == 204)
        let notes = sim.server.state.snapshot["notes"]?.arrayValue ?? []
        #expect(notes.contains { $0.stringValue?.contains("token 'unknown' names no Play") == true })
    }
}
