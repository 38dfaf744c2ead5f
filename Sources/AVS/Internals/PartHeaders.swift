/// The headers of one multipart part, names lower-cased (they are case-insensitive).
struct PartHeaders {
    private(set) var fields: [String: String] = [:]
    private var lastName: String?
    /// Bytes of header text consumed so far, for the size limit.
    var size = 0

    var isEmpty: Bool { fields.isEmpty }

    /// Adds one header line; a line starting with a space or tab continues the previous one
    /// (obsolete folding, still legal in MIME).
    mutating func add(line: ArraySlice<UInt8>) -> Bool {
        let text = String(decoding: line, as: UTF8.self)
        if let first = line.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t"), let lastName {
            fields[lastName, default: ""] += " " + text.trimmingASCIIWhitespace()
            return true
        }
        guard let colon = text.firstIndex(of: ":") else { return false }
        let name = String(text[..<colon]).trimmingASCIIWhitespace().lowercased()
        guard !name.isEmpty else { return false }
        let value = String(text[text.index(after: colon)...]).trimmingASCIIWhitespace()
        fields[name] = value
        lastName = name
        return true
    }

    /// What the part is, from its Content-Type and Content-ID.
    var kind: PartKind {
        let contentType = (fields["content-type"] ?? "").lowercased()
        if contentType.contains("application/json") { return .directive }
        if contentType.contains("application/octet-stream"), let id = fields["content-id"] {
            var trimmed = Substring(id.trimmingASCIIWhitespace())
            if trimmed.hasPrefix("<") && trimmed.hasSuffix(">") && trimmed.count >= 2 {
                trimmed = trimmed.dropFirst().dropLast()
            }
            return .attachment(String(trimmed))
        }
        return .ignored
    }
}

enum PartKind: Hashable {
    case directive
    case attachment(String)
    /// A part we have no use for; its bytes are skipped.
    case ignored
}
