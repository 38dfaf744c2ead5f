/// A value after `=` or in an array: picks the form from its first character.
extension DocumentParser {
    /// Arrays and inline tables may nest; past this depth the document is refused rather than
    /// risking the stack.
    static let maximumNesting = 128

    mutating func parseValue(depth: Int = 0) throws(TOMLError) -> TOMLValue {
        let start = position
        guard let byte = peek() else { throw error(.syntax, "expected a value" + found()) }
        let kind: TOMLValue.Kind
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            kind = .string(try parseString())
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            kind = .boolean(try parseBoolean())
        case UInt8(ascii: "["):
            kind = .array(try parseArray(depth: depth + 1))
        case UInt8(ascii: "{"):
            kind = .table(try parseInlineTable(depth: depth + 1))
        case UInt8(ascii: "0")...UInt8(ascii: "9") where atDateOrTime():
            kind = .dateTime(try parseDateTime())
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"),
             UInt8(ascii: "i"), UInt8(ascii: "n"):
            kind = try parseNumber()
        case let byte where Self.isBareKeyByte(byte):
            var end = index
            while end < bytes.count, Self.isBareKeyByte(bytes[end]) { end += 1 }
            let word = String(decoding: bytes[index..<end], as: UTF8.self)
            throw error(.syntax, "expected a value, found '\(word)'; a string needs quotes (\"\(word)\")")
        default:
            throw error(.syntax, "expected a value (a string, number, boolean, date, array or inline table)" + found()
                + (byte == UInt8(ascii: ".") ? "; a float needs a digit before the point (0.5)" : ""))
        }
        return TOMLValue(kind, at: start)
    }

    /// `true` or `false`, all lower case.
    private mutating func parseBoolean() throws(TOMLError) -> Bool {
        for (word, value) in [("true", true), ("false", false)] where bytes[index...].starts(with: word.utf8) {
            let after = peek(at: word.utf8.count)
            if after == nil || !Self.isBareKeyByte(after!) {
                index += word.utf8.count
                return value
            }
        }
        throw error(.syntax, "expected a value; booleans are true or false (lower case), and strings need quotes")
    }

    /// `[ value, value, ... ]`: values of any types, line ends and comments between them, an
    /// optional comma after the last.
    private mutating func parseArray(depth: Int) throws(TOMLError) -> [TOMLValue] {
        try checkDepth(depth)
        let start = position
        index += 1
        var elements: [TOMLValue] = []
        while true {
            try skipBlankLinesAndComments()
            if peek() == UInt8(ascii: "]") { break }
            if peek() == nil { throw TOMLError(.syntax, at: start, "this array is not closed: add ']'") }
            elements.append(try parseValue(depth: depth))
            try skipBlankLinesAndComments()
            if peek() == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard peek() == UInt8(ascii: "]") else {
                if peek() == nil { throw TOMLError(.syntax, at: start, "this array is not closed: add ']'") }
                throw error(.syntax, "expected ',' or ']' after an array element" + found())
            }
            break
        }
        index += 1
        return elements
    }

    /// `{ key = value, ... }` on one line, no comma after the last pair. Dotted keys may build
    /// sub-tables inside it; once closed it cannot be extended.
    private mutating func parseInlineTable(depth: Int) throws(TOMLError) -> TOMLTable {
        try checkDepth(depth)
        let start = position
        index += 1
        var builder = TableBuilder()
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return builder.finish()
        }
        while true {
            skipWhitespace()
            if peek() == UInt8(ascii: "\n") || peek() == UInt8(ascii: "\r") {
                throw error(.syntax, "an inline table must be on one line: close it with '}' before the line ends, or use a [table]")
            }
            let key = try parseKey()
            // A dotted key's parts are table levels too: they count towards the nesting limit.
            let valueDepth = depth + key.count - 1
            try checkDepth(valueDepth)
            try expectEquals(after: key)
            let value = try parseValue(depth: valueDepth)
            try builder.assign(key, value)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ",")?:
                index += 1
                skipWhitespace()
                if peek() == UInt8(ascii: "}") {
                    throw error(.syntax, "an inline table may not have a comma after its last pair")
                }
            case UInt8(ascii: "}")?:
                index += 1
                return builder.finish()
            case nil:
                throw TOMLError(.syntax, at: start, "this inline table is not closed: add '}'")
            case UInt8(ascii: "\n")?, UInt8(ascii: "\r")?:
                throw error(.syntax, "an inline table must be on one line: close it with '}' before the line ends, or use a [table]")
            default:
                throw error(.syntax, "expected ',' or '}' after the value of '\(KeySegment.dotted(key))'" + found())
            }
        }
    }

    private func checkDepth(_ depth: Int) throws(TOMLError) {
        if depth > Self.maximumNesting {
            throw error(.syntax, "arrays and inline tables are nested more than \(Self.maximumNesting) deep")
        }
    }
}
