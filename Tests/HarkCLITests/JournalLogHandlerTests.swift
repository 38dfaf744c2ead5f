import Foundation
import Logging
import Synchronization
import Testing
@testable import hark

/// Log lines in the two forms: journald's `<N>` priority prefix off a terminal, plain level
/// words on one; always one line per message, never an escape sequence.
@Suite struct JournalLogHandlerTests {
    final class Lines: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    func logger(_ style: JournalLogHandler.Style, level: Logger.Level = .trace) -> (Logger, Lines) {
        let lines = Lines()
        let handler = JournalLogHandler(label: "hark.test", level: level, style: style,
                                        sink: { lines.append($0) })
        return (Logger(label: "hark.test", factory: { _ in handler }), lines)
    }

    @Test func syslogPrefixPerLevel() {
        let (log, lines) = logger(.syslogPrefix)
        log.trace("t"); log.debug("d"); log.info("i"); log.notice("n")
        log.warning("w"); log.error("e"); log.critical("c")
        #expect(lines.all == [
            "<7>hark.test: t", "<7>hark.test: d", "<6>hark.test: i", "<5>hark.test: n",
            "<4>hark.test: w", "<3>hark.test: e", "<2>hark.test: c",
        ])
    }

    @Test func plainLinesForATerminal() {
        let (log, lines) = logger(.plain)
        log.warning("capture device lost", metadata: ["device": "pulse", "attempt": "2"])
        #expect(lines.all == ["warning hark.test: capture device lost attempt=2 device=pulse"])
    }

    @Test func newlinesStayOnOneLine() {
        let (log, lines) = logger(.syslogPrefix)
        log.error("first\nsecond", metadata: ["detail": "a\r\nb"])
        #expect(lines.all == [#"<3>hark.test: first\nsecond detail=a\r\nb"#])
    }

    @Test func levelFilterIsTheLoggers() {
        let (log, lines) = logger(.syslogPrefix, level: .notice)
        log.info("hidden"); log.notice("shown")
        #expect(lines.all == ["<5>hark.test: shown"])
    }

    /// Off a terminal (the test's pipe), every stderr line of a real run carries a priority
    /// prefix and no colour; HARK_LOG_LEVEL=debug lets debug lines through.
    @Test func realRunOffATerminal() async throws {
        let scratch = try makeScratchDirectory("log")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let wav = scratch.appendingPathComponent("tone.wav").path
        try Tone.writeSine(frequency: 440, seconds: 0.1, to: wav)
        let result = try await HarkBinary.run(["audio", "play", "--device", "null", wav],
                                              environment: ["HARK_LOG_LEVEL": "debug"], scratch: scratch)
        #expect(result.status == 0, "stderr: \(result.stderr)")
        #expect(!result.stderrLines.isEmpty)
        for line in result.stderrLines {
            #expect(line.range(of: #"^<[0-7]>"#, options: .regularExpression) != nil, "\(line)")
            #expect(!line.contains("\u{1B}"), "escape sequence in \(line)")
        }
        #expect(result.stderrLines.contains { $0.hasPrefix("<7>") }, "no debug line: \(result.stderr)")
    }
}
