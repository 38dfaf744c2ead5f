import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// A dedicated POSIX thread for a loop that blocks in C: an audio engine's `snd_pcm_readi`/
/// `writei`, or libcurl's `curl_multi_poll`.
///
/// Such calls block for a period or a poll timeout at a time; on the cooperative pool that
/// would starve every other task on a 2-core board, so each loop runs on a thread of its own
/// that also owns its C handle. The thread is detached; `waitUntilExited()` waits on a
/// semaphore the body signals as its last act.
public final class DedicatedThread: Sendable {
    private let exited = DispatchSemaphore(value: 0)

    /// Boxes the body for `pthread_create`'s `void *` argument.
    private final class Start: Sendable {
        let name: String
        let body: @Sendable () -> Void
        let exited: DispatchSemaphore
        public init(name: String, body: @escaping @Sendable () -> Void, exited: DispatchSemaphore) {
            self.name = name
            self.body = body
            self.exited = exited
        }
    }

    /// Starts `body` on a new detached thread. `name` is for diagnostics (Glibc's
    /// `pthread_setname_np` is a GNU extension Swift's Glibc module does not import).
    public init(name: String, body: @escaping @Sendable () -> Void) {
        let start = Start(name: name, body: body, exited: exited)
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let result = pthread_create(&thread, &attributes, { argument in
            let start = Unmanaged<Start>.fromOpaque(argument!).takeRetainedValue()
            start.body()
            start.exited.signal()
            return nil
        }, Unmanaged.passRetained(start).toOpaque())
        // Failing to create a thread means the process is out of resources: a bug-level
        // condition the watchdog restarts from.
        precondition(result == 0, "pthread_create failed: \(result)")
    }

    /// Blocks until the thread's body has returned. Call at most once.
    public func waitUntilExited() {
        exited.wait()
        exited.signal()  // so a second waiter (deinit paths) also returns
    }
}
