import TOML

/// The document in the tagged JSON form tomllib-compare.py builds from tomllib's result:
/// every scalar as {"type", "value"} with canonical text (floats by bit pattern, date-times in
/// Python's isoformat), arrays as lists, tables as objects.
enum TaggedJSON {
    static func encode(_ table: TOMLTable) -> String {
        "{" + table.entries.map { string($0.key) + ":" + encode($0.value) }.joined(separator: ",") + "}"
    }

    static func encode(_ value: TOMLValue) -> String {
        switch value.kind {
        case .string(let text): return scalar("string", text)
        case .integer(let number): return scalar("integer", String(number))
        case .boolean(let flag): return scalar("bool", flag ? "true" : "false")
        case .float(let number):
            if number.isNaN { return scalar("float", "nan") }
            if number.isInfinite { return scalar("float", number > 0 ? "inf" : "-inf") }
            return scalar("float", String(number.bitPattern))
        case .dateTime(let dateTime): return dateTimeJSON(dateTime)
        case .array(let elements): return "[" + elements.map(encode).joined(separator: ",") + "]"
        case .table(let table): return encode(table)
        }
    }

    private static func scalar(_ type: String, _ text: String) -> String {
        "{\"type\":\"\(type)\",\"value\":\(string(text))}"
    }

    /// Python's `isoformat()`: microseconds only when not zero, offsets as +HH:MM.
    private static func dateTimeJSON(_ value: TOMLDateTime) -> String {
        func two(_ number: Int) -> String { number < 10 ? "0\(number)" : "\(number)" }
        var text = ""
        if let date = value.date {
            text += String(repeating: "0", count: max(0, 4 - String(date.year).count)) + "\(date.year)-\(two(date.month))-\(two(date.day))"
        }
        if let time = value.time {
            if value.date != nil { text += "T" }
            text += "\(two(time.hour)):\(two(time.minute)):\(two(time.second))"
            let micro = time.nanosecond / 1000
            if micro != 0 {
                let digits = String(micro)
                text += "." + String(repeating: "0", count: 6 - digits.count) + digits
            }
        }
        if let offset = value.offsetMinutes {
            text += (offset < 0 ? "-" : "+") + two(abs(offset) / 60) + ":" + two(abs(offset) % 60)
        }
        let type = switch value.kind {
        case .offsetDateTime: "datetime"
        case .localDateTime: "datetime-local"
        case .localDate: "date-local"
        case .localTime: "time-local"
        }
        return scalar(type, text)
    }

    /// A JSON string literal; non-ASCII stays as UTF-8.
    static func string(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
