/// The Speaker capability agent: volume and mute, set by AVS, applied through the audio
/// engine, persisted, and confirmed with VolumeChanged / MuteChanged.
public struct Speaker: Sendable {
    public enum Input: Sendable, Hashable {
        /// SetVolume, AdjustVolume or SetMute.
        case directive(Directive)
    }

    public private(set) var settings: SpeakerSettings
    private var ids: MessageIDSource

    /// Starts from the persisted settings.
    public init(settings: SpeakerSettings = SpeakerSettings(), ids: MessageIDSource = MessageIDSource()) {
        self.settings = SpeakerSettings(volume: min(100, max(0, settings.volume)), muted: settings.muted)
        self.ids = ids
    }

    /// `Speaker.VolumeState`.
    public var context: ContextEntry {
        ContextEntry(namespace: "Speaker", name: "VolumeState", payload: statePayload)
    }

    public mutating func handle(_ input: Input) -> [AVSAction] {
        guard case .directive(let directive) = input else { return [] }
        switch (directive.header.name, directive.payload["volume"], directive.payload["mute"]) {
        case ("SetVolume", let volume?, _):
            // An absolute level, 0...100.
            guard let level = volume.intValue, (0...100).contains(level) else {
                return [.reject(directive, .unexpectedInformationReceived, "SetVolume volume must be 0...100", ids: &ids)]
            }
            return setVolume(level)
        case ("AdjustVolume", let volume?, _):
            // A relative step, -100...100; the result is clamped to 0...100.
            guard let step = volume.intValue, (-100...100).contains(step) else {
                return [.reject(directive, .unexpectedInformationReceived, "AdjustVolume volume must be -100...100", ids: &ids)]
            }
            return setVolume(min(100, max(0, settings.volume + step)))
        case ("SetMute", _, let mute?):
            // Mute or unmute; the level is kept.
            guard let muted = mute.boolValue else {
                return [.reject(directive, .unexpectedInformationReceived, "SetMute mute must be a boolean", ids: &ids)]
            }
            settings.muted = muted
            return [.setMute(muted), .persistSpeaker(settings), event("MuteChanged")]
        case ("SetVolume", nil, _), ("AdjustVolume", nil, _), ("SetMute", _, nil):
            // The payload lacks its one field.
            return [.reject(directive, .unexpectedInformationReceived, "\(directive.header.name) payload is incomplete", ids: &ids)]
        default:
            // Some other Speaker directive this device does not implement.
            return [.reject(directive, .unsupportedOperation, "unsupported directive \(directive.header.qualifiedName)", ids: &ids)]
        }
    }

    /// A volume change also unmutes.
    private mutating func setVolume(_ level: Int) -> [AVSAction] {
        let wasMuted = settings.muted
        settings = SpeakerSettings(volume: level, muted: false)
        return [.setVolume(level)] + (wasMuted ? [.setMute(false)] : []) + [.persistSpeaker(settings), event("VolumeChanged")]
    }

    private var statePayload: JSONValue {
        ["volume": .number(Double(settings.volume)), "muted": .bool(settings.muted)]
    }

    private mutating func event(_ name: String) -> AVSAction {
        .sendEvent(Event(header: MessageHeader(namespace: "Speaker", name: name, messageId: ids.makeID()), payload: statePayload))
    }
}
