/// Why a document is not valid TOML 1.0: where (line and column of the offending character)
/// and a plain sentence naming the problem.
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The classes of problem, so callers and tests can tell them apart without matching text.
    public enum Kind: Sendable, Equatable {
        /// The bytes are not UTF-8.
        case encoding
        /// Something other than what the grammar allows here (a missing `=`, a stray character).
        case syntax
        /// A string that is not closed, holds a control character or a bad escape.
        case string
        /// A malformed or out-of-range integer or float.
        case number
        /// A malformed or impossible date or time (month 13, February 30).
        case dateTime
        /// A key given a value twice, or a value where a table is needed.
        case duplicateKey
        /// A table defined twice (by headers or dotted keys), or an array of tables redefined.
        case duplicateTable
        /// An inline table or a static array extended after its definition.
        case immutable
    }

    public var kind: Kind
    public var position: TOMLPosition
    public var message: String

    public init(_ kind: Kind, at position: TOMLPosition, _ message: String) {
        self.kind = kind
        self.position = position
        self.message = message
    }

    public var line: Int { position.line }
    public var column: Int { position.column }

    /// `line 7, column 12: expected '=' after the key 'endpoint'`.
    public var description: String { "\(position): \(message)" }
}
