import Dispatch
import Synchronization

/// A one-way "stop now" flag that the audio thread polls between periods and that also ends
/// its backoff sleeps early.
final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)

    var isStopped: Bool { flag.load(ordering: .acquiring) }

    /// Sets the flag and wakes a waiter. Idempotent.
    func stop() {
        if !flag.exchange(true, ordering: .acquiringAndReleasing) {
            wake.signal()
        }
    }

    /// Sleeps for `duration`, or less when `stop()` is called meanwhile.
    func wait(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        if wake.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success {
            wake.signal()  // stay signalled for later waits
        }
    }
}

/// Statistics shared between an audio thread (writer) and any reader.
final class StatisticsCounter: Sendable {
    private let value = Mutex(AudioStatistics())

    var snapshot: AudioStatistics { value.withLock { $0 } }

    func update(_ body: (inout AudioStatistics) -> Void) {
        value.withLock { body(&$0) }
    }
}

/// The outcome of the audio thread's first open, handed back to `start()`/`begin()`.
final class OpenReport: Sendable {
    private let result = Mutex<Result<Void, AudioDeviceError>?>(nil)
    private let ready = DispatchSemaphore(value: 0)

    func report(_ outcome: Result<Void, AudioDeviceError>) {
        result.withLock { $0 = outcome }
        ready.signal()
    }

    func wait() -> Result<Void, AudioDeviceError> {
        ready.wait()
        return result.withLock { $0! }
    }
}
