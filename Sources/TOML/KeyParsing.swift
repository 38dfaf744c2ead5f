/// One part of a dotted key (`a`, `"b c"` or `'d'` in `a."b c".'d'`) and where it is written.
struct KeySegment: Sendable, Equatable {
    var name: String
    var position: TOMLPosition

    /// The key as a person would write it: bare parts as they are, others quoted.
    static func dotted(_ key: some Collection<KeySegment>) -> String {
        key.map { segment in
            let name = segment.name
            let bare = !name.isEmpty && name.utf8.allSatisfy(DocumentParser.isBareKeyByte)
            return bare ? name : "\"" + name.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\""
        }.joined(separator: ".")
    }
}

extension DocumentParser {
    /// `A-Z a-z 0-9 _ -`, the characters of a bare key.
    static func isBareKeyByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }

    /// A key: simple keys (bare, "basic" or 'literal', on one line) joined by dots, with
    /// optional spaces around each dot.
    mutating func parseKey() throws(TOMLError) -> [KeySegment] {
        var segments: [KeySegment] = []
        while true {
            // Each part is a table level; the limit keeps nesting (and the recursion that
            // builds and frees nested tables) within the stack.
            guard segments.count < Self.maximumNesting else {
                throw error(.syntax, "a key may have at most \(Self.maximumNesting) dotted parts")
            }
            segments.append(try parseSimpleKey(after: segments))
            skipWhitespace()
            guard peek() == UInt8(ascii: ".") else { return segments }
            index += 1
            skipWhitespace()
        }
    }

    private mutating func parseSimpleKey(after previous: [KeySegment]) throws(TOMLError) -> KeySegment {
        let start = position
        switch peek() {
        case UInt8(ascii: "\"")?:
            if peek(at: 1) == UInt8(ascii: "\""), peek(at: 2) == UInt8(ascii: "\"") {
                throw error(.syntax, "a key cannot be a multi-line string; use \"key\" or 'key'")
            }
            return KeySegment(name: try parseBasicString(), position: start)
        case UInt8(ascii: "'")?:
            if peek(at: 1) == UInt8(ascii: "'"), peek(at: 2) == UInt8(ascii: "'") {
                throw error(.syntax, "a key cannot be a multi-line string; use \"key\" or 'key'")
            }
            return KeySegment(name: try parseLiteralString(), position: start)
        case let byte? where Self.isBareKeyByte(byte):
            let begin = index
            while let byte = peek(), Self.isBareKeyByte(byte) { index += 1 }
            return KeySegment(name: String(decoding: bytes[begin..<index], as: UTF8.self), position: start)
        default:
            if previous.isEmpty {
                throw error(.syntax, "expected a key (letters, digits, '_' and '-', or a quoted string)" + found())
            }
            throw error(.syntax, "expected a key after '\(KeySegment.dotted(previous)).'" + found())
        }
    }
}
