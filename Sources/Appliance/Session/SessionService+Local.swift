import AVS

/// What the device itself asks of the session outside a turn: the control socket's volume and
/// mute, and the watchdog's ping.
extension SessionService {
    /// Sets the speaker volume (0...100) as if AVS had sent `Speaker.SetVolume`: the engine
    /// changes level, the setting is stored, and AVS hears `Speaker.VolumeChanged`, which is
    /// how AVS expects a device to report a local change.
    public func setVolume(_ level: Int) {
        feed(.directive(Self.localSpeakerDirective("SetVolume", ["volume": .number(Double(min(100, max(0, level))))])))
    }

    /// Mutes or unmutes as if AVS had sent `Speaker.SetMute` (`Speaker.MuteChanged` goes out).
    public func setMuted(_ muted: Bool) {
        feed(.directive(Self.localSpeakerDirective("SetMute", ["mute": .bool(muted)])))
    }

    /// The speaker settings now.
    public var speakerSettings: SpeakerSettings { session.speaker.settings }

    /// Answers when the actor is free to run a job: the session loop handles each message
    /// synchronously on this actor, so a loop stuck inside a message also stops the answers.
    public func ping() -> Bool { true }

    private static func localSpeakerDirective(_ name: String, _ payload: JSONValue) -> Directive {
        Directive(header: MessageHeader(namespace: "Speaker", name: name, messageId: "local-\(name)"), payload: payload)
    }
}
