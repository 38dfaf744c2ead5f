import CCurl

/// An error returned by libcurl's easy interface: the `CURLcode` and the text
/// `curl_easy_strerror` gives for it.
///
/// Like `ALSAError`, this type is just the C value; equality compares codes only. Multi-handle
/// failures (`CURLMcode`) are reported as `CurlError.multi(_:)`, which keeps the two code spaces
/// apart with the `isMulti` flag.
public struct CurlError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `CURLcode` (or `CURLMcode` when `isMulti`) value.
    public let code: Int32
    /// Whether `code` is a `CURLMcode` from the multi interface.
    public let isMulti: Bool

    /// Wraps a `CURLcode` value.
    public init(code: Int32) {
        self.code = code
        self.isMulti = false
    }

    /// Wraps a `CURLMcode` value.
    public static func multi(_ code: Int32) -> CurlError {
        CurlError(code: code, isMulti: true)
    }

    private init(code: Int32, isMulti: Bool) {
        self.code = code
        self.isMulti = isMulti
    }

    /// The text libcurl gives for this code (`curl_easy_strerror` / `curl_multi_strerror`).
    public var message: String {
        if isMulti {
            String(cString: curl_multi_strerror(CURLMcode(rawValue: code)))
        } else {
            String(cString: curl_easy_strerror(CURLcode(rawValue: UInt32(bitPattern: code))))
        }
    }

    public var description: String {
        "\(message) (\(isMulti ? "CURLM" : "CURLE") \(code))"
    }

    /// `CURLE_COULDNT_RESOLVE_HOST`: the host name did not resolve.
    public static let couldNotResolveHost = CurlError(code: 6)
    /// `CURLE_COULDNT_CONNECT`: the TCP connection was refused or unreachable.
    public static let couldNotConnect = CurlError(code: 7)
    /// `CURLE_HTTP2`: a problem in the HTTP/2 framing layer.
    public static let http2 = CurlError(code: 16)
    /// `CURLE_OPERATION_TIMEDOUT`: a timeout elapsed (`CURLOPT_TIMEOUT_MS`, or no progress
    /// for `CURLOPT_LOW_SPEED_TIME`).
    public static let operationTimedOut = CurlError(code: 28)
    /// `CURLE_SSL_CONNECT_ERROR`: the TLS handshake failed.
    public static let sslConnectError = CurlError(code: 35)
    /// `CURLE_ABORTED_BY_CALLBACK`: the transfer was cancelled by Hark.
    public static let aborted = CurlError(code: 42)
    /// `CURLE_GOT_NOTHING`: the server closed the connection without answering.
    public static let gotNothing = CurlError(code: 52)
    /// `CURLE_SEND_ERROR`: sending on the connection failed.
    public static let sendError = CurlError(code: 55)
    /// `CURLE_RECV_ERROR`: receiving on the connection failed (often a reset connection).
    public static let receiveError = CurlError(code: 56)
    /// `CURLE_PEER_FAILED_VERIFICATION` (called `CURLE_SSL_CACERT` before libcurl 7.62): the
    /// server certificate did not verify against the configured CA.
    public static let peerFailedVerification = CurlError(code: 60)
    /// `CURLE_SSL_CACERT_BADFILE`: the configured CA file could not be read.
    public static let sslCACertBadFile = CurlError(code: 77)
    /// `CURLE_HTTP2_STREAM`: the server reset this HTTP/2 stream.
    public static let http2Stream = CurlError(code: 92)
    /// `CURLE_OUT_OF_MEMORY`.
    public static let outOfMemory = CurlError(code: 27)

    /// Whether the failure is about trusting the server (certificate or CA file), which
    /// retrying will not fix without a configuration change.
    public var isCertificateProblem: Bool {
        !isMulti && (self == .peerFailedVerification || self == .sslCACertBadFile || self == .sslConnectError)
    }
}

extension CurlError {
    /// Throws unless `code` is `CURLE_OK`.
    @inlinable
    static func check(_ code: CURLcode) throws(CurlError) {
        if code != CURLE_OK { throw CurlError(code: Int32(bitPattern: code.rawValue)) }
    }

    /// Throws unless `code` is `CURLM_OK`.
    @inlinable
    static func check(_ code: CURLMcode) throws(CurlError) {
        if code != CURLM_OK { throw CurlError.multi(code.rawValue) }
    }
}
