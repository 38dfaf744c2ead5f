import AVS
import Curl

/// The session's view of AVS: a stream of what arrives, and ways to send.
public protocol AVSConnection: AnyObject, Sendable {
    /// State changes, directives (from the downchannel and event responses, each as soon as its
    /// part is complete), attachment bytes as they arrive, and event results.
    var updates: AsyncStream<ConnectionUpdate> { get }
    func start()
    func stop()
    /// `stop()`, and returns only once nothing of the connection runs any more (its threads
    /// have exited): the last thing before the process exits.
    func shutdown()
    /// Sends a non-audio event; waits for the connection if needed (at most 15 s).
    func send(_ event: Event) async -> EventResult
    /// Opens a Recognize request now (or as soon as connected) whose audio part the returned
    /// upload streams into.
    func beginRecognize(_ event: Event) -> RecognizeUpload
    /// Sends an event that must not be dropped however long the connection is down (Alerts).
    func send(_ event: Event, mustDeliver: Bool) async -> EventResult
}

extension AVSConnection {
    /// Connections without threads of their own (fakes) only stop.
    public func shutdown() { stop() }

    /// Fakes that only implement the contract's `send(_:)` get this.
    public func send(_ event: Event, mustDeliver: Bool) async -> EventResult {
        await send(event)
    }
}

/// One thing the connection reports, in arrival order.
public enum ConnectionUpdate: Sendable {
    case state(ConnectionState)
    /// A directive to act on now.
    case directive(Directive)
    /// A JSON part that is not a valid directive; answer with `System.ExceptionEncountered`.
    case malformedDirective(DirectiveParseError)
    /// An attachment part started (`contentID` without angle brackets, as in `cid:` URLs).
    case attachmentBegan(contentID: String)
    /// Attachment bytes, streamed as they arrive.
    case attachmentData(contentID: String, [UInt8])
    case attachmentEnded(contentID: String)
    /// An event (by `messageId`) finished.
    case eventResult(messageId: String, EventResult)
    /// A response body could not be decoded (the directives before the fault were delivered).
    case malformedResponse(String)
}

/// How an event request ended.
public enum EventResult: Sendable, Hashable {
    /// 2xx: 200 (its directives were delivered as updates) or 204 (nothing to do).
    case delivered(status: Int)
    /// A non-2xx answer with its JSON body (at most 4 KB): 400 (do not retry), 403 (the token
    /// is refreshed and the connection rebuilt), 429, 500, 503 (worth retrying later).
    case refused(status: Int, body: String)
    /// No answer: the transfer failed (couldn't connect, 30 s without progress, reset stream).
    case failed(CurlError)
    /// Waited more than 15 s for a connection and was dropped.
    case expired
    /// Cancelled by the caller or by `stop()`.
    case cancelled

    /// Whether sending it again later may succeed (429, 5xx, transfer failures).
    public var isRetryable: Bool {
        switch self {
        case .delivered, .expired, .cancelled: false
        case .refused(let status, _): status == 429 || status >= 500
        case .failed(let error): error != .aborted
        }
    }
}

/// Supplies access tokens to the transport.
public protocol AccessTokenProvider: Sendable {
    /// A currently valid access token; waits while none is available (refreshing, unlinked).
    /// Throws `CancellationError` when the waiting task is cancelled.
    func accessToken() async throws -> AccessToken
    /// AVS answered 403 to a request carrying `token`: stop handing it out and refresh now.
    func accessTokenRejected(_ token: AccessToken) async
}
