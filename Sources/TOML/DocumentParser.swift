/// Reads a TOML 1.0 document byte by byte (UTF-8), keeping the line and where it starts so any
/// value or error gets its line and column. The grammar's pieces live in extensions: keys,
/// strings, numbers, date-times, arrays and inline tables; `TableBuilder` enforces the rules on
/// defining keys and tables.
struct DocumentParser {
    let bytes: [UInt8]
    var index = 0
    /// The 1-based line of `index`.
    var line = 1
    /// Where the current line starts in `bytes`.
    var lineStart = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The document: key/value pairs, `[table]` and `[[array of tables]]` headers, comments and
    /// blank lines.
    mutating func parseDocument() throws(TOMLError) -> TOMLTable {
        var builder = TableBuilder()
        // The byte order mark some editors write is not part of the document.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
        while true {
            try skipBlankLinesAndComments()
            guard let byte = peek() else { break }
            if byte == UInt8(ascii: "[") {
                try parseHeader(into: &builder)
            } else {
                let key = try parseKey()
                try expectEquals(after: key)
                let value = try parseValue()
                try builder.assign(key, value)
                try expectLineEnd(after: "the value of '\(KeySegment.dotted(key))'")
            }
        }
        return builder.finish()
    }

    /// `[a.b]` or `[[a.b]]`, then the end of the line.
    private mutating func parseHeader(into builder: inout TableBuilder) throws(TOMLError) {
        let start = position
        let isArray = peek(at: 1) == UInt8(ascii: "[")
        index += isArray ? 2 : 1
        skipWhitespace()
        let key = try parseKey()
        skipWhitespace()
        let close: [UInt8] = isArray ? [UInt8(ascii: "]"), UInt8(ascii: "]")] : [UInt8(ascii: "]")]
        guard bytes[index...].starts(with: close) else {
            throw error(.syntax, isArray
                ? "expected ']]' to close the array of tables header [[\(KeySegment.dotted(key))]]"
                : "expected ']' to close the table header [\(KeySegment.dotted(key))]")
        }
        index += close.count
        if isArray {
            try builder.appendTableArrayElement(key, at: start)
        } else {
            try builder.openTable(key, at: start)
        }
        try expectLineEnd(after: isArray ? "the header [[\(KeySegment.dotted(key))]]" : "the header [\(KeySegment.dotted(key))]")
    }

    /// `=` (with spaces around it) after a key.
    mutating func expectEquals(after key: [KeySegment]) throws(TOMLError) {
        skipWhitespace()
        guard peek() == UInt8(ascii: "=") else {
            throw error(.syntax, "expected '=' after the key '\(KeySegment.dotted(key))'" + found())
        }
        index += 1
        skipWhitespace()
    }

    // MARK: Positions and errors

    /// The column of the last position asked for. Counting scalars from the line start for
    /// every value would be quadratic on one long line (a big single-line array), so counting
    /// goes on from here while the parser stays on that line.
    private final class ColumnMark {
        var index = 0
        var column = 1
    }

    private let columnMark = ColumnMark()

    var position: TOMLPosition {
        let end = min(index, bytes.count)
        if columnMark.index < lineStart || columnMark.index > end {
            columnMark.index = lineStart
            columnMark.column = 1
        }
        for byte in bytes[columnMark.index..<end] where byte & 0xC0 != 0x80 { columnMark.column += 1 }
        columnMark.index = end
        return TOMLPosition(line: line, column: columnMark.column)
    }

    func error(_ kind: TOMLError.Kind, _ message: String) -> TOMLError {
        TOMLError(kind, at: position, message)
    }

    /// ", found 'x'" / ", found the end of the line" / ", found the end of the file".
    func found() -> String {
        guard let byte = peek() else { return ", found the end of the file" }
        switch byte {
        case UInt8(ascii: "\n"): return ", found the end of the line"
        case UInt8(ascii: "\r") where peek(at: 1) == UInt8(ascii: "\n"): return ", found the end of the line"
        case UInt8(ascii: "\r"): return ", found a carriage return without a line feed"
        case 0x20: return ", found a space"
        case 0x09: return ", found a tab"
        case 0x00..<0x20, 0x7F: return ", found the control character U+\(hex4(byte))"
        default:
            var end = index + 1
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
            return ", found '\(String(decoding: bytes[index..<end], as: UTF8.self))'"
        }
    }

    private func hex4(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }

    // MARK: Bytes, spaces, comments and line ends

    func peek(at offset: Int = 0) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    /// Spaces and tabs.
    mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x09 { index += 1 }
    }

    /// A line end (LF or CRLF) at `index`, consumed; false when there is none.
    mutating func consumeNewline() -> Bool {
        if peek() == UInt8(ascii: "\n") {
            index += 1
        } else if peek() == UInt8(ascii: "\r"), peek(at: 1) == UInt8(ascii: "\n") {
            index += 2
        } else {
            return false
        }
        line += 1
        lineStart = index
        return true
    }

    /// A `#` comment up to (not including) the line end. Control characters other than tab
    /// are not allowed in comments.
    mutating func skipComment() throws(TOMLError) {
        guard peek() == UInt8(ascii: "#") else { return }
        index += 1
        while let byte = peek(), byte != UInt8(ascii: "\n") {
            if byte == UInt8(ascii: "\r"), peek(at: 1) == UInt8(ascii: "\n") { return }
            if (byte < 0x20 && byte != 0x09) || byte == 0x7F {
                throw error(.syntax, "a comment may not contain control characters" + found())
            }
            index += 1
        }
    }

    /// Spaces, comments and line ends: between statements, and inside an array.
    mutating func skipBlankLinesAndComments() throws(TOMLError) {
        while true {
            skipWhitespace()
            try skipComment()
            guard consumeNewline() else { return }
        }
    }

    /// After a statement: optional spaces and a comment, then a line end or the end of the file.
    mutating func expectLineEnd(after what: String) throws(TOMLError) {
        skipWhitespace()
        try skipComment()
        guard peek() == nil || consumeNewline() else {
            throw error(.syntax, "expected the end of the line after \(what)" + found())
        }
    }
}
