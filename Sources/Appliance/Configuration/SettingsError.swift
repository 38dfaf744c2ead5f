/// Why a configuration cannot be used. Every case names the key (and the file's line when
/// the value came from the file), so the message says exactly what to fix.
public enum SettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration file does not exist or cannot be read (`reason` is strerror's text).
    case unreadableFile(path: String, reason: String)
    /// The file is not TOML.
    case syntax(path: String, line: Int, column: Int, message: String)
    /// A key (or section) Hark does not know; `line` is where it is in the file.
    case unknownKey(key: String, source: SettingSource)
    /// A value of the wrong TOML type, e.g. a string where a number belongs.
    case wrongType(key: String, source: SettingSource, expected: String, found: String)
    /// A value of the right type that is not allowed (out of range, not a choice, not https).
    case badValue(key: String, source: SettingSource, problem: String)
    /// A required key is set nowhere.
    case missingKey(key: String, path: String)

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason):
            "cannot read the configuration file '\(path)': \(reason); give another with --config or create it (see board/hark.toml)"
        case .syntax(let path, let line, let column, let message):
            "\(path):\(line):\(column): not valid TOML: \(message)"
        case .unknownKey(let key, let source):
            "\(source.prefix)unknown key '\(key)'; see board/hark.toml for the keys Hark reads"
        case .wrongType(let key, let source, let expected, let found):
            "\(source.prefix)'\(key)' must be \(expected), not \(found)"
        case .badValue(let key, let source, let problem):
            "\(source.prefix)'\(key)' \(problem)"
        case .missingKey(let key, let path):
            "'\(key)' is not set: add it to \(path) or set \(SettingKey.environmentName(for: key))"
        }
    }
}

/// Where a setting's value came from.
public enum SettingSource: Sendable, Equatable {
    /// The file, at this 1-based line (nil when the line could not be found).
    case file(path: String, line: Int?)
    /// An environment variable.
    case environment(name: String)

    var prefix: String {
        switch self {
        case .file(let path, let line?): "\(path):\(line): "
        case .file(let path, nil): "\(path): "
        case .environment(let name): "environment \(name): "
        }
    }
}
