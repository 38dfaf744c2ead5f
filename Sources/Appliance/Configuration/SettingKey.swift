/// A value as read from the file or the environment, before a key interprets it.
public enum RawSetting: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    /// Any other TOML type (float, array, table, date), by its name.
    case other(typeName: String)

    var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .boolean: "a boolean"
        case .other(let name): name
        }
    }
}

/// One configuration key: its name, how it reads a value into `HarkSettings`, and how the
/// effective value prints. The whole schema is `SettingKey.all`.
struct SettingKey: Sendable {
    enum Kind: Sendable { case string, integer, boolean }

    /// `section.key`, as in the file.
    let name: String
    let kind: Kind
    /// Must be set somewhere (the auth identifiers).
    var required = false
    /// Printed as `****` by `hark config check`.
    var secret = false
    /// Checks and stores a value (already of `kind`); returns a problem ("must be ...") or nil.
    let apply: @Sendable (inout HarkSettings, RawSetting) -> String?
    /// The effective value as TOML text, nil when unset.
    let render: @Sendable (HarkSettings) -> String?

    /// `HARK_AVS_ENDPOINT` for `avs.endpoint`.
    static func environmentName(for key: String) -> String {
        "HARK_" + key.uppercased().map { $0 == "." ? "_" : $0 }.map(String.init).joined()
    }

    var environmentName: String { Self.environmentName(for: name) }

    var section: Substring { name.split(separator: ".")[0] }
    var key: Substring { name.split(separator: ".")[1] }
}

extension SettingKey {
    static let all: [SettingKey] = [
        url("avs.endpoint", \.avs.endpoint),
        optionalString("avs.ca_file", \.avs.caFile),
        url("auth.lwa_url", \.auth.lwaURL),
        string("auth.client_id", \.auth.clientID, required: true),
        optionalString("auth.client_secret", \.auth.clientSecret, secret: true),
        string("auth.product_id", \.auth.productID, required: true),
        string("auth.device_serial", \.auth.deviceSerial, required: true),
        string("state.dir", \.state.directory),
        optionalString("audio.capture_device", \.audio.captureDevice),
        optionalString("audio.playback_device", \.audio.playbackDevice),
        choice("audio.mic_format", \.audio.micFormat),
        integer("audio.initial_volume", \.audio.initialVolume, range: 0...100),
        choice("session.trigger", \.session.trigger),
        integer("session.capture_limit_ms", \.session.captureLimitMilliseconds, range: 1000...60_000),
        integer("session.rebuild_after_s", \.session.rebuildAfterSeconds, range: 1...86_400),
        string("control.socket", \.control.socket),
        optionalString("player.device", \.player.device),
        integer("player.stall_timeout_s", \.player.stallTimeoutSeconds, range: 2...120),
        integer("player.duck_percent", \.player.duckPercent, range: 0...100),
        SettingKey(name: "log.level", kind: .string, apply: { settings, raw in
            guard case .string(let text) = raw, LogSettings.levels.contains(text.lowercased()) else {
                return "must be one of \(LogSettings.levels.joined(separator: ", "))"
            }
            settings.log.level = text.lowercased()
            return nil
        }, render: { quoted($0.log.level) }),
        optionalString("gpio.chip", \.gpio.chip),
        optionalInteger("gpio.button_line", \.gpio.buttonLine, range: 0...1023),
        boolean("gpio.active_low", \.gpio.activeLow),
        choice("gpio.bias", \.gpio.bias),
        optionalInteger("gpio.led_line", \.gpio.ledLine, range: 0...1023),
        boolean("gpio.led_active_low", \.gpio.ledActiveLow),
        integer("gpio.debounce_ms", \.gpio.debounceMilliseconds, range: 1...500),
        integer("gpio.hold_ms", \.gpio.holdMilliseconds, range: 100...5000),
        integer("gpio.long_press_ms", \.gpio.longPressMilliseconds, range: 2000...60_000),
        boolean("feedback.earcons", \.feedback.earcons),
    ]

