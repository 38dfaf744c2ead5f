import CCurl
import Curl
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A `CurlDriver` that never touches the network: it records the options every handle gets
/// and finishes each transfer at once with the `CURLE_*` code (and, for `CURLE_OK`, the HTTP
/// status) that `outcome` picks for its URL.
final class FakeCurl: Sendable {
    struct Handle: Sendable {
        var longs: [UInt32: Int] = [:]
        var strings: [UInt32: String] = [:]
        var status = 0
    }

    struct State: Sendable {
        var nextPointer = 0x1000
        var handles: [Int: Handle] = [:]
        var finished: [FinishedTransfer] = []
        var multiOptions: [UInt32: Int] = [:]
        var easyInits = 0
        var easyCleanups = 0
        var multiInits = 0
        var multiCleanups = 0
        /// Every handle's options, kept after cleanup, in creation order.
        var history: [Handle] = []
        var historyIndex: [Int: Int] = [:]
    }

    let state = Mutex(State())
    let outcome: @Sendable (_ url: String) -> (code: Int32, status: Int)

    init(outcome: @escaping @Sendable (_ url: String) -> (code: Int32, status: Int)) {
        self.outcome = outcome
    }

    var history: [Handle] { state.withLock { $0.history } }

    var driver: CurlDriver {
        CurlDriver(
            easyInit: {
                self.state.withLock { state in
                    state.nextPointer += 16
                    state.easyInits += 1
                    state.handles[state.nextPointer] = Handle()
                    state.historyIndex[state.nextPointer] = state.history.count
                    state.history.append(Handle())
                    return EasyHandle(UnsafeMutableRawPointer(bitPattern: state.nextPointer)!)
                }
            },
            easyCleanup: { easy in
                self.state.withLock { state in
                    state.easyCleanups += 1
                    if let handle = state.handles.removeValue(forKey: Int(bitPattern: easy.pointer)),
                        let index = state.historyIndex[Int(bitPattern: easy.pointer)]
                    {
                        state.history[index] = handle
                    }
                }
            },
            easySetLong: { easy, option, value in
                self.state.withLock { $0.handles[Int(bitPattern: easy.pointer)]?.longs[option.rawValue] = value }
            },
            easySetOffset: { _, _, _ in },
            easySetString: { easy, option, value in
                self.state.withLock { $0.handles[Int(bitPattern: easy.pointer)]?.strings[option.rawValue] = value }
            },
            easySetPointer: { _, _, _ in },
            easySetHeaders: { _, _ in },
            easySetCallback: { _, _, _ in },
            easySetProgressCallback: { _, _ in },
            easyGetLong: { easy, info in
                if info == CURLINFO_RESPONSE_CODE {
                    return self.state.withLock { $0.handles[Int(bitPattern: easy.pointer)]?.status ?? 0 }
                }
                return info == CURLINFO_HTTP_VERSION ? CURL_HTTP_VERSION_2_0 : 0
            },
            easyPause: { _, _ in },
            slistAppend: { list, _ in list },
            slistFreeAll: { _ in },
            multiInit: {
                self.state.withLock { $0.multiInits += 1 }
                return MultiHandle(UnsafeMutableRawPointer(bitPattern: 0x10)!)
            },
            multiCleanup: { _ in self.state.withLock { $0.multiCleanups += 1 } },
            multiSetLong: { _, option, value in self.state.withLock { $0.multiOptions[option.rawValue] = value } },
            multiAddHandle: { _, easy in
                self.state.withLock { state in
                    let key = Int(bitPattern: easy.pointer)
                    let url = state.handles[key]?.strings[CURLOPT_URL.rawValue] ?? ""
                    let (code, status) = self.outcome(url)
                    state.handles[key]?.status = status
                    state.finished.append(FinishedTransfer(easy: easy, code: code))
                }
            },
            multiRemoveHandle: { _, _ in },
            multiPerform: { _ in 0 },
            multiPoll: { _, _ in usleep(1000) },
            multiWakeup: { _ in },
            multiInfoRead: { _ in
                self.state.withLock { $0.finished.isEmpty ? nil : $0.finished.removeFirst() }
            }
        )
    }
}
