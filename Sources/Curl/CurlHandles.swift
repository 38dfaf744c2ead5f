import CCurl

/// A `CURL *` easy handle: just the C pointer, valid until `curl_easy_cleanup`.
///
/// Handles are only touched on the thread that drives their multi handle; the pointer value
/// itself is `Sendable` so commands can name a transfer across threads without using it.
public struct EasyHandle: Hashable, @unchecked Sendable {
    // Safe: the raw pointer is only an identifier outside the curl thread; it is dereferenced
    // (passed to libcurl) only by `CurlDriver` functions called on that thread.
    public let pointer: UnsafeMutableRawPointer

    public init(_ pointer: UnsafeMutableRawPointer) {
        self.pointer = pointer
    }
}

/// A `CURLM *` multi handle: just the C pointer, valid until `curl_multi_cleanup`.
public struct MultiHandle: Hashable, @unchecked Sendable {
    // Safe for the same reason as `EasyHandle`: only `CurlDriver` functions called on the curl
    // thread pass it to libcurl; `curl_multi_wakeup`, the one call made from other threads, is
    // documented by libcurl as thread-safe.
    public let pointer: UnsafeMutableRawPointer

    public init(_ pointer: UnsafeMutableRawPointer) {
        self.pointer = pointer
    }
}

/// A `struct curl_slist *` request header list (may be NULL when empty).
public struct HeaderList: @unchecked Sendable {
    // Safe: created, handed to libcurl and freed on the curl thread only.
    public let pointer: UnsafeMutablePointer<curl_slist>?

    public init(_ pointer: UnsafeMutablePointer<curl_slist>?) {
        self.pointer = pointer
    }
}

/// The result of a finished transfer as `curl_multi_info_read` reports it (`CURLMSG_DONE`).
public struct FinishedTransfer: Sendable, Hashable {
    public var easy: EasyHandle
    /// `CURLE_OK` (0) or the failure code.
    public var code: Int32

    public init(easy: EasyHandle, code: Int32) {
        self.easy = easy
        self.code = code
    }
}

/// Owns an easy handle and the header list attached to it; frees both in `deinit`
/// (`curl_easy_cleanup`, `curl_slist_free_all`). Confined to the curl thread.
final class EasyOwner {
    let handle: EasyHandle
    let driver: CurlDriver
    var headers = HeaderList(nil)

    init(handle: EasyHandle, driver: CurlDriver) {
        self.handle = handle
        self.driver = driver
    }

    deinit {
        driver.easyCleanup(handle)
        driver.slistFreeAll(headers)
    }
}

/// Owns a multi handle; frees it in `deinit` (`curl_multi_cleanup`). Every easy handle must be
/// removed first (the transfer table guarantees that by dropping its owners before this one).
final class MultiOwner {
    let handle: MultiHandle
    let driver: CurlDriver

    init(handle: MultiHandle, driver: CurlDriver) {
        self.handle = handle
        self.driver = driver
    }

    deinit {
        driver.multiCleanup(handle)
    }
}
