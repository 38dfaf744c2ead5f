import Dispatch
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Turns SIGINT and SIGTERM into a call of `onStop` instead of killing the process, so a
/// command can stop its audio engine and finish its file.
///
/// The default disposition is replaced by `SIG_IGN` and the signals are read through
/// `DispatchSource.makeSignalSource` (a signalfd-like queue, not an async-signal handler), so
/// `onStop` may do anything. A second signal means the user insists: exit 130 at once.
final class SignalTrap {
    private let sources: [any DispatchSourceSignal]

    init(signals: [Int32] = [SIGINT, SIGTERM], onStop: @escaping @Sendable (Int32) -> Void) {
        let queue = DispatchQueue(label: "hark.signals")
        let count = SignalCounter()
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler {
                if count.increment() > 1 { _exit(128 + number) }
                onStop(number)
            }
            source.resume()
            return source
        }
    }

    /// Restores the default dispositions.
    func cancel() {
        for source in sources {
            source.cancel()
            signal(Int32(source.handle), SIG_DFL)
        }
    }

    /// The signal's name for log lines ("SIGINT").
    static func name(_ number: Int32) -> String {
        switch number {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "signal \(number)"
        }
    }
}

/// How many stop signals have arrived; only touched on the trap's serial queue, but a
/// `Mutex` keeps that a checked fact rather than a comment.
private final class SignalCounter: Sendable {
    private let value = Mutex(0)
    func increment() -> Int { value.withLock { $0 += 1; return $0 } }
}
