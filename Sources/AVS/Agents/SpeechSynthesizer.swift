/// The SpeechSynthesizer capability agent: plays Alexa's speech (`Speak`, an MP3 attachment
/// named by `"url":"cid:..."`) and reports SpeechStarted, SpeechFinished and, when the user
/// cuts it off, SpeechInterrupted with how far it got.
public struct SpeechSynthesizer: Sendable {
    public enum Input: Sendable, Hashable {
        case directive(Directive)
        case playbackStarted
        /// How far playback has got, reported now and then by the player.
        case playbackProgress(offsetInMilliseconds: Int)
        case playbackFinished
        /// Playback ended early after `stopPlayback`.
        case playbackStopped(offsetInMilliseconds: Int)
        /// The player could not play the attachment.
        case playbackFailed
        /// The user barged in or pressed stop.
        case interrupt
    }

    /// One Speak.
    public struct Speech: Sendable, Hashable {
        public var token: String
        public var contentID: String
        /// The Speak directive's messageId, which the sequencer waits on.
        public var messageId: String
    }

    public enum PlayerActivity: String, Sendable, Hashable {
        case playing = "PLAYING", finished = "FINISHED", interrupted = "INTERRUPTED"
    }

    public enum State: Sendable, Hashable {
        /// Nothing playing; the last speech's token and how it ended ("" and FINISHED at first).
        case idle(token: String, activity: PlayerActivity, offsetInMilliseconds: Int)
        /// `play` was asked for; waiting for the player to start.
        case starting(Speech)
        case playing(Speech, offsetInMilliseconds: Int)
        /// `stopPlayback` was asked for; waiting for the player's offset. A Speak that
        /// arrived meanwhile plays next.
        case stopping(Speech, offsetInMilliseconds: Int, next: Speech?)
    }

    public private(set) var state = State.idle(token: "", activity: .finished, offsetInMilliseconds: 0)
    private var ids: MessageIDSource

    public init(ids: MessageIDSource = MessageIDSource()) {
        self.ids = ids
    }

    /// The Speak being played or about to be, if any.
    public var current: Speech? {
        switch state {
        case .idle: nil
        case .starting(let speech), .playing(let speech, _), .stopping(let speech, _, _): speech
        }
    }

    /// `SpeechSynthesizer.SpeechState`.
    public var context: ContextEntry {
        let (token, offset, activity): (String, Int, PlayerActivity) = switch state {
        case .idle(let token, let activity, let offset): (token, offset, activity)
        case .starting(let speech): (speech.token, 0, .playing)
        case .playing(let speech, let offset): (speech.token, offset, .playing)
        case .stopping(let speech, let offset, _): (speech.token, offset, .interrupted)
        }
        return ContextEntry(namespace: "SpeechSynthesizer", name: "SpeechState", payload: [
            "token": .string(token), "offsetInMilliseconds": .number(Double(offset)), "playerActivity": .string(activity.rawValue),
        ])
    }

