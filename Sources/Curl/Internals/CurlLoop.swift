import CCurl

#if canImport(Glibc)
import Glibc
#endif

/// The curl thread's state and loop: the multi handle, the running transfers, and the
/// commands that start, cancel and unpause them. Created on the curl thread and never used
/// elsewhere.
final class CurlLoop {
    private let driver: CurlDriver
    private let configuration: CurlHTTPClient.Configuration
    private let queue: CommandQueue
    private var multi: MultiOwner
    private var transfers: [EasyHandle: TransferContext] = [:]
    private var handles: [TransferID: EasyHandle] = [:]

    /// The longest `curl_multi_poll` wait, in milliseconds; also the cadence of the
    /// no-progress checks while nothing happens.
    static let pollCap: Int32 = 500

    init(driver: CurlDriver, configuration: CurlHTTPClient.Configuration, queue: CommandQueue, multi: MultiHandle) {
        self.driver = driver
        self.configuration = configuration
        self.queue = queue
        self.multi = MultiOwner(handle: multi, driver: driver)
    }

    /// Runs until `CommandQueue.stop()`: commands, `curl_multi_perform`, finished transfers,
    /// then `curl_multi_poll` until socket activity, a libcurl timer or `curl_multi_wakeup`.
    func run() {
        queue.shared.withLock { $0.loopThread = pthread_self() }
        while true {
            let (commands, stopping) = queue.take()
            for command in commands { execute(command) }
            if stopping { break }
            _ = try? driver.multiPerform(multi.handle)
            while let finished = driver.multiInfoRead(multi.handle) { finish(finished) }
            // A command pushed while the multi handle was being replaced woke the old one:
            // look again before sleeping, or it would wait for the poll timeout.
            if queue.hasWork { continue }
            // libcurl wakes for its own timers and sockets, and for `curl_multi_wakeup`. Under
            // heavy load a wakeup was seen lost now and then (a request then sat until the poll
            // timed out), so the poll never sleeps longer than half a second: a lost wakeup
            // costs at most that, and an idle connection wakes twice a second (a poll and a
            // `curl_multi_perform` with nothing to do, well under 0.01 % of a core).
            try? driver.multiPoll(multi.handle, Self.pollCap)
        }
        abortAll()
        // No wakeup can reach the handle after this; `curl_multi_cleanup` runs when the loop
        // is released at the end of the thread.
        queue.shared.withLock { $0.multi = nil }
    }

    private func execute(_ command: CurlCommand) {
        switch command {
        case .start(let id, let request, let onEvent):
            start(id: id, request: request, onEvent: onEvent)
        case .cancel(let id):
            guard let easy = handles[id] else { return }
            end(easy, .failure(.aborted))
        case .resume(let id):
            guard let easy = handles[id], let transfer = transfers[easy], transfer.uploadPaused else { return }
            transfer.uploadPaused = false
            // `curl_easy_pause` is only ever called here, on the curl thread.
            _ = try? driver.easyPause(easy, Int32(HARK_CURLPAUSE_CONT))
        case .closeConnections:
            abortAll()
            guard let fresh = CurlHTTPClient.makeMulti(driver: driver, configuration: configuration) else { return }
            queue.shared.withLock { shared in
                shared.multi = fresh
                // Replacing the owner runs `curl_multi_cleanup` on the old handle (closing its
                // connection) while no other thread can wake it.
                multi = MultiOwner(handle: fresh, driver: driver)
            }
        }
    }

    private func start(id: TransferID, request: HTTPRequest, onEvent: @escaping @Sendable (HTTPResponseEvent) -> Void) {
        guard let easy = driver.easyInit() else {
            onEvent(.end(.failure(.outOfMemory)))
            return
        }
        let owner = EasyOwner(handle: easy, driver: driver)
        let queue = self.queue
        let transfer = TransferContext(
            id: id, owner: owner, body: request.body,
            resume: { queue.push(.resume(id)) }, onEvent: onEvent)
        do throws(CurlError) {
            try configure(transfer, request)
            try driver.multiAddHandle(multi.handle, easy)
        } catch {
            onEvent(.end(.failure(error)))
            return
        }
        transfers[easy] = transfer
        handles[id] = easy
    }

