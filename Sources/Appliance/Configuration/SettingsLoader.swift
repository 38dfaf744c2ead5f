import TOML

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads `hark.toml`, applies `HARK_<SECTION>_<KEY>` overrides and validates every key.
public enum SettingsLoader {
    /// Where the board's configuration lives unless `--config` says otherwise.
    public static let defaultPath = "/etc/hark/hark.toml"

    /// Loads the file at `path`, then the environment on top.
    public static func load(path: String, environment: [String: String]) throws(SettingsError) -> HarkSettings {
        let bytes: [UInt8]
        do {
            bytes = try readFile(path)
        } catch {
            throw .unreadableFile(path: path, reason: error.reason)
        }
        return try validate(path: path, environment: environment) { () throws(TOMLError) in try TOMLTable(parsing: bytes) }
    }

    /// Validates TOML text as if read from `path`, then the environment on top.
    public static func parse(_ text: String, path: String, environment: [String: String]) throws(SettingsError) -> HarkSettings {
        try validate(path: path, environment: environment) { () throws(TOMLError) in try TOMLTable(parsing: text) }
    }

    /// Parses the document, then checks every key in it against `SettingKey.all`. Every value
    /// knows its line from the parser, so each error names the file, the line and the key.
    private static func validate(path: String, environment: [String: String],
                                 document: () throws(TOMLError) -> TOMLTable) throws(SettingsError) -> HarkSettings {
        let table: TOMLTable
        do {
            table = try document()
        } catch {
            throw .syntax(path: path, line: error.line, column: error.column, message: error.message)
        }
        var settings = HarkSettings()
        var errors: [(line: Int, error: SettingsError)] = []
        func report(_ key: String, line: Int?, _ make: (SettingSource) -> SettingsError) {
            errors.append((line ?? Int.max, make(.file(path: path, line: line))))
        }
        var seen: Set<String> = []
        for (section, value) in table.entries {
            let sectionKnown = SettingKey.all.contains { $0.section == section }
            guard sectionKnown else {
                report(section, line: value.position.line) { .unknownKey(key: section, source: $0) }
                continue
            }
            guard let inner = value.table else {
                report(section, line: value.position.line) {
                    .wrongType(key: section, source: $0, expected: "a table ([\(section)])", found: value.typeName)
                }
                continue
            }
            for (key, value) in inner.entries {
                let name = section + "." + key
                let line = value.position.line
                guard let setting = SettingKey.named(name) else {
                    report(name, line: line) { .unknownKey(key: name, source: $0) }
                    continue
                }
                let raw = rawSetting(value)
                if let problem = check(raw, for: setting, into: &settings) {
                    report(name, line: line) { problem($0) }
                }
                seen.insert(name)
            }
        }
        if let first = errors.min(by: { $0.line < $1.line }) { throw first.error }
        for setting in SettingKey.all {
            guard let text = environment[setting.environmentName] else { continue }
            let source = SettingSource.environment(name: setting.environmentName)
            let raw: RawSetting
            switch setting.kind {
            case .string:
                raw = .string(text)
            case .integer:
                guard let number = Int(text.trimmingSpaces) else {
                    throw .wrongType(key: setting.name, source: source, expected: "an integer", found: SettingKey.quoted(text))
                }
                raw = .integer(number)
            }
            if let problem = check(raw, for: setting, into: &settings) { throw problem(source) }
            seen.insert(setting.name)
        }
        for setting in SettingKey.all where setting.required {
            guard setting.render(settings) == nil else { continue }
            throw .missingKey(key: setting.name, path: path)
        }
        return settings
    }

    /// The effective configuration as TOML, secrets shown as `****` (for `hark config check`).
    public static func describe(_ settings: HarkSettings) -> String {
        var lines: [String] = []
        var section: Substring = ""
        for setting in SettingKey.all {
            if setting.section != section {
                if !lines.isEmpty { lines.append("") }
                section = setting.section
                lines.append("[\(section)]")
            }
            guard let value = setting.render(settings) else {
                lines.append("# \(setting.key) is not set")
                continue
            }
            lines.append("\(setting.key) = \(setting.secret ? "\"****\"" : value)")
        }
        return lines.joined(separator: "\n")
    }

    private static func check(_ raw: RawSetting, for setting: SettingKey, into settings: inout HarkSettings)
        -> ((SettingSource) -> SettingsError)? {
        switch (setting.kind, raw) {
        case (.string, .string), (.integer, .integer):
            guard let problem = setting.apply(&settings, raw) else { return nil }
            return { .badValue(key: setting.name, source: $0, problem: problem) }
        case (.string, _):
            return { .wrongType(key: setting.name, source: $0, expected: "a string", found: raw.typeName) }
        case (.integer, _):
            return { .wrongType(key: setting.name, source: $0, expected: "an integer", found: raw.typeName) }
        }
    }

    private static func rawSetting(_ value: TOMLValue) -> RawSetting {
        switch value.kind {
        case .string(let text): .string(text)
        case .integer(let number):
            if let fitting = Int(exactly: number) { .integer(fitting) } else { .other(typeName: "an integer too large for this board") }
        case .boolean(let flag): .boolean(flag)
        default: .other(typeName: value.typeName)
        }
    }

    private struct FileError: Error { var reason: String }

    /// The whole file through `open(2)`/`read(2)` (no Foundation in the firmware).
    private static func readFile(_ path: String) throws(FileError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError(reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw FileError(reason: String(cString: strerror(errno)))
            }
            if count == 0 { break }
            bytes += buffer[..<count]
            if bytes.count > 1 << 20 { throw FileError(reason: "larger than 1 MiB, not a configuration file") }
        }
        return bytes
    }
}
