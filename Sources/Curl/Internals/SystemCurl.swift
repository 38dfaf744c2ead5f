import CCurl

extension CurlDriver {
    /// The real libcurl. `curl_global_init` runs once, the first time this is used.
    public static let system: CurlDriver = {
        _ = globalInit
        return CurlDriver(
            easyInit: { (curl_easy_init() as UnsafeMutableRawPointer?).map(EasyHandle.init) },
            easyCleanup: { curl_easy_cleanup($0.pointer) },
            easySetLong: { easy, option, value throws(CurlError) in
                try CurlError.check(hark_curl_easy_setopt_long(easy.pointer, option, value))
            },
            easySetOffset: { easy, option, value throws(CurlError) in
                try CurlError.check(hark_curl_easy_setopt_off(easy.pointer, option, curl_off_t(value)))
            },
            easySetString: { easy, option, value throws(CurlError) in
                try CurlError.check(hark_curl_easy_setopt_string(easy.pointer, option, value))
            },
            easySetPointer: { easy, option, value throws(CurlError) in
                try CurlError.check(hark_curl_easy_setopt_pointer(easy.pointer, option, value))
            },
            easySetHeaders: { easy, headers throws(CurlError) in
                try CurlError.check(hark_curl_easy_setopt_slist(easy.pointer, CURLOPT_HTTPHEADER, headers.pointer))
            },
            easySetCallback: { easy, option, callback throws(CurlError) in
                let code: CURLcode =
                    switch option {
                    case CURLOPT_WRITEFUNCTION: hark_curl_easy_setopt_write(easy.pointer, callback)
                    case CURLOPT_READFUNCTION: hark_curl_easy_setopt_read(easy.pointer, callback)
                    case CURLOPT_HEADERFUNCTION: hark_curl_easy_setopt_header(easy.pointer, callback)
                    default: CURLE_BAD_FUNCTION_ARGUMENT
                    }
                try CurlError.check(code)
            },
            easySetProgressCallback: { easy, callback throws(CurlError) in
                try CurlError.check(hark_curl_easy_setopt_xferinfo(easy.pointer, callback))
            },
            easyGetLong: { easy, info throws(CurlError) in
                var value = 0
                try CurlError.check(hark_curl_easy_getinfo_long(easy.pointer, info, &value))
                return value
            },
            easyPause: { easy, bitmask throws(CurlError) in
                try CurlError.check(curl_easy_pause(easy.pointer, bitmask))
            },
            slistAppend: { list, line in HeaderList(curl_slist_append(list.pointer, line)) },
            slistFreeAll: { list in if let pointer = list.pointer { curl_slist_free_all(pointer) } },
            multiInit: { (curl_multi_init() as UnsafeMutableRawPointer?).map(MultiHandle.init) },
            multiCleanup: { _ = curl_multi_cleanup($0.pointer) },
            multiSetLong: { multi, option, value throws(CurlError) in
                try CurlError.check(hark_curl_multi_setopt_long(multi.pointer, option, value))
            },
            multiAddHandle: { multi, easy throws(CurlError) in
                try CurlError.check(curl_multi_add_handle(multi.pointer, easy.pointer))
            },
            multiRemoveHandle: { multi, easy throws(CurlError) in
                try CurlError.check(curl_multi_remove_handle(multi.pointer, easy.pointer))
            },
            multiPerform: { multi throws(CurlError) in
                var running: Int32 = 0
                try CurlError.check(curl_multi_perform(multi.pointer, &running))
                return Int(running)
            },
            multiPoll: { multi, timeout throws(CurlError) in
                try CurlError.check(curl_multi_poll(multi.pointer, nil, 0, timeout, nil))
            },
            multiWakeup: { _ = curl_multi_wakeup($0.pointer) },
            multiInfoRead: { multi in
                var easy: UnsafeMutableRawPointer?
                var result = CURLE_OK
                guard hark_curl_multi_info_read_done(multi.pointer, &easy, &result) == 1, let easy else { return nil }
                return FinishedTransfer(easy: EasyHandle(easy), code: Int32(bitPattern: result.rawValue))
            }
        )
    }()

    /// `curl_global_init(CURL_GLOBAL_DEFAULT)`, which is not thread-safe in older libcurl and
    /// so runs exactly once, through a lazily initialised global.
    private static let globalInit: Void = {
        _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()
}
