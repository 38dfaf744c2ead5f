import AVS

/// The `status` reply's fields: what a person or a health check wants at a glance.
public enum ControlStatus {
    public static func fields(_ model: StatusModel) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [
            "status": .string(model.status.rawValue),
            "linked": .bool(model.linked),
            "connected": .bool(model.connected),
            "dialog": .string(model.dialog.rawValue),
            "muted": .bool(model.muted),
        ]
        if let volume = model.volume { fields["volume"] = .number(Double(volume)) }
        if let failure = model.failure { fields["error"] = .string(failure) }
        return fields
    }
}