    /// Every option a request gets. TLS is always verified; there is no switch to turn that off.
    private func configure(_ transfer: TransferContext, _ request: HTTPRequest) throws(CurlError) {
        let easy = transfer.owner.handle
        let user = transfer.userPointer
        try driver.easySetString(easy, CURLOPT_URL, request.url)
        try driver.easySetLong(easy, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_2TLS)
        // Wait for the existing connection to say whether it multiplexes rather than open a
        // second one: every stream shares one HTTP/2 connection.
        try driver.easySetLong(easy, CURLOPT_PIPEWAIT, 1)
        try driver.easySetLong(easy, CURLOPT_SSL_VERIFYPEER, 1)
        try driver.easySetLong(easy, CURLOPT_SSL_VERIFYHOST, 2)
        try driver.easySetLong(easy, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2)
        if let caFile = configuration.caFile { try driver.easySetString(easy, CURLOPT_CAINFO, caFile) }
        try driver.easySetLong(easy, CURLOPT_NOSIGNAL, 1)
        try driver.easySetLong(easy, CURLOPT_CONNECTTIMEOUT_MS, configuration.connectTimeout.milliseconds)
        if let limit = request.noProgressTimeout {
            // A progress callback rather than CURLOPT_LOW_SPEED_TIME: libcurl's speed is an
            // average over several seconds, so a burst (the uploaded body) would hide a stall
            // behind it for that long.
            transfer.noProgressLimit = limit
            try driver.easySetProgressCallback(easy) { user, downloadTotal, downloaded, uploadTotal, uploaded in
                TransferContext.from(user).progress(downloaded: downloaded, uploaded: uploaded) ? 0 : 1
            }
            try driver.easySetPointer(easy, CURLOPT_XFERINFODATA, user)
            try driver.easySetLong(easy, CURLOPT_NOPROGRESS, 0)
        }
        if let timeout = request.timeout {
            try driver.easySetLong(easy, CURLOPT_TIMEOUT_MS, timeout.milliseconds)
        }
        var headers = HeaderList(nil)
        for line in request.headers + ["Expect:"] { headers = driver.slistAppend(headers, line) }
        transfer.owner.headers = headers
        try driver.easySetHeaders(easy, headers)
        try driver.easySetCallback(easy, CURLOPT_HEADERFUNCTION) { data, size, count, user in
            TransferContext.from(user).header(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }
        try driver.easySetPointer(easy, CURLOPT_HEADERDATA, user)
        try driver.easySetCallback(easy, CURLOPT_WRITEFUNCTION) { data, size, count, user in
            TransferContext.from(user).write(UnsafeRawBufferPointer(start: data, count: size * count))
            return size * count
        }
        try driver.easySetPointer(easy, CURLOPT_WRITEDATA, user)
        if request.method == .post {
            try driver.easySetLong(easy, CURLOPT_POST, 1)
            try driver.easySetCallback(easy, CURLOPT_READFUNCTION) { data, size, count, user in
                TransferContext.from(user).read(into: UnsafeMutableRawBufferPointer(start: data, count: size * count))
            }
            try driver.easySetPointer(easy, CURLOPT_READDATA, user)
            // -1: unknown length, streamed (HTTP/2 DATA frames until the body ends).
            try driver.easySetOffset(easy, CURLOPT_POSTFIELDSIZE_LARGE, Int64(request.body?.knownLength ?? (request.body == nil ? 0 : -1)))
        }
    }

    private func finish(_ finished: FinishedTransfer) {
        guard let transfer = transfers[finished.easy] else { return }
        if finished.code == 0 {
            transfer.sendHeadIfFinal()
            let connects = (try? driver.easyGetLong(finished.easy, CURLINFO_NUM_CONNECTS)) ?? 0
            end(finished.easy, .success(TransferMetrics(newConnections: connects)))
        } else if transfer.stalled {
            end(finished.easy, .failure(.operationTimedOut))
        } else {
            end(finished.easy, .failure(CurlError(code: finished.code)))
        }
    }

    /// Removes the transfer from the multi handle, reports its end, and frees its easy handle.
    private func end(_ easy: EasyHandle, _ result: Result<TransferMetrics, CurlError>) {
        guard let transfer = transfers.removeValue(forKey: easy) else { return }
        handles[transfer.id] = nil
        try? driver.multiRemoveHandle(multi.handle, easy)
        transfer.onEvent(.end(result))
    }

    private func abortAll() {
        for easy in Array(transfers.keys) { end(easy, .failure(.aborted)) }
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
