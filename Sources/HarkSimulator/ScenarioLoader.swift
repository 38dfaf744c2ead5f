import Foundation
import TOML

/// Why a scenario file cannot be used; names the key.
public struct ScenarioError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Reads a scenario from TOML. Unknown keys and wrong types are errors: a typo in a test
/// scenario must not silently test something else.
public enum ScenarioLoader {
    public static func load(path: String) throws(ScenarioError) -> Scenario {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ScenarioError("\(path): cannot read: \(error.localizedDescription)")
        }
        var scenario = try parse(text, source: path)
        // MP3 paths are relative to the scenario file.
        let directory = (path as NSString).deletingLastPathComponent
        for index in scenario.recognize.indices {
            if let mp3 = scenario.recognize[index].speakMP3Path, !mp3.hasPrefix("/") {
                scenario.recognize[index].speakMP3Path = (directory as NSString).appendingPathComponent(mp3)
            }
        }
        return scenario
    }

    public static func parse(_ text: String, source: String = "<scenario>") throws(ScenarioError) -> Scenario {
        let table: TOMLTable
        do {
            table = try TOMLTable(parsing: text)
        } catch {
            throw ScenarioError("\(source): not valid TOML: \(error)")
        }
        let reader = TableReader(table: table, path: "", line: 1, source: source)
        var scenario = Scenario()
        try reader.only(["server", "auth", "recognize", "push", "fault", "alert", "notification"])
        if let server = try reader.table("server") { scenario.server = try serverSettings(server) }
        if let auth = try reader.table("auth") { scenario.auth = try authSettings(auth) }
        for answer in try reader.tables("recognize") { scenario.recognize.append(try recognizeAnswer(answer)) }
        for push in try reader.tables("push") {
            try push.only(["after_ms", "directive", "raw", "play"])
            let play = try push.table("play").map { reader throws(ScenarioError) in try playSpec(reader, attachments: false) }
            guard let directive = try push.string("directive") ?? (play != nil ? "" : nil) else {
                throw push.error("directive", "is required (or play)")
            }
            scenario.pushes.append(TimedPush(
                afterMilliseconds: try push.int("after_ms", min: 0) ?? 0, text: directive, raw: try push.bool("raw") ?? false,
                play: play))
        }
        for fault in try reader.tables("fault") { scenario.faults.append(try self.fault(fault)) }
        for alert in try reader.tables("alert") { scenario.alerts.append(try alertPush(alert)) }
        for notification in try reader.tables("notification") { scenario.notifications.append(try notificationPush(notification)) }
        return scenario
    }

    static func serverSettings(_ reader: TableReader) throws(ScenarioError) -> ServerSettings {
        try reader.only(["response_delay_ms", "speak_chunk_bytes", "speak_chunk_pause_ms", "max_concurrent_streams"])
        var settings = ServerSettings()
        if let value = try reader.int("response_delay_ms", min: 0) { settings.responseDelayMilliseconds = value }
        if let value = try reader.int("speak_chunk_bytes", min: 1) { settings.speakChunkBytes = value }
        if let value = try reader.int("speak_chunk_pause_ms", min: 0) { settings.speakChunkPauseMilliseconds = value }
        if let value = try reader.int("max_concurrent_streams", min: 1) { settings.maxConcurrentStreams = value }
        return settings
    }

    static func authSettings(_ reader: TableReader) throws(ScenarioError) -> AuthSettings {
        try reader.only([
            "client_id", "client_secret", "access_token", "refresh_token", "access_token_lifetime_s",
            "code_pair_lifetime_s", "poll_interval_s", "pending_polls", "slow_down_polls",
        ])
        var settings = AuthSettings()
        if let value = try reader.string("client_id") { settings.clientID = value }
        if let value = try reader.string("client_secret") { settings.clientSecret = value }
        // An empty string switches the preset token off.
        if let value = try reader.string("access_token") { settings.accessToken = value.isEmpty ? nil : value }
        if let value = try reader.string("refresh_token") { settings.refreshToken = value.isEmpty ? nil : value }
        if let value = try reader.int("access_token_lifetime_s", min: 1) { settings.accessTokenLifetimeSeconds = value }
        if let value = try reader.int("code_pair_lifetime_s", min: 0) { settings.codePairLifetimeSeconds = value }
        if let value = try reader.int("poll_interval_s", min: 0) { settings.pollIntervalSeconds = value }
        if let value = try reader.int("pending_polls", min: 0) { settings.pendingPolls = value }
        if let value = try reader.ints("slow_down_polls") { settings.slowDownPolls = value }
        return settings
    }

    static func recognizeAnswer(_ reader: TableReader) throws(ScenarioError) -> RecognizeAnswer {
        try reader.only([
            "speak", "speak_mp3", "expect_speech_timeout_ms", "set_volume", "adjust_volume", "set_mute",
            "stop_capture_after_ms", "response_delay_ms", "directives", "play",
        ])
        var answer = RecognizeAnswer()
        if let value = try reader.bool("speak") { answer.speak = value }
        answer.speakMP3Path = try reader.string("speak_mp3")
        answer.expectSpeechTimeoutMilliseconds = try reader.int("expect_speech_timeout_ms", min: 0)
        answer.setVolume = try reader.int("set_volume")
        answer.adjustVolume = try reader.int("adjust_volume")
        answer.setMute = try reader.bool("set_mute")
        if let value = try reader.int("stop_capture_after_ms", min: 0) { answer.stopCaptureAfterMilliseconds = value }
        answer.responseDelayMilliseconds = try reader.int("response_delay_ms", min: 0)
        answer.rawDirectives = try reader.strings("directives") ?? []
        for play in try reader.tables("play") { answer.plays.append(try playSpec(play, attachments: true)) }
        return answer
    }

    static func fault(_ reader: TableReader) throws(ScenarioError) -> Fault {
        try reader.only(["kind", "count", "target", "status", "after_ms", "after_events", "stall_ms"])
        guard let kindName = try reader.string("kind") else { throw reader.error("kind", "is required") }
        guard let kind = Fault.Kind(rawValue: kindName) else {
            throw reader.error("kind", "'\(kindName)' is not one of \(Fault.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var fault = Fault(kind: kind)
        if let value = try reader.int("count", min: 1) { fault.count = value }
        if let name = try reader.string("target") {
            guard let target = Fault.Target(rawValue: name) else {
                throw reader.error("target", "'\(name)' is not one of \(Fault.Target.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            fault.target = target
        }
        if let value = try reader.int("status") {
            guard (400...599).contains(value) else { throw reader.error("status", "must be 400...599") }
            fault.status = value
        }
        if let value = try reader.int("after_ms", min: 0) { fault.afterMilliseconds = value }
        fault.afterEvents = try reader.int("after_events", min: 0)
        if let value = try reader.int("stall_ms", min: 0) { fault.stallMilliseconds = value }
        return fault
    }
}

/// Typed, key-checked access to one TOML table; errors name `file:line` and `section.key`.
struct TableReader {
    let table: TOMLTable
    let path: String
    /// The table's own line (its header), for errors about the table itself.
    let line: Int
    let source: String

    func error(_ key: String, _ problem: String) -> ScenarioError {
        let line = table[key]?.position.line ?? line
        return ScenarioError("\(source):\(line): \(path.isEmpty ? "" : path + ".")\(key) \(problem)")
    }

    func only(_ allowed: Set<String>) throws(ScenarioError) {
        for key in table.keys where !allowed.contains(key) {
            throw error(key, "is not a known key (known: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    func table(_ key: String) throws(ScenarioError) -> TableReader? {
        guard let value = table[key] else { return nil }
        guard let sub = value.table else { throw error(key, "must be a table ([\(key)]), not \(value.typeName)") }
        return TableReader(table: sub, path: key, line: value.position.line, source: source)
    }

    func tables(_ key: String) throws(ScenarioError) -> [TableReader] {
        guard let value = table[key] else { return [] }
        guard let array = value.array else { throw error(key, "must be an array of tables ([[\(key)]]), not \(value.typeName)") }
        var readers: [TableReader] = []
        for (index, element) in array.enumerated() {
            guard let sub = element.table else { throw error(key, "must be an array of tables ([[\(key)]])") }
            readers.append(TableReader(table: sub, path: "\(key)[\(index)]", line: element.position.line, source: source))
        }
        return readers
    }

    func string(_ key: String) throws(ScenarioError) -> String? {
        guard let value = table[key] else { return nil }
        guard let text = value.string else { throw error(key, "must be a string, not \(value.typeName)") }
        return text
    }

    func int(_ key: String, min: Int? = nil) throws(ScenarioError) -> Int? {
        guard let value = table[key] else { return nil }
        guard let number = value.int else { throw error(key, "must be an integer, not \(value.typeName)") }
        if let min, number < min { throw error(key, "must be at least \(min)") }
        return number
    }

    func bool(_ key: String) throws(ScenarioError) -> Bool? {
        guard let value = table[key] else { return nil }
        guard let flag = value.bool else { throw error(key, "must be true or false, not \(value.typeName)") }
        return flag
    }

    func ints(_ key: String) throws(ScenarioError) -> [Int]? {
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw error(key, "must be an array of integers, not \(value.typeName)") }
        var result: [Int] = []
        for element in array {
            guard let number = element.int else { throw error(key, "must be an array of integers") }
            result.append(number)
        }
        return result
    }

    func strings(_ key: String) throws(ScenarioError) -> [String]? {
        guard let value = table[key] else { return nil }
        guard let array = value.array else { throw error(key, "must be an array of strings, not \(value.typeName)") }
        var result: [String] = []
        for element in array {
            guard let text = element.string else { throw error(key, "must be an array of strings") }
            result.append(text)
        }
        return result
    }
}
