/// One TOML value and where it begins in the document. A key/value pair's value starts on the
/// key's line (TOML allows no line break after `=`), so `position.line` is the key's line too.
public struct TOMLValue: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case string(String)
        /// TOML integers are 64-bit signed whatever the platform.
        case integer(Int64)
        case float(Double)
        case boolean(Bool)
        case dateTime(TOMLDateTime)
        /// A static array `[1, 2]` or an array of tables `[[name]]` (then every element is a table).
        case array([TOMLValue])
        case table(TOMLTable)
    }

    public var kind: Kind
    /// Where the value starts; for a table, its `[header]` or the first key that created it.
    public var position: TOMLPosition

    public init(_ kind: Kind, at position: TOMLPosition) {
        self.kind = kind
        self.position = position
    }

    public var string: String? {
        if case .string(let value) = kind { value } else { nil }
    }

    public var integer: Int64? {
        if case .integer(let value) = kind { value } else { nil }
    }

    /// The integer as `Int`, nil when it is not an integer or does not fit this platform's `Int`.
    public var int: Int? {
        if case .integer(let value) = kind { Int(exactly: value) } else { nil }
    }

    public var float: Double? {
        if case .float(let value) = kind { value } else { nil }
    }

    public var bool: Bool? {
        if case .boolean(let value) = kind { value } else { nil }
    }

    public var dateTime: TOMLDateTime? {
        if case .dateTime(let value) = kind { value } else { nil }
    }

    public var array: [TOMLValue]? {
        if case .array(let value) = kind { value } else { nil }
    }

    public var table: TOMLTable? {
        if case .table(let value) = kind { value } else { nil }
    }

    /// "a string", "an integer", ... for messages such as "must be an integer, not a string".
    public var typeName: String {
        switch kind {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a float"
        case .boolean: "a boolean"
        case .dateTime(let value):
            switch value.kind {
            case .offsetDateTime, .localDateTime: "a date-time"
            case .localDate: "a date"
            case .localTime: "a time"
            }
        case .array: "an array"
        case .table: "a table"
        }
    }
}