    public mutating func handle(_ input: Input) -> [AVSAction] {
        switch (state, input) {
        case (_, .directive(let directive)):
            return speak(directive)
        case (.starting(let speech), .playbackStarted):
            // The first samples are out.
            state = .playing(speech, offsetInMilliseconds: 0)
            return [event("SpeechStarted", speech.token)]
        case (.playing(let speech, _), .playbackProgress(let offset)):
            // Remember the position for the context and a later SpeechInterrupted.
            state = .playing(speech, offsetInMilliseconds: offset)
            return []
        case (.playing(let speech, let offset), .playbackFinished):
            // Spoken to the end.
            state = .idle(token: speech.token, activity: .finished, offsetInMilliseconds: offset)
            return [event("SpeechFinished", speech.token)]
        case (.starting(let speech), .playbackFinished):
            // A clip so short that it ended before "started" was seen: report both.
            state = .idle(token: speech.token, activity: .finished, offsetInMilliseconds: 0)
            return [event("SpeechStarted", speech.token), event("SpeechFinished", speech.token)]
        case (.starting(let speech), .interrupt), (.playing(let speech, _), .interrupt):
            // Barge-in or stop: ask the player where it stopped before reporting.
            let offset = if case .playing(_, let offset) = state { offset } else { 0 }
            state = .stopping(speech, offsetInMilliseconds: offset, next: nil)
            return [.stopPlayback]
        case (.stopping(let speech, let offset, let next), .playbackStopped(let stoppedAt)):
            // Cut off: report how far it got, then play whatever came meanwhile.
            let reached = max(offset, stoppedAt)
            state = .idle(token: speech.token, activity: .interrupted, offsetInMilliseconds: reached)
            return [interrupted(speech.token, reached)] + start(next)
        case (.stopping(let speech, _, let next), .playbackFinished):
            // It ended by itself before the stop took effect.
            state = .idle(token: speech.token, activity: .finished, offsetInMilliseconds: 0)
            return [event("SpeechFinished", speech.token)] + start(next)
        case (.starting(let speech), .playbackFailed), (.playing(let speech, _), .playbackFailed),
             (.stopping(let speech, _, nil), .playbackFailed):
            // Unplayable: give up on this speech quietly so the dialog can go on.
            state = .idle(token: speech.token, activity: .finished, offsetInMilliseconds: 0)
            return []
        case (.stopping(let speech, _, let next?), .playbackFailed):
            // The stopped speech failed on its way out; the next one still plays.
            state = .idle(token: speech.token, activity: .interrupted, offsetInMilliseconds: 0)
            return start(next)
        case (.stopping, .interrupt), (.stopping, .playbackProgress), (.stopping, .playbackStarted):
            // Already stopping.
            return []
        case (.idle, _), (.starting, _), (.playing, _):
            // Player reports that do not apply to this state (late or duplicated).
            return []
        }
    }

    /// A Speak directive: validate, then play now or after the speech being stopped.
    private mutating func speak(_ directive: Directive) -> [AVSAction] {
        guard directive.header.name == "Speak" else {
            return [.reject(directive, .unsupportedOperation, "unsupported directive \(directive.header.qualifiedName)", ids: &ids)]
        }
        guard let url = directive.payload["url"]?.stringValue, url.hasPrefix("cid:"), url.count > 4,
              let token = directive.payload["token"]?.stringValue
        else {
            return [.reject(directive, .unexpectedInformationReceived, "Speak needs a cid: url and a token", ids: &ids)]
        }
        let speech = Speech(token: token, contentID: String(url.dropFirst(4)), messageId: directive.header.messageId)
        switch state {
        case .idle:
            return start(speech)
        case .starting(let old), .playing(let old, _):
            // A Speak outside the blocked dialog replaces the current one.
            let offset = if case .playing(_, let offset) = state { offset } else { 0 }
            state = .stopping(old, offsetInMilliseconds: offset, next: speech)
            return [.stopPlayback]
        case .stopping(let old, let offset, _):
            state = .stopping(old, offsetInMilliseconds: offset, next: speech)
            return []
        }
    }

    private mutating func start(_ speech: Speech?) -> [AVSAction] {
        guard let speech else { return [] }
        state = .starting(speech)
        return [.play(contentID: speech.contentID, token: speech.token)]
    }

    private mutating func event(_ name: String, _ token: String) -> AVSAction {
        .sendEvent(Event(header: MessageHeader(namespace: "SpeechSynthesizer", name: name, messageId: ids.makeID()),
                         payload: ["token": .string(token)]))
    }

    private mutating func interrupted(_ token: String, _ offset: Int) -> AVSAction {
        .sendEvent(Event(header: MessageHeader(namespace: "SpeechSynthesizer", name: "SpeechInterrupted", messageId: ids.makeID()),
                         payload: ["token": .string(token), "offsetInMilliseconds": .number(Double(offset))]))
    }
}
