import Audio
import Foundation
import Synchronization

/// Writes what the simulator received into a directory, for tests and for people:
/// `events.log` (one line per request), `NNNN-Namespace.Name.json` per event (the event,
/// the stream, the time, headers without the token, the answer), `NNNN-...wav` per
/// Recognize (the audio decoded back to 16 kHz mono).
public final class Recorder: Sendable {
    public let directory: String
    /// Also write each `events.log` line to standard error.
    public let echo: Bool
    private let start: Date
    private let state = Mutex(State())

    private struct State {
        var nextEvent = 1
        var log: FileHandle?
    }

    public init(directory: String, start: Date = Date(), echo: Bool = false) throws {
        self.directory = directory
        self.echo = echo
        self.start = start
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let logPath = (directory as NSString).appendingPathComponent("events.log")
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        state.withLock { $0.log = handle }
    }

    /// Reserves the next event number (events are numbered in arrival order).
    public func nextEventNumber() -> Int {
        state.withLock { state in
            defer { state.nextEvent += 1 }
            return state.nextEvent
        }
    }

    /// One `events.log` line: elapsed seconds, method, path, status, and a note.
    public func logRequest(method: String, path: String, status: Int, note: String = "") {
        let elapsed = String(format: "%9.3f", Date().timeIntervalSince(start))
        let line = "\(elapsed) \(method) \(path) \(status)\(note.isEmpty ? "" : " " + note)\n"
        state.withLock { state in
            // A failed log write must not take the simulator down; the line is lost.
            try? state.log?.write(contentsOf: Data(line.utf8))
        }
        if echo { FileHandle.standardError.write(Data("hark-sim: \(line)".utf8)) }
    }

    /// The path for event `number`'s files, without extension.
    public func basePath(number: Int, name: String) -> String {
        let safe = name.map { $0.isLetter || $0.isNumber || $0 == "." ? $0 : "_" }
        return (directory as NSString).appendingPathComponent(String(format: "%04d-", number) + String(safe))
    }

    /// Writes one event record as indented JSON.
    public func writeEvent(number: Int, name: String, record: SimJSON) {
        let path = basePath(number: number, name: name) + ".json"
        try? Data(record.prettyText.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Writes a Recognize's decoded audio; returns the path written.
    @discardableResult
    public func writeAudio(number: Int, name: String, samples: [Int16]) -> String? {
        let path = basePath(number: number, name: name) + ".wav"
        do {
            try WAVFile(format: .microphone, samples: samples).write(path: path)
            return path
        } catch {
            return nil
        }
    }

    /// Seconds since the simulator started.
    public var elapsed: Double { Date().timeIntervalSince(start) }
}
