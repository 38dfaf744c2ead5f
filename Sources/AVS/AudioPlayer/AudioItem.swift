/// One stream of an `AudioPlayer.Play` directive (`payload.audioItem.stream`), with what the
/// player needs to fetch it and what the agent needs to report on it.
public struct AudioItem: Sendable, Hashable {
    /// `stream.token`: names the stream in every event and in the context.
    public var token: String
    /// `stream.url`: `cid:<Content-ID>` for an attachment of the same response, or an
    /// `http(s)` URL (an MP3 stream or a playlist that names one).
    public var url: String
    /// `stream.offsetInMilliseconds`: where playback starts, in milliseconds.
    public var offsetInMilliseconds: Int
    /// `stream.progressReport.progressReportDelayInMilliseconds`: one report once playback
    /// reaches this offset, in milliseconds; nil for none.
    public var progressReportDelay: Int?
    /// `stream.progressReport.progressReportIntervalInMilliseconds`: a report every this
    /// many milliseconds of playback; nil for none.
    public var progressReportInterval: Int?
    /// `stream.expectedPreviousToken`: an ENQUEUE only follows the stream with this token.
    public var expectedPreviousToken: String?
    /// `audioItem.audioItemId`, for logs.
    public var audioItemId: String?
    /// The Play directive's messageId.
    public var messageId: String

    public init(token: String, url: String, offsetInMilliseconds: Int = 0, progressReportDelay: Int? = nil,
                progressReportInterval: Int? = nil, expectedPreviousToken: String? = nil, audioItemId: String? = nil,
                messageId: String = "") {
        self.token = token
        self.url = url
        self.offsetInMilliseconds = offsetInMilliseconds
        self.progressReportDelay = progressReportDelay
        self.progressReportInterval = progressReportInterval
        self.expectedPreviousToken = expectedPreviousToken
        self.audioItemId = audioItemId
        self.messageId = messageId
    }

    /// The attachment's Content-ID when the stream is a `cid:` URL.
    public var contentID: String? {
        url.hasPrefix("cid:") && url.count > 4 ? String(url.dropFirst(4)) : nil
    }
}

/// `Play.playBehavior`.
public enum PlayBehavior: String, Sendable, Hashable {
    /// Stop what plays, drop the queue, play this now.
    case replaceAll = "REPLACE_ALL"
    /// Add to the end of the queue.
    case enqueue = "ENQUEUE"
    /// Replace the queue (not what plays now) with this.
    case replaceEnqueued = "REPLACE_ENQUEUED"
}

/// `ClearQueue.clearBehavior`.
public enum ClearBehavior: String, Sendable, Hashable {
    /// Drop the queue; what plays now goes on.
    case clearEnqueued = "CLEAR_ENQUEUED"
    /// Drop the queue and stop what plays now.
    case clearAll = "CLEAR_ALL"
}

/// `AudioPlayer.PlaybackState.playerActivity`.
public enum PlayerActivity: String, Sendable, Hashable {
    case idle = "IDLE", playing = "PLAYING", paused = "PAUSED", bufferUnderrun = "BUFFER_UNDERRUN"
    case finished = "FINISHED", stopped = "STOPPED"
}

/// Why a stream could not be played: `PlaybackFailed.error.type`.
public enum MediaErrorType: String, Sendable, Hashable {
    case unknown = "MEDIA_ERROR_UNKNOWN"
    /// The server refused the request (4xx) or the content is not audio it can play.
    case invalidRequest = "MEDIA_ERROR_INVALID_REQUEST"
    /// The server could not be reached, or stopped sending.
    case serviceUnavailable = "MEDIA_ERROR_SERVICE_UNAVAILABLE"
    /// The server failed (5xx).
    case internalServerError = "MEDIA_ERROR_INTERNAL_SERVER_ERROR"
    /// The device failed (decoder, sound card).
    case internalDeviceError = "MEDIA_ERROR_INTERNAL_DEVICE_ERROR"
}

/// A failed stream: the type AVS knows and a message for people.
public struct MediaError: Sendable, Hashable {
    public var type: MediaErrorType
    public var message: String

    public init(_ type: MediaErrorType, _ message: String) {
        self.type = type
        self.message = message
    }
}

extension AudioItem {
    /// Reads `payload.audioItem` of a Play directive; nil (with the reason) when a required
    /// field is missing or has the wrong type.
    static func parse(_ directive: Directive) -> Result<(PlayBehavior, AudioItem), PlayParseError> {
        let payload = directive.payload
        guard let behaviorName = payload["playBehavior"]?.stringValue else { return .failure("Play needs a playBehavior") }
        guard let behavior = PlayBehavior(rawValue: behaviorName) else {
            return .failure("Play playBehavior '\(behaviorName)' is not REPLACE_ALL, ENQUEUE or REPLACE_ENQUEUED")
        }
        guard let stream = payload["audioItem"]?["stream"] else { return .failure("Play needs audioItem.stream") }
        guard let url = stream["url"]?.stringValue, !url.isEmpty else { return .failure("Play needs audioItem.stream.url") }
        guard url.hasPrefix("cid:") || url.hasPrefix("https://") || url.hasPrefix("http://") else {
            return .failure("Play url must be cid:, https: or http:, not '\(url.prefix(40))'")
        }
        guard let token = stream["token"]?.stringValue, !token.isEmpty else { return .failure("Play needs audioItem.stream.token") }
        let offset = stream["offsetInMilliseconds"]?.intValue ?? 0
        guard offset >= 0 else { return .failure("Play offsetInMilliseconds must not be negative") }
        let report = stream["progressReport"]
        let delay = report?["progressReportDelayInMilliseconds"]?.intValue.flatMap { $0 > 0 ? $0 : nil }
        let interval = report?["progressReportIntervalInMilliseconds"]?.intValue.flatMap { $0 > 0 ? $0 : nil }
        let previous = stream["expectedPreviousToken"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        return .success((behavior, AudioItem(
            token: token, url: url, offsetInMilliseconds: offset, progressReportDelay: delay, progressReportInterval: interval,
            expectedPreviousToken: previous, audioItemId: payload["audioItem"]?["audioItemId"]?.stringValue,
            messageId: directive.header.messageId)))
    }
}

/// Why a Play payload is unusable.
struct PlayParseError: Error, ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
    var message: String
    init(stringLiteral value: String) { message = value }
    init(stringInterpolation: DefaultStringInterpolation) { message = String(stringInterpolation: stringInterpolation) }
}
