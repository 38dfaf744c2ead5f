import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// What other threads ask the curl thread to do.
enum CurlCommand: Sendable {
    case start(TransferID, HTTPRequest, @Sendable (HTTPResponseEvent) -> Void)
    case cancel(TransferID)
    /// `curl_easy_pause(CURLPAUSE_CONT)`: a paused upload has data (or its end) again.
    case resume(TransferID)
    /// End every transfer and drop the connection (a fresh multi handle).
    case closeConnections
}

/// The locked queue between callers and the curl thread, plus the current multi handle so a
/// push can `curl_multi_wakeup` it under the same lock (the handle is never freed while the
/// lock is not held, so a wakeup never touches a freed handle).
final class CommandQueue: Sendable {
    struct Shared {
        var commands: [CurlCommand] = []
        var multi: MultiHandle?
        var stopping = false
        /// The curl thread, once its loop runs (`pthread_self`).
        var loopThread: pthread_t?
    }

    let shared: Mutex<Shared>
    private let driver: CurlDriver

    init(driver: CurlDriver, multi: MultiHandle) {
        self.driver = driver
        shared = Mutex(Shared(multi: multi))
    }

    func push(_ command: CurlCommand) {
        let accepted = shared.withLock { shared in
            guard !shared.stopping else { return false }
            shared.commands.append(command)
            if let multi = shared.multi { driver.multiWakeup(multi) }
            return true
        }
        // After shutdown nothing runs: end a new transfer at once so its owner hears.
        if !accepted, case .start(_, _, let onEvent) = command { onEvent(.end(.failure(.aborted))) }
    }

    func stop() {
        shared.withLock { shared in
            shared.stopping = true
            if let multi = shared.multi { driver.multiWakeup(multi) }
        }
    }

    /// Whether the caller is the curl thread itself (a callback dropping the last reference).
    var isLoopThread: Bool {
        guard let thread = shared.withLock({ $0.loopThread }) else { return false }
        return pthread_equal(thread, pthread_self()) != 0
    }

    /// Whether commands (or a stop) are waiting.
    var hasWork: Bool {
        shared.withLock { !$0.commands.isEmpty || $0.stopping }
    }

    /// The commands queued so far and whether the thread should stop.
    func take() -> (commands: [CurlCommand], stopping: Bool) {
        shared.withLock { shared in
            defer { shared.commands.removeAll() }
            return (shared.commands, shared.stopping)
        }
    }
}
