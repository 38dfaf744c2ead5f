import AVS

/// One thing subscribers of the status fan-out hear: the LED, the control socket's `events`
/// stream and systemd's `STATUS=`.
public enum ApplianceEvent: Sendable, Hashable {
    /// The appliance status changed.
    case status(ApplianceStatus)
    /// Something the session did or saw (a dialog event).
    case note(SessionNote)
    /// A failure worth a person's attention (a service failed, a fatal error), in words.
    case error(String)
}

extension ApplianceEvent {
    /// The event as one JSON object for the control socket, e.g.
    /// `{"event":"state","state":"listening"}` or `{"event":"dialog","text":"← SpeechSynthesizer.Speak"}`.
    public var json: JSONValue {
        switch self {
        case .status(let status):
            return ["event": "state", "state": .string(status.rawValue)]
        case .error(let text):
            return ["event": "error", "error": .string(text)]
        case .note(let note):
            var object: [String: JSONValue] = ["event": "dialog", "text": .string(note.description)]
            switch note {
            case .state(let state): object["dialog_state"] = .string(state.rawValue)
            case .connection(let connected): object["connected"] = .bool(connected)
            case .directive(let name): object["directive"] = .string(name)
            case .eventSent(let name): object["sent"] = .string(name)
            case .eventFailed(let name, let why): object["failed"] = .string(name); object["error"] = .string(why)
            case .volume(let volume, let muted): object["volume"] = .number(Double(volume)); object["muted"] = .bool(muted)
            default: break
            }
            return .object(object)
        }
    }
}
