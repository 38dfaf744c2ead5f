/// Integers (decimal, 0x hex, 0o octal, 0b binary; `_` between digits) and floats (fraction,
/// exponent, `inf`, `nan`), with the grammar checked before converting.
extension DocumentParser {
    /// The bytes a number can be made of; the token ends at the first other byte.
    private static func isNumberByte(_ byte: UInt8) -> Bool {
        isBareKeyByte(byte) || byte == UInt8(ascii: "+") || byte == UInt8(ascii: ".")
    }

    mutating func parseNumber() throws(TOMLError) -> TOMLValue.Kind {
        let start = position
        let begin = index
        while let byte = peek(), Self.isNumberByte(byte) { index += 1 }
        let token = Array(bytes[begin..<index])
        let text = String(decoding: token, as: UTF8.self)
        func invalid(_ why: String) -> TOMLError {
            TOMLError(.number, at: start, "'\(text)' is not a valid number: \(why)")
        }
        var digits = token[...]
        var negative = false
        if let sign = digits.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            negative = sign == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        if digits.elementsEqual("inf".utf8) { return .float(negative ? -.infinity : .infinity) }
        if digits.elementsEqual("nan".utf8) { return .float(negative ? -.nan : .nan) }
        if let first = digits.first, !(first >= 0x30 && first <= 0x39) {
            throw TOMLError(.syntax, at: start, "expected a value, found '\(text)'; a string needs quotes (\"\(text)\")")
        }
        if digits.count > 2, digits.first == UInt8(ascii: "0"), let radix = Self.radix(digits[digits.startIndex + 1]) {
            guard token.count == digits.count else { throw invalid("a hex, octal or binary integer cannot have a sign") }
            let body = digits.dropFirst(2)
            guard Self.validDigits(body, radix: radix) else {
                throw invalid("base-\(radix) digits must follow the prefix, with '_' only between two digits")
            }
            guard let value = Self.integer(body, radix: radix, negative: false) else {
                throw TOMLError(.number, at: start, "'\(text)' does not fit in a 64-bit integer")
            }
            return .integer(value)
        }
        // Decimal: integer part, then an optional fraction and an optional exponent.
        let integerEnd = digits.firstIndex { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") } ?? digits.endIndex
        let integerPart = digits[..<integerEnd]
        guard Self.validDigits(integerPart, radix: 10) else {
            throw invalid("expected digits, with '_' only between two digits")
        }
        if integerPart.count > 1, integerPart.first == UInt8(ascii: "0") {
            throw invalid("leading zeros are not allowed")
        }
        var rest = digits[integerEnd...]
        if rest.isEmpty {
            guard let value = Self.integer(integerPart, radix: 10, negative: negative) else {
                throw TOMLError(.number, at: start, "'\(text)' does not fit in a 64-bit integer (-9223372036854775808 to 9223372036854775807)")
            }
            return .integer(value)
        }
        if rest.first == UInt8(ascii: ".") {
            let fractionEnd = rest.firstIndex { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") } ?? rest.endIndex
            guard Self.validDigits(rest[(rest.startIndex + 1)..<fractionEnd], radix: 10) else {
                throw invalid("a decimal point must have digits on both sides")
            }
            rest = rest[fractionEnd...]
        }
        if !rest.isEmpty {
            var exponent = rest.dropFirst()
            if let sign = exponent.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { exponent = exponent.dropFirst() }
            guard Self.validDigits(exponent, radix: 10) else { throw invalid("the exponent needs digits after 'e'") }
        }
        let plain = String(decoding: digits.filter { $0 != UInt8(ascii: "_") }, as: UTF8.self)
        guard let magnitude = Double(plain) else { throw invalid("not a float") }
        return .float(negative ? -magnitude : magnitude)
    }

    private static func radix(_ letter: UInt8) -> Int? {
        switch letter {
        case UInt8(ascii: "x"): 16
        case UInt8(ascii: "o"): 8
        case UInt8(ascii: "b"): 2
        default: nil
        }
    }

    private static func digitValue(_ byte: UInt8, radix: Int) -> Int? {
        guard let value = hexValue(byte).map(Int.init), value < radix else { return nil }
        return value
    }

    /// At least one digit; `_` only between two digits.
    private static func validDigits(_ digits: ArraySlice<UInt8>, radix: Int) -> Bool {
        guard let first = digits.first, let last = digits.last,
              digitValue(first, radix: radix) != nil, digitValue(last, radix: radix) != nil else { return false }
        var previousWasUnderscore = false
        for byte in digits {
            if byte == UInt8(ascii: "_") {
                if previousWasUnderscore { return false }
                previousWasUnderscore = true
            } else {
                guard digitValue(byte, radix: radix) != nil else { return false }
                previousWasUnderscore = false
            }
        }
        return true
    }

    /// The value of already-checked digits, nil on overflow. Negative numbers accumulate
    /// downwards so that -9223372036854775808 fits.
    private static func integer(_ digits: ArraySlice<UInt8>, radix: Int, negative: Bool) -> Int64? {
        var value: Int64 = 0
        for byte in digits where byte != UInt8(ascii: "_") {
            let digit = Int64(digitValue(byte, radix: radix)!)
            let (shifted, overflow) = value.multipliedReportingOverflow(by: Int64(radix))
            let (next, overflow2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            if overflow || overflow2 { return nil }
            value = next
        }
        return value
    }
}
