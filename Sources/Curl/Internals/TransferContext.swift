import CCurl

/// One running transfer, confined to the curl thread: its easy handle owner, its consumer and
/// the response head parsed so far. libcurl's callbacks find it through their user pointer
/// (`CURLOPT_WRITEDATA`, `CURLOPT_READDATA`, `CURLOPT_HEADERDATA`); the loop's transfer table
/// keeps it alive for as long as libcurl may call them.
final class TransferContext {
    let id: TransferID
    let owner: EasyOwner
    let onEvent: @Sendable (HTTPResponseEvent) -> Void
    let body: RequestBody?
    /// Asks the curl thread to unpause this transfer (pushes `.resume(id)`).
    let resume: @Sendable () -> Void
    private var contentType: String?
    private(set) var headSent = false
    /// Whether the read callback last returned `CURL_READFUNC_PAUSE`.
    var uploadPaused = false
    /// Cancel when no byte moved either way for this long (`nil`: never).
    var noProgressLimit: Duration?
    /// Set when the progress callback aborted the transfer for lack of progress.
    private(set) var stalled = false
    private var lastProgress: (downloaded: Int, uploaded: Int, at: ContinuousClock.Instant)?

    init(
        id: TransferID, owner: EasyOwner, body: RequestBody?,
        resume: @escaping @Sendable () -> Void, onEvent: @escaping @Sendable (HTTPResponseEvent) -> Void
    ) {
        self.id = id
        self.owner = owner
        self.body = body
        self.resume = resume
        self.onEvent = onEvent
    }

    var userPointer: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> TransferContext {
        Unmanaged<TransferContext>.fromOpaque(pointer!).takeUnretainedValue()
    }

    /// `CURLOPT_HEADERFUNCTION`: one header line at a time, CRLF included.
    func header(_ line: UnsafeRawBufferPointer) {
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix("HTTP/") {
            contentType = nil  // a new response block (after a 1xx)
        } else if text == "\r\n" || text == "\n" {
            sendHeadIfFinal()
        } else if let colon = text.firstIndex(of: ":"),
            text[..<colon].lowercased() == "content-type"
        {
            contentType = text[text.index(after: colon)...].trimmingWhitespace()
        }
    }

    /// `CURLOPT_WRITEFUNCTION`: response body bytes.
    func write(_ bytes: UnsafeRawBufferPointer) {
        if !headSent { sendHeadIfFinal() }
        onEvent(.body(Array(bytes)))
    }

    /// `CURLOPT_READFUNCTION`: fills `destination` from the request body.
    func read(into destination: UnsafeMutableRawBufferPointer) -> Int {
        guard let body else { return 0 }
        switch body.read(into: destination, resume: resume) {
        case .bytes(let count):
            return count
        case .end:
            return 0
        case .pause:
            uploadPaused = true
            return HARK_CURL_READFUNC_PAUSE
        case .abort:
            return HARK_CURL_READFUNC_ABORT
        }
    }

    /// `CURLOPT_XFERINFOFUNCTION`, called at least once a second: returns `false` (abort)
    /// once the byte counts have not moved for `noProgressLimit`.
    func progress(downloaded: Int, uploaded: Int) -> Bool {
        guard let limit = noProgressLimit else { return true }
        let now = ContinuousClock.now
        guard let last = lastProgress, last.downloaded == downloaded, last.uploaded == uploaded else {
            lastProgress = (downloaded, uploaded, now)
            return true
        }
        if now - last.at < limit { return true }
        stalled = true
        return false
    }

    /// Reports the head once the final (non-1xx) status is known.
    func sendHeadIfFinal() {
        guard !headSent, let status = try? owner.driver.easyGetLong(owner.handle, CURLINFO_RESPONSE_CODE),
            status >= 200
        else { return }
        let version = (try? owner.driver.easyGetLong(owner.handle, CURLINFO_HTTP_VERSION)) ?? 0
        headSent = true
        onEvent(.head(HTTPResponseHead(
            status: status, contentType: contentType, isHTTP2: version == CURL_HTTP_VERSION_2_0)))
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
