import CCurl

/// A libcurl data callback (`CURLOPT_WRITEFUNCTION`, `CURLOPT_READFUNCTION`,
/// `CURLOPT_HEADERFUNCTION`): buffer, item size, item count, user pointer.
public typealias CurlDataCallback = @convention(c) (
    UnsafeMutablePointer<CChar>?, Int, Int, UnsafeMutableRawPointer?
) -> Int

/// `CURLOPT_XFERINFOFUNCTION`: user pointer, download total and now, upload total and now;
/// non-zero aborts the transfer.
public typealias CurlProgressCallback = @convention(c) (UnsafeMutableRawPointer?, Int, Int, Int, Int) -> Int32

/// The libcurl calls Hark makes: one `@Sendable` function per C call.
///
/// This is the chokepoint between Swift and libcurl (as `PCMDriver` is for alsa-lib).
/// `CurlDriver.system` calls libcurl; a test builds its own value whose functions record the
/// options set and force `CURLE_*` codes (couldn't connect, certificate failure, timeout) for
/// the transfers it finishes, so the transport's reactions are tested without a network.
/// Apart from `multiWakeup`, every function is called only on the thread that drives the multi
/// handle (`CurlHTTPClient`'s thread).
public struct CurlDriver: Sendable {
    /// `curl_easy_init`; `nil` when libcurl is out of memory.
    public var easyInit: @Sendable () -> EasyHandle?
    /// `curl_easy_cleanup`.
    public var easyCleanup: @Sendable (EasyHandle) -> Void
    /// `curl_easy_setopt` with a `long` argument.
    public var easySetLong: @Sendable (EasyHandle, CURLoption, Int) throws(CurlError) -> Void
    /// `curl_easy_setopt` with a `curl_off_t` argument.
    public var easySetOffset: @Sendable (EasyHandle, CURLoption, Int64) throws(CurlError) -> Void
    /// `curl_easy_setopt` with a string argument (libcurl copies it).
    public var easySetString: @Sendable (EasyHandle, CURLoption, String) throws(CurlError) -> Void
    /// `curl_easy_setopt` with a `void *` argument (`CURLOPT_WRITEDATA` and friends).
    public var easySetPointer: @Sendable (EasyHandle, CURLoption, UnsafeMutableRawPointer?) throws(CurlError) -> Void
    /// `curl_easy_setopt(CURLOPT_HTTPHEADER)`.
    public var easySetHeaders: @Sendable (EasyHandle, HeaderList) throws(CurlError) -> Void
    /// `curl_easy_setopt` with `CURLOPT_WRITEFUNCTION`, `CURLOPT_READFUNCTION` or
    /// `CURLOPT_HEADERFUNCTION` (the option says which).
    public var easySetCallback: @Sendable (EasyHandle, CURLoption, CurlDataCallback) throws(CurlError) -> Void
    /// `curl_easy_setopt(CURLOPT_XFERINFOFUNCTION)`.
    public var easySetProgressCallback: @Sendable (EasyHandle, CurlProgressCallback) throws(CurlError) -> Void
    /// `curl_easy_getinfo` with a `long *` result.
    public var easyGetLong: @Sendable (EasyHandle, CURLINFO) throws(CurlError) -> Int
    /// `curl_easy_pause`.
    public var easyPause: @Sendable (EasyHandle, _ bitmask: Int32) throws(CurlError) -> Void
    /// `curl_slist_append`; returns the new list head (`nil` on allocation failure).
    public var slistAppend: @Sendable (HeaderList, String) -> HeaderList
    /// `curl_slist_free_all` (no-op for an empty list).
    public var slistFreeAll: @Sendable (HeaderList) -> Void
    /// `curl_multi_init`; `nil` when libcurl is out of memory.
    public var multiInit: @Sendable () -> MultiHandle?
    /// `curl_multi_cleanup`.
    public var multiCleanup: @Sendable (MultiHandle) -> Void
    /// `curl_multi_setopt` with a `long` argument.
    public var multiSetLong: @Sendable (MultiHandle, CURLMoption, Int) throws(CurlError) -> Void
    /// `curl_multi_add_handle`.
    public var multiAddHandle: @Sendable (MultiHandle, EasyHandle) throws(CurlError) -> Void
    /// `curl_multi_remove_handle`.
    public var multiRemoveHandle: @Sendable (MultiHandle, EasyHandle) throws(CurlError) -> Void
    /// `curl_multi_perform`; returns the number of running transfers.
    public var multiPerform: @Sendable (MultiHandle) throws(CurlError) -> Int
    /// `curl_multi_poll` with no extra descriptors: waits for activity, the timeout, or
    /// `curl_multi_wakeup`.
    public var multiPoll: @Sendable (MultiHandle, _ timeoutMilliseconds: Int32) throws(CurlError) -> Void
    /// `curl_multi_wakeup`: the only call made from other threads (libcurl documents it as
    /// thread-safe).
    public var multiWakeup: @Sendable (MultiHandle) -> Void
    /// `curl_multi_info_read`, skipping messages other than `CURLMSG_DONE`.
    public var multiInfoRead: @Sendable (MultiHandle) -> FinishedTransfer?

