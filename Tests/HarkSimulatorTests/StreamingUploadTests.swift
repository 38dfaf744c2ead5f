import Foundation
import HarkSimulator
import Testing

/// A Recognize whose audio is written while the user "speaks": curl streams stdin into the
/// open request (`-T -`), and StopCapture must arrive on the downchannel before the
/// upload ends, as it does from AVS.
@Suite struct StreamingUploadTests {
    @Test func stopCaptureArrivesWhileTheUploadIsStillOpen() async throws {
        let sim = try await SimulatorHarness(toml: "[[recognize]]\nstop_capture_after_ms = 200\n")
        defer { sim.finish() }
        let downchannel = try await sim.openDownchannel()
        defer { downchannel.stop() }

        let output = "\(sim.directory)/streamed.out"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = [
            "-sS", "-N", "--http2", "--cacert", sim.server.caPath, "-X", "POST", "-T", "-", "-o", output,
            "-w", "%{http_code}", "-H", "authorization: Bearer \(SimulatorHarness.token)",
            "-H", "content-type: \(EventBodies.contentType)", "--max-time", "60",
            sim.url + "/v20160207/events",
        ]
        let input = Pipe()
        let statusPipe = Pipe()
        process.standardInput = input
        process.standardOutput = statusPipe
        process.standardError = FileHandle.nullDevice
        try process.run()

        let event = EventBodies.recognize(format: "OPUS", initiator: "TAP")
        let whole = EventBodies.body(event, audio: try EventBodies.opus(try EventBodies.fixtureSamples()))
        let closing = Array("\r\n--\(EventBodies.boundary)--\r\n".utf8)
        let withoutClose = Array(whole.dropLast(closing.count))
        let audioStart = EventBodies.body(event, audio: []).count - closing.count
        // Headers and metadata first, then the audio 100 ms (5 packets) at a time.
        input.fileHandleForWriting.write(Data(withoutClose[..<audioStart]))
        var offset = audioStart
        var sawStopCaptureWhileOpen = false
        while offset < withoutClose.count {
            let end = min(offset + 400, withoutClose.count)
            input.fileHandleForWriting.write(Data(withoutClose[offset..<end]))
            offset = end
            try await Task.sleep(for: .milliseconds(100))
            if downchannel.text.contains("StopCapture") {
                sawStopCaptureWhileOpen = true
                break
            }
        }
        // The client closes the body the moment StopCapture arrives.
        input.fileHandleForWriting.write(Data(closing))
        try input.fileHandleForWriting.close()
        #expect(sawStopCaptureWhileOpen)
        #expect(offset < withoutClose.count, "StopCapture came only after all the audio")

        // Generous: other suites in the same process may hold the cooperative pool for a while.
        let deadline = ContinuousClock.now + .seconds(60)
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let status = String(decoding: statusPipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(status == "200")
        let answer = String(decoding: FileManager.default.contents(atPath: output) ?? Data(), as: UTF8.self)
        #expect(answer.contains("\"Speak\""))
    }
}
