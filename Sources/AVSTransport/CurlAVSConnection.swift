import AVS
import Curl
import Logging

/// `AVSConnection` over libcurl: one HTTP/2 connection to AVS carrying the downchannel,
/// events, Recognize uploads and pings, rebuilt with backoff whenever it fails.
public final class CurlAVSConnection: AVSConnection {
    public struct Configuration: Sendable {
        /// AVS base URL (`avs.endpoint`); a `SetGateway`/`SetEndpoint` stored in
        /// `stateDirectory` takes precedence.
        public var endpoint: String
        /// CA bundle to verify the server with (`avs.ca_file`); `nil` for the system bundle.
        public var caFile: String?
        /// Where the endpoint the cloud moved us to is kept (`state.dir`); `nil` keeps it in
        /// memory only.
        public var stateDirectory: String?
        /// Ping, timeout and queueing durations; the AVS values unless a test shortens them.
        public var timings: ConnectionTimings

        public init(
            endpoint: String = "https://alexa.na.gateway.devices.a2z.com", caFile: String? = nil,
            stateDirectory: String? = nil, timings: ConnectionTimings = .avs
        ) {
            self.endpoint = endpoint
            self.caFile = caFile
            self.stateDirectory = stateDirectory
            self.timings = timings
        }
    }

    public let updates: AsyncStream<ConnectionUpdate>
    private let updatesContinuation: AsyncStream<ConnectionUpdate>.Continuation
    private let inbox: AsyncStream<CoreMessage>.Continuation
    private let loop: Task<Void, Never>
    private let http: CurlHTTPClient
    private let messageIDs = Locked(MessageIDSource())

    /// - Parameters:
    ///   - tokens: access tokens (the LWA authorizer, or a fixed token in tests).
    ///   - context: the full context for `System.SynchronizeState`, from the session.
    public init(
        configuration: Configuration, tokens: any AccessTokenProvider,
        context: @escaping @Sendable () async -> [ContextEntry],
        logger: Logger = Logger(label: "hark.transport"), clock: any Clock<Duration> = ContinuousClock(),
        jitter: Jitter = .system, driver: CurlDriver = .system
    ) throws(CurlError) {
        let http = try CurlHTTPClient(configuration: .init(caFile: configuration.caFile), driver: driver)
        self.http = http
        (updates, updatesContinuation) = AsyncStream.makeStream(of: ConnectionUpdate.self)
        let (messages, inbox) = AsyncStream.makeStream(of: CoreMessage.self)
        self.inbox = inbox
        let store = configuration.stateDirectory.map(EndpointStore.init(directory:))
        var endpoint = store?.load() ?? configuration.endpoint
        if endpoint.hasSuffix("/") { endpoint.removeLast() }
        let core = ConnectionCore(
            http: http, tokens: tokens, context: context, clock: clock, logger: logger, endpoint: endpoint,
            endpointStore: store, jitter: jitter, timings: configuration.timings, inbox: inbox, updates: updatesContinuation)
        loop = Task { await core.run(messages) }
    }

    deinit {
        inbox.finish()
        updatesContinuation.finish()
    }

    public func start() {
        inbox.yield(.start)
    }

    /// Closes the connection; waiting and running events end `.cancelled` or `.failed(.aborted)`.
    public func stop() {
        inbox.yield(.stop)
    }

    /// `stop()`, then waits until the curl thread has ended its transfers and exited. Call it
    /// before the process exits: OpenSSL's exit-time cleanup frees every thread's state, and a
    /// curl thread still running then frees its own again when it ends (a double free that
    /// AddressSanitizer caught at the end of `hark run`).
    public func shutdown() {
        stop()
        http.shutdown()
    }

    public func send(_ event: Event) async -> EventResult {
        await send(event, mustDeliver: false)
    }

    public func send(_ event: Event, mustDeliver: Bool) async -> EventResult {
        let request = OutgoingRequest(event: event, kind: .event, mustDeliver: mustDeliver)
        inbox.yield(.submit(request))
        return await withTaskCancellationHandler {
            await request.outcome.value
        } onCancel: {
            request.cancel()
        }
    }

    public func beginRecognize(_ event: Event) -> RecognizeUpload {
        let request = OutgoingRequest(event: event, kind: .recognize, mustDeliver: false)
        inbox.yield(.submit(request))
        return RecognizeUpload(request: request)
    }

    /// A fresh `messageId` (UUID v4) for callers building events.
    public func makeMessageID() -> String {
        messageIDs.withLock { $0.makeID() }
    }
}
