extension ScenarioLoader {
    /// `[[alert]]`: after_ms, token, type, in_s or scheduled_time, delete, assets, loop_count.
    static func alertPush(_ reader: TableReader) throws(ScenarioError) -> AlertPush {
        try reader.only(["after_ms", "token", "type", "in_s", "scheduled_time", "delete", "assets", "loop_count"])
        guard let token = try reader.string("token") else { throw reader.error("token", "is required") }
        var push = AlertPush(afterMilliseconds: try reader.int("after_ms", min: 0) ?? 0, token: token)
        if let value = try reader.string("type") { push.type = value }
        if let value = try reader.int("in_s") { push.inSeconds = value }
        push.scheduledTime = try reader.string("scheduled_time")
        push.delete = try reader.bool("delete") ?? false
        push.assetURLs = try reader.strings("assets") ?? []
        push.loopCount = try reader.int("loop_count", min: 1)
        return push
    }

    /// `[[notification]]`: after_ms, clear, persist, chime.
    static func notificationPush(_ reader: TableReader) throws(ScenarioError) -> NotificationPush {
        try reader.only(["after_ms", "clear", "persist", "chime"])
        var push = NotificationPush(afterMilliseconds: try reader.int("after_ms", min: 0) ?? 0)
        push.clear = try reader.bool("clear") ?? false
        if let value = try reader.bool("persist") { push.persistVisualIndicator = value }
        push.playAudioIndicator = try reader.bool("chime") ?? false
        return push
    }
}
