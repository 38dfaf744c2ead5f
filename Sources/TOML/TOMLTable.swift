/// A TOML table: keys in the order the document defines them, each with its value (which knows
/// its own position). The document itself is the root table.
public struct TOMLTable: Sendable, Equatable {
    public private(set) var keys: [String] = []
    private var values: [String: TOMLValue] = [:]

    public init() {}

    /// Parses a whole TOML 1.0 document.
    public init(parsing text: String) throws(TOMLError) {
        var parser = DocumentParser(bytes: Array(text.utf8))
        self = try parser.parseDocument()
    }

    /// Parses a whole TOML 1.0 document from raw bytes, which must be UTF-8.
    public init(parsing bytes: [UInt8]) throws(TOMLError) {
        try UTF8Check.validate(bytes)
        var parser = DocumentParser(bytes: bytes)
        self = try parser.parseDocument()
    }

    public subscript(key: String) -> TOMLValue? { values[key] }

    /// Every key with its value, in document order.
    public var entries: [(key: String, value: TOMLValue)] {
        keys.map { ($0, values[$0]!) }
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// Adds or replaces `key` (a new key goes last).
    public mutating func set(_ key: String, _ value: TOMLValue) {
        if values.updateValue(value, forKey: key) == nil { keys.append(key) }
    }

    public static func == (left: TOMLTable, right: TOMLTable) -> Bool {
        left.values == right.values
    }
}
