import TOMLKit

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
        let text: String
        do {
            text = try readFile(path)
        } catch {
            throw .unreadableFile(path: path, reason: error.reason)
        }
        return try parse(text, path: path, environment: environment)
    }

    /// Validates TOML text as if read from `path`, then the environment on top.
    public static func parse(_ text: String, path: String, environment: [String: String]) throws(SettingsError) -> HarkSettings {
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw .syntax(path: path, line: error.source.begin.line, column: error.source.begin.column, message: error.description)
        } catch {
            throw .syntax(path: path, line: 1, column: 1, message: "\(error)")
        }
        let locator = KeyLocator(text: text)
        var settings = HarkSettings()
        var errors: [(line: Int, error: SettingsError)] = []
        func report(_ key: String, line: Int?, _ make: (SettingSource) -> SettingsError) {
            errors.append((line ?? Int.max, make(.file(path: path, line: line))))
        }
        var seen: Set<String> = []
        for section in table.keys {
            guard let value = table[section] else { continue }
            let sectionKnown = SettingKey.all.contains { $0.section == section }
            guard sectionKnown else {
                report(section, line: locator.line(section: section, key: nil)) { .unknownKey(key: section, source: $0) }
                continue
            }
            guard let inner = value.table else {
                report(section, line: locator.line(section: nil, key: section)) {
                    .wrongType(key: section, source: $0, expected: "a table ([\(section)])", found: rawSetting(value).typeName)
                }
                continue
            }
            for key in inner.keys {
                guard let value = inner[key] else { continue }
                let name = section + "." + key
                let line = locator.line(section: section, key: key)
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
            case .boolean:
                switch text.trimmingSpaces.lowercased() {
                case "true", "1", "yes": raw = .boolean(true)
                case "false", "0", "no": raw = .boolean(false)
                default:
                    throw .wrongType(key: setting.name, source: source, expected: "true or false", found: SettingKey.quoted(text))
                }
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
        case (.string, .string), (.integer, .integer), (.boolean, .boolean):
            guard let problem = setting.apply(&settings, raw) else { return nil }
            return { .badValue(key: setting.name, source: $0, problem: problem) }
        case (.string, _):
            return { .wrongType(key: setting.name, source: $0, expected: "a string", found: raw.typeName) }
        case (.integer, _):
            return { .wrongType(key: setting.name, source: $0, expected: "an integer", found: raw.typeName) }
        case (.boolean, _):
            return { .wrongType(key: setting.name, source: $0, expected: "true or false", found: raw.typeName) }
        }
    }

    private static func rawSetting(_ value: any TOMLValueConvertible) -> RawSetting {
        switch value.type {
        case .string: .string(value.string ?? "")
        case .int: .integer(value.int ?? 0)
        case .bool: .boolean(value.bool ?? false)
        case .double: .other(typeName: "a float")
        case .array: .other(typeName: "an array")
        case .table: .other(typeName: "a table")
        case .date, .time, .dateTime: .other(typeName: "a date or time")
        }
    }

    private struct FileError: Error { var reason: String }

    /// The whole file through `open(2)`/`read(2)` (no Foundation in the firmware).
    private static func readFile(_ path: String) throws(FileError) -> String {
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
        return String(decoding: bytes, as: UTF8.self)
    }
}
