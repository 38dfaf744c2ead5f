#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AVS

/// A JSON value in one state file, replaced atomically on every save (temp file, fsync,
/// rename, fsync of the directory): after a power cut it holds the old value or the new one.
public struct JSONStateFile<Value: Codable & Sendable>: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The stored value; nil when nothing was stored. A damaged file is an error that names
    /// the file, so the caller can say so and start empty.
    public func load() throws(StateFileError) -> Value? {
        guard let bytes = try AtomicFile.read(path) else { return nil }
        do {
            return try JSONDecoder().decode(Value.self, from: Data(bytes))
        } catch {
            throw StateFileError(path: path, operation: "decode", reason: "not the JSON hark writes (\(error)); delete it to start empty")
        }
    }

    public func save(_ value: Value) throws(StateFileError) {
        let bytes: [UInt8]
        do {
            bytes = Array(try JSONEncoder().encode(value))
        } catch {
            throw StateFileError(path: path, operation: "encode", reason: "\(error)")
        }
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !directory.isEmpty { try AtomicFile.ensureDirectory(directory) }
        try AtomicFile.write(bytes, to: path, mode: 0o600)
    }
}

/// The alerts AVS set, in `<state.dir>/alerts.json`.
public typealias AlertStore = JSONStateFile<[Alert]>

extension JSONStateFile where Value == [Alert] {
    public init(directory: String) {
        self.init(path: directory + "/alerts.json")
    }
}

/// The notification indicator, in `<state.dir>/indicator.json`.
public typealias IndicatorStore = JSONStateFile<NotificationsAgent.Indicator>

extension JSONStateFile where Value == NotificationsAgent.Indicator {
    public init(directory: String) {
        self.init(path: directory + "/indicator.json")
    }
}
