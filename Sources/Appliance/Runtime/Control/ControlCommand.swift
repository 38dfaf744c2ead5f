import AVS

/// One request on the control socket, parsed from a JSON line such as `{"cmd":"tap"}` or
/// `{"cmd":"volume","value":40}`.
public enum ControlCommand: Sendable, Hashable {
    /// The button's gestures, as `SessionService.trigger` takes them.
    case tap, press, release, stop
    /// Speaker volume 0...100 (percent).
    case volume(Int)
    case mute(Bool)
    /// A one-line snapshot: status, connection, linked, volume.
    case status
    /// Stream state changes, dialog events and errors on this connection from now on.
    case events

    /// The longest line accepted, in bytes (newline not counted). Commands are tiny; a longer
    /// line is a client bug or a flood and is refused without being buffered.
    public static let maximumLineBytes = 1024

    /// Every command word, for error messages.
    static let words = ["tap", "press", "release", "stop", "volume", "mute", "status", "events"]

    /// Parses one line (without its newline). Pure: no I/O, no state, so it can be fuzzed.
    public static func parse(_ line: some Collection<UInt8>) -> Result<ControlCommand, ControlLineError> {
        guard line.count <= maximumLineBytes else { return .failure(.tooLong(line.count)) }
        let bytes = Array(line)
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { return .failure(.empty) }
        guard let value = try? JSONValue(parsing: bytes) else { return .failure(.notJSON) }
        guard let object = value.objectValue else { return .failure(.notAnObject) }
        guard let word = object["cmd"]?.stringValue else { return .failure(.missingCommand) }
        switch word {
        case "tap": return .success(.tap)
        case "press": return .success(.press)
        case "release": return .success(.release)
        case "stop": return .success(.stop)
        case "status": return .success(.status)
        case "events": return .success(.events)
        case "volume":
            guard let number = object["value"]?.doubleValue, number.isFinite, number == number.rounded(),
                  (0...100).contains(number) else {
                return .failure(.badValue(command: word, expected: "an integer 0...100, e.g. {\"cmd\":\"volume\",\"value\":40}"))
            }
            return .success(.volume(Int(number)))
        case "mute":
            guard let muted = object["value"]?.boolValue else {
                return .failure(.badValue(command: word, expected: "true or false, e.g. {\"cmd\":\"mute\",\"value\":true}"))
            }
            return .success(.mute(muted))
        default:
            return .failure(.unknownCommand(String(word.prefix(40))))
        }
    }
}

/// Why a control line was refused; the text names the problem and the fix, and goes back to
/// the client as `{"ok":false,"error":"..."}`.
public enum ControlLineError: Error, Sendable, Hashable, CustomStringConvertible {
    case empty
    case tooLong(Int)
    case notJSON
    case notAnObject
    case missingCommand
    case unknownCommand(String)
    case badValue(command: String, expected: String)

    public var description: String {
        switch self {
        case .empty:
            "empty line; send one JSON object per line, e.g. {\"cmd\":\"status\"}"
        case .tooLong(let count):
            "line of \(count)+ bytes is longer than \(ControlCommand.maximumLineBytes); send one short JSON object per line"
        case .notJSON:
            "not valid JSON; send one JSON object per line, e.g. {\"cmd\":\"tap\"}"
        case .notAnObject:
            "not a JSON object; send e.g. {\"cmd\":\"tap\"}"
        case .missingCommand:
            "no \"cmd\" string; send e.g. {\"cmd\":\"tap\"}"
        case .unknownCommand(let word):
            "unknown command \"\(word)\"; use one of \(ControlCommand.words.joined(separator: ", "))"
        case .badValue(let command, let expected):
            "\(command) needs \"value\": \(expected)"
        }
    }
}
