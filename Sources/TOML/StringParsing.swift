/// TOML's four string forms: "basic" (escapes), 'literal' (none), and the multi-line """ and
/// ''' forms of each.
extension DocumentParser {
    private static let quote = UInt8(ascii: "\"")
    private static let apostrophe = UInt8(ascii: "'")
    private static let backslash = UInt8(ascii: "\\")

    /// Control characters other than tab (and, in multi-line strings, the line end) must be
    /// escaped; U+007F too.
    private static func isForbiddenControl(_ byte: UInt8) -> Bool {
        (byte < 0x20 && byte != 0x09) || byte == 0x7F
    }

    /// Any of the four forms, at an opening quote.
    mutating func parseString() throws(TOMLError) -> String {
        let delimiter = bytes[index]
        let multiline = peek(at: 1) == delimiter && peek(at: 2) == delimiter
        switch (delimiter == Self.quote, multiline) {
        case (true, false): return try parseBasicString()
        case (false, false): return try parseLiteralString()
        case (_, true): return try parseMultilineString(delimiter: delimiter)
        }
    }

    /// `"..."` on one line, with escapes.
    mutating func parseBasicString() throws(TOMLError) -> String {
        let start = position
        index += 1
        var out: [UInt8] = []
        while true {
            guard let byte = peek() else {
                throw TOMLError(.string, at: start, "this string is not closed: add '\"' before the end of the file")
            }
            switch byte {
            case Self.quote:
                index += 1
                return String(decoding: out, as: UTF8.self)
            case Self.backslash:
                try parseEscape(into: &out, multiline: false)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw TOMLError(.string, at: start, "this string is not closed on its line: add '\"', or use \"\"\" for a multi-line string")
            case let byte where Self.isForbiddenControl(byte):
                throw error(.string, "a control character must be escaped in a string (\\t, \\n, \\u0001 ...)" + found())
            default:
                out.append(byte)
                index += 1
            }
        }
    }

    /// `'...'` on one line, taken as written.
    mutating func parseLiteralString() throws(TOMLError) -> String {
        let start = position
        index += 1
        let begin = index
        while true {
            guard let byte = peek() else {
                throw TOMLError(.string, at: start, "this string is not closed: add \"'\" before the end of the file")
            }
            switch byte {
            case Self.apostrophe:
                index += 1
                return String(decoding: bytes[begin..<index - 1], as: UTF8.self)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw TOMLError(.string, at: start, "this string is not closed on its line: add \"'\", or use ''' for a multi-line string")
            case let byte where Self.isForbiddenControl(byte):
                throw error(.string, "a literal string may not contain control characters" + found())
            default:
                index += 1
            }
        }
    }

    /// `"""..."""` or `'''...'''`. A line end right after the opening delimiter is dropped;
    /// CRLF becomes LF; up to two quotes may stand right before the closing delimiter.
    private mutating func parseMultilineString(delimiter: UInt8) throws(TOMLError) -> String {
        let start = position
        let basic = delimiter == Self.quote
        index += 3
        _ = consumeNewline()
        var out: [UInt8] = []
        while true {
            guard let byte = peek() else {
                let mark = basic ? "\"\"\"" : "'''"
                throw TOMLError(.string, at: start, "this multi-line string is not closed: add \(mark) before the end of the file")
            }
            switch byte {
            case delimiter:
                var run = 0
                while peek(at: run) == delimiter { run += 1 }
                if run < 3 {
                    out.append(contentsOf: repeatElement(delimiter, count: run))
                    index += run
                    continue
                }
                guard run <= 5 else {
                    index += 5
                    throw error(.string, "too many quotes: a multi-line string ends with at most two quotes before its closing three")
                }
                out.append(contentsOf: repeatElement(delimiter, count: run - 3))
                index += run
                return String(decoding: out, as: UTF8.self)
            case Self.backslash where basic:
                try parseEscape(into: &out, multiline: true)
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                guard consumeNewline() else {
                    throw error(.string, "a carriage return must be followed by a line feed or written as \\r")
                }
                out.append(UInt8(ascii: "\n"))
            case let byte where Self.isForbiddenControl(byte):
                throw error(.string, "a control character must be escaped in a string (\\t, \\u0001 ...)" + found())
            default:
                out.append(byte)
                index += 1
            }
        }
    }

    /// A backslash escape, or in a multi-line basic string a line-ending backslash, which
    /// swallows the line end and all spaces and line ends after it.
    private mutating func parseEscape(into out: inout [UInt8], multiline: Bool) throws(TOMLError) {
        let escapePosition = position
        index += 1
        guard let byte = peek() else {
            throw TOMLError(.string, at: escapePosition, "a backslash at the end of the file starts no escape")
        }
        if multiline, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            skipWhitespace()
            guard consumeNewline() else {
                throw TOMLError(.string, at: escapePosition,
                                "a backslash followed by spaces must end the line (a line-ending backslash); write \\\\ for a backslash")
            }
            while true {
                skipWhitespace()
                guard consumeNewline() else { break }
            }
            return
        }
        switch byte {
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "r"): out.append(0x0D)
        case Self.quote: out.append(Self.quote)
        case Self.backslash: out.append(Self.backslash)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            index += 1
            try parseUnicodeEscape(digits: byte == UInt8(ascii: "u") ? 4 : 8, at: escapePosition, into: &out)
            return
        default:
            throw TOMLError(.string, at: escapePosition,
                            "'\\\(String(decoding: [byte], as: UTF8.self))' is not an escape; use \\b \\t \\n \\f \\r \\\" \\\\ \\uXXXX or \\UXXXXXXXX (\\\\ for a backslash)")
        }
        index += 1
    }

    /// `\uXXXX` / `\UXXXXXXXX`: exactly that many hex digits naming a Unicode scalar value.
    private mutating func parseUnicodeEscape(digits: Int, at escapePosition: TOMLPosition, into out: inout [UInt8]) throws(TOMLError) {
        var value: UInt32 = 0
        for _ in 0..<digits {
            guard let byte = peek(), let digit = Self.hexValue(byte) else {
                throw TOMLError(.string, at: escapePosition, "\\\(digits == 4 ? "u" : "U") needs exactly \(digits) hex digits")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        guard let scalar = Unicode.Scalar(value) else {
            throw TOMLError(.string, at: escapePosition,
                            "U+\(String(value, radix: 16, uppercase: true)) is not a Unicode scalar value (surrogates and values past U+10FFFF are not characters)")
        }
        out.append(contentsOf: String(Character(scalar)).utf8)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
