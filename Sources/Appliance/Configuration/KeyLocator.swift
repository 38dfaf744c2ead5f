/// Finds the line of a key in TOML text. TOMLKit reports positions for syntax errors only, so
/// an unknown key or a bad value is located by scanning the text the way TOML lays it out:
/// `[section]` headers, then `key = value` lines (bare or quoted keys, or `section.key` before
/// any header).
struct KeyLocator {
    private struct Line {
        var number: Int
        /// The table this line is in (`""` before the first header).
        var table: String
        /// The key this line assigns, or the header's name for a `[table]` line.
        var key: String?
        var isHeader: Bool
    }

    private let lines: [Line]

    init(text: String) {
        var lines: [Line] = []
        var table = ""
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let content = raw.trimmingSpaces
            if content.hasPrefix("[") {
                let name = content.drop(while: { $0 == "[" }).prefix(while: { $0 != "]" })
                table = Self.unquoted(name.trimmingSpaces)
                lines.append(Line(number: index + 1, table: table, key: table, isHeader: true))
            } else if let equals = content.firstIndex(of: "="), !content.hasPrefix("#") {
                let key = Self.unquoted(content[..<equals].trimmingSpaces)
                lines.append(Line(number: index + 1, table: table, key: key, isHeader: false))
            }
        }
        self.lines = lines
    }

    /// The 1-based line of `section.key`, of the `[section]` header when `key` is nil, or of a
    /// root-level `key` when `section` is nil.
    func line(section: String?, key: String?) -> Int? {
        guard let section else {
            return lines.first { !$0.isHeader && $0.table.isEmpty && $0.key == key }?.number
        }
        guard let key else {
            return lines.first { $0.isHeader && $0.key == section }?.number
                ?? lines.first { $0.table.isEmpty && $0.key?.hasPrefix(section + ".") == true }?.number
        }
        return lines.first { !$0.isHeader && $0.table == section && $0.key == key }?.number
            ?? lines.first { !$0.isHeader && $0.table.isEmpty && $0.key == section + "." + key }?.number
    }

    private static func unquoted(_ text: String) -> String {
        text.split(separator: ".").map { part in
            let trimmed = part.trimmingSpaces
            if trimmed.count >= 2, let first = trimmed.first, first == "\"" || first == "'", trimmed.last == first {
                return String(trimmed.dropFirst().dropLast())
            }
            return trimmed
        }.joined(separator: ".")
    }
}