    static func named(_ name: String) -> SettingKey? {
        all.first { $0.name == name }
    }

    private static func string(_ name: String, _ path: WritableKeyPath<HarkSettings, String> & Sendable,
                               required: Bool = false) -> SettingKey {
        SettingKey(name: name, kind: .string, required: required, apply: { settings, raw in
            guard case .string(let text) = raw, !text.trimmingSpaces.isEmpty else { return "must not be empty" }
            settings[keyPath: path] = text
            return nil
        }, render: { settings in
            let value = settings[keyPath: path]
            return value.isEmpty ? nil : quoted(value)
        })
    }

    /// An optional string: an empty value means unset.
    private static func optionalString(_ name: String, _ path: WritableKeyPath<HarkSettings, String?> & Sendable,
                                       secret: Bool = false) -> SettingKey {
        SettingKey(name: name, kind: .string, secret: secret, apply: { settings, raw in
            guard case .string(let text) = raw else { return "must be a string" }
            settings[keyPath: path] = text.trimmingSpaces.isEmpty ? nil : text
            return nil
        }, render: { settings in settings[keyPath: path].map(quoted) })
    }

    private static func url(_ name: String, _ path: WritableKeyPath<HarkSettings, String> & Sendable) -> SettingKey {
        SettingKey(name: name, kind: .string, apply: { settings, raw in
            guard case .string(let text) = raw, text.hasPrefix("https://"), text.count > "https://".count,
                  !text.contains(where: \.isWhitespace) else {
                return "must be an https:// URL (TLS is always used and verified)"
            }
            settings[keyPath: path] = text.hasSuffix("/") ? String(text.dropLast()) : text
            return nil
        }, render: { quoted($0[keyPath: path]) })
    }

    private static func integer(_ name: String, _ path: WritableKeyPath<HarkSettings, Int> & Sendable,
                                range: ClosedRange<Int>) -> SettingKey {
        SettingKey(name: name, kind: .integer, apply: { settings, raw in
            guard case .integer(let value) = raw, range.contains(value) else {
                return "must be between \(range.lowerBound) and \(range.upperBound)"
            }
            settings[keyPath: path] = value
            return nil
        }, render: { String($0[keyPath: path]) })
    }

    /// An integer that may be left out (unset = the feature is off).
    private static func optionalInteger(_ name: String, _ path: WritableKeyPath<HarkSettings, Int?> & Sendable,
                                        range: ClosedRange<Int>) -> SettingKey {
        SettingKey(name: name, kind: .integer, apply: { settings, raw in
            guard case .integer(let value) = raw, range.contains(value) else {
                return "must be between \(range.lowerBound) and \(range.upperBound) (leave it out for none)"
            }
            settings[keyPath: path] = value
            return nil
        }, render: { $0[keyPath: path].map(String.init) })
    }

    private static func boolean(_ name: String, _ path: WritableKeyPath<HarkSettings, Bool> & Sendable) -> SettingKey {
        SettingKey(name: name, kind: .boolean, apply: { settings, raw in
            guard case .boolean(let value) = raw else { return "must be true or false" }
            settings[keyPath: path] = value
            return nil
        }, render: { $0[keyPath: path] ? "true" : "false" })
    }

    private static func choice<Choice: RawRepresentable & CaseIterable & Sendable>(
        _ name: String, _ path: WritableKeyPath<HarkSettings, Choice> & Sendable
    ) -> SettingKey where Choice.RawValue == String {
        SettingKey(name: name, kind: .string, apply: { settings, raw in
            guard case .string(let text) = raw, let value = Choice(rawValue: text.lowercased()) else {
                return "must be one of " + Choice.allCases.map(\.rawValue).joined(separator: ", ")
            }
            settings[keyPath: path] = value
            return nil
        }, render: { quoted($0[keyPath: path].rawValue) })
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for character in text {
            switch character {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.append(character)
            }
        }
        return out + "\""
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
