import AVS
import Audio
import Logging

extension SessionService {
    /// The bytes of the attachment `contentID` (past and future) for the music player: a
    /// `Play` with a `cid:` URL streams from the same response as a Speak does.
    public func takeAttachment(_ contentID: String) -> AsyncStream<[UInt8]> {
        attachments.take(contentID)
    }
}

extension PlayerService {
    /// Connects the player to the session and the focus arbiter: AudioPlayer directives
    /// from the dialog, attachments and events through the session, PlaybackState into the
    /// context, and the content channel's focus (ducked under the dialog, paused under an
    /// alert) back into the player.
    public static func attach(to session: SessionService, focus: FocusArbiter, configuration: Configuration,
                              playback: any AudioPlayback, speaker: SpeakerSettings,
                              clock: any Clock<Duration> = ContinuousClock(), logger: Logger,
                              observe: @escaping @Sendable (Note) -> Void = { _ in }) -> PlayerService {
        let mirror = session.contextMirror
        let player = PlayerService(
            configuration: configuration, playback: playback,
            attachments: { await session.takeAttachment($0) },
            send: { session.send($0) },
            fullContext: { mirror.context },
            clock: clock,
            logger: logger,
            observe: observe,
            provide: { entry, active in
                mirror.provide(entry)
                if active { focus.acquire(.content) } else { focus.release(.content) }
            })
        player.setSpeaker(volume: speaker.volume, muted: speaker.muted)
        mirror.provide(player.context)
        session.bridge.route(namespace: "AudioPlayer") { player.handle($0) }
        player.follow(focus)
        return player
    }

    /// Takes the content channel's level from `focus` from now on.
    public nonisolated func follow(_ focus: FocusArbiter) {
        // Weak: the player holds the arbiter (it acquires and releases the content channel).
        focus.observe(.content) { [weak self] level in self?.setFocus(Self.contentFocus(level)) }
    }

    /// What a level of the content channel means for the music.
    static func contentFocus(_ level: FocusLevel) -> ContentFocus {
        switch level {
        case .foreground, .none: .foreground
        case .background(.duck): .ducked
        case .background(.pause): .paused
        }
    }
}
