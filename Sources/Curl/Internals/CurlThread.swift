import Dispatch

#if canImport(Glibc)
import Glibc
#endif

/// The dedicated POSIX thread that drives one multi handle.
///
/// Detached; `waitUntilExited()` waits on a semaphore the body signals as its last act.
final class CurlThread: Sendable {
    private let exited = DispatchSemaphore(value: 0)

    /// Boxes the body for `pthread_create`'s `void *` argument.
    private final class Start: Sendable {
        let body: @Sendable () -> Void
        let exited: DispatchSemaphore
        init(body: @escaping @Sendable () -> Void, exited: DispatchSemaphore) {
            self.body = body
            self.exited = exited
        }
    }

    init(body: @escaping @Sendable () -> Void) {
        let start = Start(body: body, exited: exited)
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

    /// Blocks until the thread's body has returned.
    func waitUntilExited() {
        exited.wait()
        exited.signal()
    }
}