    public init(
        easyInit: @escaping @Sendable () -> EasyHandle?,
        easyCleanup: @escaping @Sendable (EasyHandle) -> Void,
        easySetLong: @escaping @Sendable (EasyHandle, CURLoption, Int) throws(CurlError) -> Void,
        easySetOffset: @escaping @Sendable (EasyHandle, CURLoption, Int64) throws(CurlError) -> Void,
        easySetString: @escaping @Sendable (EasyHandle, CURLoption, String) throws(CurlError) -> Void,
        easySetPointer: @escaping @Sendable (EasyHandle, CURLoption, UnsafeMutableRawPointer?) throws(CurlError) -> Void,
        easySetHeaders: @escaping @Sendable (EasyHandle, HeaderList) throws(CurlError) -> Void,
        easySetCallback: @escaping @Sendable (EasyHandle, CURLoption, CurlDataCallback) throws(CurlError) -> Void,
        easySetProgressCallback: @escaping @Sendable (EasyHandle, CurlProgressCallback) throws(CurlError) -> Void,
        easyGetLong: @escaping @Sendable (EasyHandle, CURLINFO) throws(CurlError) -> Int,
        easyPause: @escaping @Sendable (EasyHandle, Int32) throws(CurlError) -> Void,
        slistAppend: @escaping @Sendable (HeaderList, String) -> HeaderList,
        slistFreeAll: @escaping @Sendable (HeaderList) -> Void,
        multiInit: @escaping @Sendable () -> MultiHandle?,
        multiCleanup: @escaping @Sendable (MultiHandle) -> Void,
        multiSetLong: @escaping @Sendable (MultiHandle, CURLMoption, Int) throws(CurlError) -> Void,
        multiAddHandle: @escaping @Sendable (MultiHandle, EasyHandle) throws(CurlError) -> Void,
        multiRemoveHandle: @escaping @Sendable (MultiHandle, EasyHandle) throws(CurlError) -> Void,
        multiPerform: @escaping @Sendable (MultiHandle) throws(CurlError) -> Int,
        multiPoll: @escaping @Sendable (MultiHandle, Int32) throws(CurlError) -> Void,
        multiWakeup: @escaping @Sendable (MultiHandle) -> Void,
        multiInfoRead: @escaping @Sendable (MultiHandle) -> FinishedTransfer?
    ) {
        self.easyInit = easyInit
        self.easyCleanup = easyCleanup
        self.easySetLong = easySetLong
        self.easySetOffset = easySetOffset
        self.easySetString = easySetString
        self.easySetPointer = easySetPointer
        self.easySetHeaders = easySetHeaders
        self.easySetCallback = easySetCallback
        self.easySetProgressCallback = easySetProgressCallback
        self.easyGetLong = easyGetLong
        self.easyPause = easyPause
        self.slistAppend = slistAppend
        self.slistFreeAll = slistFreeAll
        self.multiInit = multiInit
        self.multiCleanup = multiCleanup
        self.multiSetLong = multiSetLong
        self.multiAddHandle = multiAddHandle
        self.multiRemoveHandle = multiRemoveHandle
        self.multiPerform = multiPerform
        self.multiPoll = multiPoll
        self.multiWakeup = multiWakeup
        self.multiInfoRead = multiInfoRead
    }
}
