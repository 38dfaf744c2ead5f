/// Writes compact JSON text. Hand-written rather than JSONEncoder so that event bodies are
/// byte-for-byte predictable: keys in a fixed order, integral numbers without a fraction,
/// and `/` not escaped.
struct JSONWriter {
    private(set) var text = ""

    mutating func write(_ value: JSONValue) {
        switch value {
        case .null: text += "null"
        case .bool(let flag): text += flag ? "true" : "false"
        case .number(let number): writeNumber(number)
        case .string(let string): writeString(string)
        case .array(let elements):
            text += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { text += "," }
                write(element)
            }
            text += "]"
        case .object(let members):
            writeObject(members.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }
    }

    /// An object whose members keep the given order.
    mutating func writeObject(_ members: [(String, JSONValue)]) {
        text += "{"
        for (index, (key, value)) in members.enumerated() {
            if index > 0 { text += "," }
            writeString(key)
            text += ":"
            write(value)
        }
        text += "}"
    }

    /// Appends already-serialized JSON text.
    mutating func writeRaw(_ json: String) { text += json }

    private mutating func writeNumber(_ number: Double) {
        // JSON has no NaN or infinity.
        guard number.isFinite else { text += "null"; return }
        if number.rounded() == number, abs(number) < 9.0e15 {
            text += String(Int64(number))
        } else {
            text += "\(number)"
        }
    }

    private mutating func writeString(_ string: String) {
        text += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
