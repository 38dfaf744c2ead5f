import Foundation
import Testing

/// Every way to call `hark audio` wrongly ends in one line on stderr that names the problem
/// and the fix, and a sysexits code that says which kind of problem it was.
@Suite struct ErrorCaseTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var arguments: [String]
        var status: Int32
        /// Text the one line must contain.
        var mentions: [String]
        var testDescription: String { "hark " + arguments.joined(separator: " ") }
    }

    static let usageCases: [Case] = [
        Case(arguments: ["audio", "record", "--seconds", "-1", "out.wav"], status: 64, mentions: ["--seconds", "-1"]),
        Case(arguments: ["audio", "record", "--seconds", "nan", "out.wav"], status: 64, mentions: ["--seconds", "nan"]),
        Case(arguments: ["audio", "record", "--seconds", "soon", "out.wav"], status: 64, mentions: ["--seconds", "soon"]),
        Case(arguments: ["audio", "record", "--format", "flac", "out.wav"], status: 64, mentions: ["flac", "opus"]),
        Case(arguments: ["audio", "record", "out.mp4"], status: 64, mentions: ["out.mp4", "--format"]),
        Case(arguments: ["audio", "record"], status: 64, mentions: ["<output>"]),
        Case(arguments: ["audio", "play", "--volume", "101", "x.mp3"], status: 64, mentions: ["--volume", "101", "0 to 100"]),
        Case(arguments: ["audio", "play", "--volume", "-5", "x.mp3"], status: 64, mentions: ["--volume", "-5"]),
        Case(arguments: ["audio", "play", "notes.txt"], status: 64, mentions: ["notes.txt", ".wav", ".mp3"]),
        Case(arguments: ["audio", "play", "--log-level", "loud", "x.mp3"], status: 64, mentions: ["loud", "debug"]),
        Case(arguments: ["audio", "dance"], status: 64, mentions: ["dance"]),
        Case(arguments: ["audio", "play", "/nonexistent/reply.mp3"], status: 66, mentions: ["/nonexistent/reply.mp3", "No such file"]),
        Case(arguments: ["audio", "record", "--device", "null", "/nonexistent/dir/out.wav"], status: 73,
             mentions: ["/nonexistent/dir/out.wav"]),
    ]

    @Test(arguments: usageCases)
    func oneLineAndExitCode(_ testCase: Case) async throws {
        let scratch = try makeScratchDirectory("errors")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let result = try await HarkBinary.run(testCase.arguments, scratch: scratch)
        #expect(result.status == testCase.status, "stderr: \(result.stderr)")
        #expect(result.stderrLines.count == 1, "stderr: \(result.stderr)")
        let line = result.stderrLines.first ?? ""
        #expect(line.hasPrefix("<3>hark audio"), "\(line)")
        for text in testCase.mentions {
            #expect(line.contains(text), "'\(line)' should mention \(text)")
        }
        #expect(result.stdout.isEmpty)
    }

    @Test func corruptWAVIsADataError() async throws {
        let scratch = try makeScratchDirectory("errors")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let path = scratch.appendingPathComponent("broken.wav").path
        try Data("RIFF\u{0}\u{0}\u{0}\u{0}WAVEjunk".utf8).write(to: URL(fileURLWithPath: path))
        let result = try await HarkBinary.run(["audio", "play", "--device", "null", path], scratch: scratch)
        #expect(result.status == 65, "stderr: \(result.stderr)")
        let line = result.stderrLines.last ?? ""
        #expect(line.hasPrefix("<3>hark audio play:") && line.contains("broken.wav"), "\(line)")
    }

    @Test func notAnMP3IsADataError() async throws {
        let scratch = try makeScratchDirectory("errors")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let result = try await HarkBinary.run(
            ["audio", "play", "--device", "null", HarkBinary.fixture("not-mp3.mp3")], scratch: scratch)
        #expect(result.status == 65, "stderr: \(result.stderr)")
        let line = result.stderrLines.last ?? ""
        #expect(line.hasPrefix("<3>hark audio play:") && line.contains("not-mp3.mp3"), "\(line)")
    }

    @Test func unknownPlaybackDeviceIsUnavailable() async throws {
        let scratch = try makeScratchDirectory("errors")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let wav = scratch.appendingPathComponent("tone.wav").path
        try Tone.writeSine(frequency: 440, seconds: 0.2, to: wav)
        let result = try await HarkBinary.run(["audio", "play", "--device", "no_such_pcm", wav], scratch: scratch)
        #expect(result.status == 69, "stderr: \(result.stderr)")
        let line = result.stderrLines.last ?? ""
        #expect(line.hasPrefix("<3>hark audio play:") && line.contains("no_such_pcm"), "\(line)")
    }

    @Test func unknownCaptureDeviceIsUnavailableAndLeavesNoFile() async throws {
        let scratch = try makeScratchDirectory("errors")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let output = scratch.appendingPathComponent("out.wav").path
        let result = try await HarkBinary.run(
            ["audio", "record", "--device", "no_such_pcm", "--seconds", "1", output], scratch: scratch)
        #expect(result.status == 69, "stderr: \(result.stderr)")
        let line = result.stderrLines.last ?? ""
        #expect(line.hasPrefix("<3>hark audio record:") && line.contains("no_such_pcm"), "\(line)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }

    @Test func helpListsTheExitCodes() async throws {
        let scratch = try makeScratchDirectory("errors")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let result = try await HarkBinary.run(["audio", "record", "--help"], scratch: scratch)
        #expect(result.status == 0)
        for code in ["64", "65", "66", "69", "73", "74"] {
            #expect(result.stdout.contains("\n  \(code) "), "help should list exit code \(code)")
        }
    }
}
