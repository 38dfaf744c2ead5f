/// What the simulator does in one run: how it answers, what it pushes, which faults it
/// injects. Loaded from TOML (see `ScenarioLoader` and Sources/hark-sim/README.md).
public struct Scenario: Sendable, Equatable {
    public var server = ServerSettings()
    public var auth = AuthSettings()
    /// Answers to the 1st, 2nd, ... Recognize; past the end the last one repeats.
    public var recognize: [RecognizeAnswer] = []
    /// Directives pushed on each new downchannel at given times after it opens.
    public var pushes: [TimedPush] = []
    public var faults: [Fault] = []
    /// Alerts set or deleted at given times ([[alert]]), once per run.
    public var alerts: [AlertPush] = []
    /// Notification indicators set or cleared ([[notification]]), once per run.
    public var notifications: [NotificationPush] = []

    public init() {}

    /// The answer to the `index`-th Recognize (0-based).
    public func answer(forRecognize index: Int) -> RecognizeAnswer {
        guard !recognize.isEmpty else { return RecognizeAnswer() }
        return recognize[min(index, recognize.count - 1)]
    }
}

public struct ServerSettings: Sendable, Equatable {
    /// Pause between the end of a Recognize upload and its answer, in milliseconds.
    public var responseDelayMilliseconds = 0
    /// Size of each chunk of a Speak attachment, in bytes.
    public var speakChunkBytes = 2048
    /// Pause between two chunks of a Speak attachment, in milliseconds (0: all at once).
    public var speakChunkPauseMilliseconds = 20
    /// HTTP/2 SETTINGS_MAX_CONCURRENT_STREAMS; AVS allows 10.
    public var maxConcurrentStreams = 10
    public init() {}
}

public struct AuthSettings: Sendable, Equatable {
    /// The only client id LWA accepts.
    public var clientID = "hark-sim-client"
    /// When set, a client that sends `client_secret` must send this one.
    public var clientSecret: String?
    /// An access token valid from the start (for clients that skip LWA).
    public var accessToken: String? = "Atza|hark-sim-access"
    /// A refresh token valid from the start.
    public var refreshToken: String? = "Atzr|hark-sim-refresh"
    /// `expires_in` of issued access tokens, in seconds.
    public var accessTokenLifetimeSeconds = 3600
    /// `expires_in` of a code pair, in seconds.
    public var codePairLifetimeSeconds = 600
    /// `interval` of a code pair, in seconds.
    public var pollIntervalSeconds = 5
    /// How many token polls of a code pair answer `authorization_pending` before the user
    /// "approves" it.
    public var pendingPolls = 2
    /// Poll numbers (1-based, per code pair) answered with `slow_down`.
    public var slowDownPolls: [Int] = []
    public init() {}
}

/// What to answer to one Recognize.
public struct RecognizeAnswer: Sendable, Equatable {
    /// Send Speak with an MP3 attachment.
    public var speak = true
    /// Path of the MP3 to speak; nil: the embedded reply.
    public var speakMP3Path: String?
    /// Then ExpectSpeech with this timeout, in milliseconds.
    public var expectSpeechTimeoutMilliseconds: Int?
    public var setVolume: Int?
    public var adjustVolume: Int?
    public var setMute: Bool?
    /// For TAP, WAKEWORD and ExpectSpeech turns: StopCapture on the downchannel after this
    /// much audio, in milliseconds; 0 never sends it. Never sent for PRESS_AND_HOLD.
    public var stopCaptureAfterMilliseconds = 2000
    /// Overrides `server.response_delay_ms` for this answer.
    public var responseDelayMilliseconds: Int?
    /// Raw parts appended after the built directives, sent as they are.
    public var rawDirectives: [String] = []
    /// AudioPlayer.Play directives after the others (attachments follow their Play).
    public var plays: [PlaySpec] = []
    public init() {}
}

/// A directive pushed on the downchannel `afterMilliseconds` after it opens.
public struct TimedPush: Sendable, Equatable {
    public var afterMilliseconds: Int
    /// The part's text, sent as it is (may be malformed on purpose).
    public var text: String
    /// Send `text` without part framing (`{boundary}` replaced), for framing quirks.
    public var raw: Bool
    /// Instead of `text`: an AudioPlayer.Play built from this (its URL must not be `cid`).
    public var play: PlaySpec?
    public init(afterMilliseconds: Int, text: String, raw: Bool = false, play: PlaySpec? = nil) {
        self.afterMilliseconds = afterMilliseconds
        self.text = text
        self.raw = raw
        self.play = play
    }
}

/// A fault to inject.
public struct Fault: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// Close the next `count` TCP connections as soon as they are accepted.
        case dropAtConnect = "drop_at_connect"
        /// Close the connection during the next `count` Recognize uploads, after
        /// `after_ms` of audio.
        case dropMidRecognize = "drop_mid_recognize"
        /// End the next `count` downchannels `after_ms` after they open.
        case closeDownchannel = "close_downchannel"
        /// `after_ms` after the next `count` downchannels open, send HTTP/2 GOAWAY (NO_ERROR,
        /// last stream = the downchannel) and end the downchannel: the client must move to a
        /// new connection.
        case goAway = "goaway"
        /// Revoke every access token issued so far (403 until the client refreshes), at
        /// `after_ms` after start or once `after_events` events were accepted.
        case rejectToken = "reject_token"
        /// Answer the next `count` requests of `target` with `status`.
        case status
        /// Hold the answer to the next `count` requests of `target` for `stall_ms`.
        case stall
        /// The next `count` Recognize answers carry a broken multipart body.
        case malformedMultipart = "malformed_multipart"
        /// The next `count` Recognize answers carry a Speak part that is not JSON.
        case malformedJSON = "malformed_json"
        /// The next `count` Recognize answers say `multipart/related` with no boundary.
        case missingBoundary = "missing_boundary"
        /// The next `count` Recognize answers start with a part whose header block is 64 KB.
        case hugePartHeaders = "huge_part_headers"
        /// The next `count` Recognize answers also carry a 50 MB attachment no directive names.
        case oversizeAttachment = "oversize_attachment"
        /// The next `count` Recognize answers carry the Speak but never its MP3 attachment.
        case missingAttachment = "missing_attachment"
    }

    /// The requests a `status` or `stall` fault applies to.
    public enum Target: String, Sendable, CaseIterable {
        case events, recognize, downchannel, ping, any
    }

    public var kind: Kind
    public var count = 1
    public var target = Target.events
    public var status = 503
    public var afterMilliseconds = 0
    public var afterEvents: Int?
    public var stallMilliseconds = 5000

    public init(kind: Kind) { self.kind = kind }
}
