/// One HTTP request for `CurlHTTPClient`: method, URL, headers, optional body and timeouts.
///
/// Its description shows only the method and URL: headers carry bearer tokens.
public struct HTTPRequest: Sendable, CustomStringConvertible {
    public enum Method: String, Sendable {
        case get = "GET"
        case post = "POST"
    }

    public var method: Method
    /// Absolute `https://` URL.
    public var url: String
    /// Header lines without CRLF, such as `"authorization: Bearer …"`.
    public var headers: [String]
    /// The request body for POST; `nil` sends an empty body.
    public var body: RequestBody?
    /// End the transfer with `CurlError.operationTimedOut` when no byte moved in either
    /// direction for this long (checked by a `CURLOPT_XFERINFOFUNCTION` progress callback,
    /// about once a second). `nil` for streams that may idle forever (the AVS downchannel).
    public var noProgressTimeout: Duration?
    /// Cancel the whole transfer after this long (`CURLOPT_TIMEOUT_MS`); `nil` for none.
    public var timeout: Duration?

    public init(
        method: Method, url: String, headers: [String] = [], body: RequestBody? = nil,
        noProgressTimeout: Duration? = .seconds(30), timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.noProgressTimeout = noProgressTimeout
        self.timeout = timeout
    }

    public var description: String { "\(method.rawValue) \(url)" }
}

/// The status line and the headers Hark reads, reported once per response.
public struct HTTPResponseHead: Sendable, Hashable {
    /// `CURLINFO_RESPONSE_CODE`.
    public var status: Int
    /// The `content-type` header, if any.
    public var contentType: String?
    /// Whether the response came over HTTP/2 (`CURLINFO_HTTP_VERSION` is `CURL_HTTP_VERSION_2_0`).
    public var isHTTP2: Bool

    public init(status: Int, contentType: String? = nil, isHTTP2: Bool = true) {
        self.status = status
        self.contentType = contentType
        self.isHTTP2 = isHTTP2
    }
}

/// Facts about a finished transfer.
public struct TransferMetrics: Sendable, Hashable {
    /// `CURLINFO_NUM_CONNECTS`: new connections this transfer had to open (0 when it was
    /// multiplexed on an existing one).
    public var newConnections: Int

    public init(newConnections: Int) {
        self.newConnections = newConnections
    }
}

/// What a transfer reports, in order, on the curl thread: at most one `head`, any number of
/// `body` chunks, then exactly one `end`. Consumers must return quickly.
public enum HTTPResponseEvent: Sendable {
    case head(HTTPResponseHead)
    case body([UInt8])
    /// The transfer finished: success means the whole response arrived (any status);
    /// failure carries the `CURLE_*` code (`CurlError.aborted` when cancelled).
    case end(Result<TransferMetrics, CurlError>)
}

/// Names one transfer started on a `CurlHTTPClient`.
public struct TransferID: Hashable, Sendable, CustomStringConvertible {
    public let value: UInt64

    public init(_ value: UInt64) {
        self.value = value
    }

    public var description: String { "transfer \(value)" }
}
