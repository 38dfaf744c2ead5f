import AVS

/// The speaker's volume and mute, kept in `<state.dir>/speaker` so AVS's last setting
/// survives a restart. Two lines of text (`volume=NN`, `muted=true|false`), replaced
/// atomically.
public struct SpeakerStore: Sendable {
    public let directory: String
    public var path: String { directory + "/speaker" }

    public init(directory: String) {
        self.directory = directory
    }

    /// The stored settings; nil when none were stored or the file is unreadable garbage
    /// (the initial volume applies then).
    public func load() throws(StateFileError) -> SpeakerSettings? {
        guard let bytes = try AtomicFile.read(path) else { return nil }
        var volume: Int?
        var muted: Bool?
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces }
            guard parts.count == 2 else { continue }
            switch parts[0] {
            case "volume": volume = Int(parts[1]).flatMap { (0...100).contains($0) ? $0 : nil }
            case "muted": muted = Bool(parts[1])
            default: continue
            }
        }
        guard let volume, let muted else { return nil }
        return SpeakerSettings(volume: volume, muted: muted)
    }

    public func save(_ settings: SpeakerSettings) throws(StateFileError) {
        try AtomicFile.ensureDirectory(directory)
        try AtomicFile.write(Array("volume=\(settings.volume)\nmuted=\(settings.muted)\n".utf8), to: path)
    }
}
