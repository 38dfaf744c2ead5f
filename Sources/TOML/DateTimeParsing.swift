/// RFC 3339 dates and times as TOML allows them: offset and local date-times (`T`, `t` or a
/// space between date and time), local dates, local times; fractional seconds of any length.
extension DocumentParser {
    /// Whether a date (`dddd-`) or a time (`dd:`) starts here.
    func atDateOrTime() -> Bool {
        func digit(_ offset: Int) -> Bool { peek(at: offset).map { $0 >= 0x30 && $0 <= 0x39 } ?? false }
        if digit(0), digit(1), digit(2), digit(3), peek(at: 4) == UInt8(ascii: "-") { return true }
        return digit(0) && digit(1) && peek(at: 2) == UInt8(ascii: ":")
    }

    mutating func parseDateTime() throws(TOMLError) -> TOMLDateTime {
        let start = position
        let begin = index
        var date: TOMLDateTime.Date?
        var time: TOMLDateTime.Time?
        var offset: Int?
        func text() -> String { String(decoding: bytes[begin..<index], as: UTF8.self) }
        func invalid(_ why: String) -> TOMLError {
            // Show the whole token, not just the part read so far.
            var end = index
            while end < bytes.count, !Self.endsDateTime(bytes[end]) { end += 1 }
            return TOMLError(.dateTime, at: start, "'\(String(decoding: bytes[begin..<end], as: UTF8.self))' is not a valid date or time: \(why)")
        }
        if peek(at: 2) != UInt8(ascii: ":") {
            guard let year = number(4), take("-"), let month = number(2), take("-"), let day = number(2) else {
                throw invalid("expected YYYY-MM-DD")
            }
            guard (1...12).contains(month) else { throw invalid("the month must be 01 to 12") }
            guard (1...TOMLDateTime.days(inMonth: month, year: year)).contains(day) else {
                throw invalid("day \(day) does not exist in that month")
            }
            date = TOMLDateTime.Date(year: year, month: month, day: day)
            let separator = peek()
            let spaceThenTime = separator == 0x20 && peek(at: 3) == UInt8(ascii: ":")
                && (peek(at: 1).map { $0 >= 0x30 && $0 <= 0x39 } ?? false)
            guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || spaceThenTime else {
                return TOMLDateTime(date: date, time: nil, offsetMinutes: nil, text: text())
            }
            index += 1
        }
        guard let hour = number(2), take(":"), let minute = number(2), take(":"), let second = number(2) else {
            throw invalid("expected HH:MM:SS")
        }
        guard hour <= 23, minute <= 59, second <= 60 else { throw invalid("hours go to 23, minutes to 59, seconds to 60") }
        var nanosecond = 0
        if take(".") {
            var count = 0
            while let byte = peek(), byte >= 0x30 && byte <= 0x39 {
                // Nanoseconds are as precise as this keeps; further digits are truncated.
                if count < 9 { nanosecond = nanosecond * 10 + Int(byte - 0x30) }
                count += 1
                index += 1
            }
            guard count > 0 else { throw invalid("expected digits after the decimal point") }
            for _ in count..<max(count, 9) { nanosecond *= 10 }
        }
        time = TOMLDateTime.Time(hour: hour, minute: minute, second: second, nanosecond: nanosecond)
        if date != nil {
            if take("Z") || take("z") {
                offset = 0
            } else if let sign = peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                index += 1
                guard let hours = number(2), take(":"), let minutes = number(2) else { throw invalid("expected an offset +HH:MM") }
                guard hours <= 23, minutes <= 59 else { throw invalid("an offset's hours go to 23, its minutes to 59") }
                offset = (hours * 60 + minutes) * (sign == UInt8(ascii: "-") ? -1 : 1)
            }
        }
        return TOMLDateTime(date: date, time: time, offsetMinutes: offset, text: text())
    }

    private static func endsDateTime(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == UInt8(ascii: ",")
            || byte == UInt8(ascii: "]") || byte == UInt8(ascii: "}") || byte == UInt8(ascii: "#")
    }

    /// Exactly `count` decimal digits.
    private mutating func number(_ count: Int) -> Int? {
        var value = 0
        for offset in 0..<count {
            guard let byte = peek(at: offset), byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        index += count
        return value
    }

    private mutating func take(_ character: Unicode.Scalar) -> Bool {
        guard peek() == UInt8(ascii: character) else { return false }
        index += 1
        return true
    }
}
