import AVS
import Testing
@testable import Appliance

/// The control socket's line parser and splitter: pure values, every bad input answered.
struct ControlLineTests {
    @Test(arguments: [
        ("{\"cmd\":\"tap\"}", ControlCommand.tap), ("{\"cmd\":\"press\"}", .press), ("{\"cmd\":\"release\"}", .release),
        ("{\"cmd\":\"stop\"}", .stop), ("{\"cmd\":\"status\"}", .status), ("{\"cmd\":\"events\"}", .events),
        ("{\"cmd\":\"volume\",\"value\":40}", .volume(40)), ("{\"cmd\":\"volume\",\"value\":0}", .volume(0)),
        (" {\"value\":true, \"cmd\":\"mute\"} ", .mute(true)), ("{\"cmd\":\"mute\",\"value\":false}", .mute(false)),
    ])
    func parsesEveryCommand(line: String, expected: ControlCommand) {
        #expect(ControlCommand.parse(Array(line.utf8)) == .success(expected))
    }

    @Test(arguments: [
        ("", ControlLineError.empty), ("   ", .empty), ("tap", .notJSON), ("{\"cmd\":", .notJSON), ("[1,2]", .notAnObject),
        ("\"tap\"", .notAnObject), ("{}", .missingCommand), ("{\"cmd\":3}", .missingCommand),
        ("{\"cmd\":\"dance\"}", .unknownCommand("dance")),
    ])
    func refusesMalformedLines(line: String, expected: ControlLineError) {
        #expect(ControlCommand.parse(Array(line.utf8)) == .failure(expected))
    }

    @Test(arguments: ["{\"cmd\":\"volume\"}", "{\"cmd\":\"volume\",\"value\":101}", "{\"cmd\":\"volume\",\"value\":-1}",
                      "{\"cmd\":\"volume\",\"value\":4.5}", "{\"cmd\":\"volume\",\"value\":\"40\"}",
                      "{\"cmd\":\"mute\",\"value\":1}", "{\"cmd\":\"mute\"}"])
    func refusesBadValuesWithAnExample(line: String) throws {
        guard case .failure(let error) = ControlCommand.parse(Array(line.utf8)) else {
            Issue.record("accepted \(line)")
            return
        }
        guard case .badValue = error else {
            Issue.record("\(error)")
            return
        }
        #expect(error.description.contains("e.g."))
    }

    @Test func errorsNameTheFix() {
        for error in [ControlLineError.empty, .notJSON, .notAnObject, .missingCommand, .unknownCommand("x"), .tooLong(5000)] {
            #expect(error.description.contains("{\"cmd\"") || error.description.contains("use one of") || error.description.contains("per line"),
                    "\(error)")
        }
    }

    @Test func splitterJoinsChunksAndStripsCarriageReturns() {
        var splitter = ControlLineSplitter()
        #expect(splitter.feed(Array("{\"cmd\":".utf8)).isEmpty)
        #expect(splitter.feed(Array("\"tap\"}\r\n{\"cmd\":\"stop\"}\n{\"c".utf8))
                == [.line(Array("{\"cmd\":\"tap\"}".utf8)), .line(Array("{\"cmd\":\"stop\"}".utf8))])
        #expect(splitter.pendingBytes == 3)
    }

    @Test func overlongLineIsReportedOnceAndTheNextLineStillWorks() {
        var splitter = ControlLineSplitter(maximumLineBytes: 16)
        var pieces: [ControlLineSplitter.Piece] = []
        for _ in 0..<100 { pieces += splitter.feed(Array(repeating: UInt8(ascii: "a"), count: 1000)) }
        #expect(pieces == [.tooLong(bytes: 17)])
        #expect(splitter.pendingBytes == 0)
        #expect(splitter.feed(Array("aaa\n{\"cmd\":\"tap\"}\n".utf8)) == [.line(Array("{\"cmd\":\"tap\"}".utf8))])
    }

    @Test func tooLongLineIsRefusedByTheParser() {
        let line = Array(repeating: UInt8(ascii: " "), count: ControlCommand.maximumLineBytes + 1)
        #expect(ControlCommand.parse(line) == .failure(.tooLong(line.count)))
    }
}
