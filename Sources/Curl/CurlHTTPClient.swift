import CCurl
import DedicatedThread
import Synchronization

/// An HTTP/2 client over libcurl's multi interface, driven by one dedicated thread.
///
/// Every transfer shares one TLS connection (`CURLMOPT_PIPELINING` = `CURLPIPE_MULTIPLEX`,
/// `CURLMOPT_MAX_HOST_CONNECTIONS` 1, `CURLOPT_PIPEWAIT`) with at most
/// `maxConcurrentStreams` streams at once; libcurl queues the rest. Other threads talk to the
/// curl thread only through a locked command queue and `curl_multi_wakeup`; response events
/// are delivered on the curl thread.
public final class CurlHTTPClient: Sendable {
    /// How the client connects.
    public struct Configuration: Sendable {
        /// PEM file of the CAs that may sign the server certificate (`CURLOPT_CAINFO`);
        /// `nil` uses libcurl's default bundle. Verification is always on either way.
        public var caFile: String?
        /// Concurrent HTTP/2 streams on the connection (`CURLMOPT_MAX_CONCURRENT_STREAMS`).
        public var maxConcurrentStreams: Int
        /// Time allowed for TCP + TLS setup (`CURLOPT_CONNECTTIMEOUT_MS`).
        public var connectTimeout: Duration

        public init(caFile: String? = nil, maxConcurrentStreams: Int = 10, connectTimeout: Duration = .seconds(10)) {
            self.caFile = caFile
            self.maxConcurrentStreams = maxConcurrentStreams
            self.connectTimeout = connectTimeout
        }
    }

    private let queue: CommandQueue
    private let thread: DedicatedThread
    private let nextID = Atomic<UInt64>(1)

    /// Creates the multi handle and starts the curl thread. Fails only when libcurl cannot
    /// allocate a multi handle or refuses an option.
    public init(configuration: Configuration, driver: CurlDriver = .system) throws(CurlError) {
        guard let multi = Self.makeMulti(driver: driver, configuration: configuration) else {
            throw CurlError.multi(3)  // CURLM_OUT_OF_MEMORY
        }
        let queue = CommandQueue(driver: driver, multi: multi)
        self.queue = queue
        thread = DedicatedThread(name: "hark-curl") {
            let loop = CurlLoop(driver: driver, configuration: configuration, queue: queue, multi: multi)
            loop.run()
        }
    }

    /// Stops the thread without waiting for it (it only touches its own state while it ends
    /// its transfers), so dropping a client never blocks the caller's thread.
    deinit {
        queue.stop()
    }

    /// Starts `request`; `onEvent` hears its head, body chunks and end on the curl thread.
    @discardableResult
    public func start(_ request: HTTPRequest, onEvent: @escaping @Sendable (HTTPResponseEvent) -> Void) -> TransferID {
        let id = TransferID(nextID.wrappingAdd(1, ordering: .relaxed).oldValue)
        queue.push(.start(id, request, onEvent))
        return id
    }

    /// Cancels a transfer; it ends with `CurlError.aborted` unless it already ended.
    public func cancel(_ id: TransferID) {
        queue.push(.cancel(id))
    }

    /// Ends every transfer (`CurlError.aborted`) and closes the connection, so the next request
    /// opens a new one (a reconnect).
    public func closeConnections() {
        queue.push(.closeConnections)
    }

    /// Stops the thread after ending every transfer and waits until it has exited; later
    /// requests end at once with `CurlError.aborted`.
    public func shutdown() {
        queue.stop()
        // From a callback on the curl thread (which may drop the last reference), waiting
        // would wait for itself; the loop ends on its own once the callback returns.
        if !queue.isLoopThread { thread.waitUntilExited() }
    }

    /// `curl_multi_init` plus the multiplexing options.
    static func makeMulti(driver: CurlDriver, configuration: Configuration) -> MultiHandle? {
        guard let multi = driver.multiInit() else { return nil }
        do throws(CurlError) {
            try driver.multiSetLong(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
            try driver.multiSetLong(multi, CURLMOPT_MAX_HOST_CONNECTIONS, 1)
            try driver.multiSetLong(multi, CURLMOPT_MAX_CONCURRENT_STREAMS, configuration.maxConcurrentStreams)
        } catch {
            driver.multiCleanup(multi)
            return nil
        }
        return multi
    }
}
