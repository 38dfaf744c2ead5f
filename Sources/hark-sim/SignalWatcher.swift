import Dispatch
import Foundation
import Synchronization

/// Waits for SIGINT or SIGTERM, delivered through Dispatch sources (no C signal handler).
final class SignalWatcher: Sendable {
    /// The waiting continuation; taken by the first signal so it is resumed once.
    private let pending = Mutex<CheckedContinuation<Void, Never>?>(nil)

    func wait() async {
        let queue = DispatchQueue(label: "hark-sim.signals")
        var sources: [any DispatchSourceSignal] = []
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            pending.withLock { $0 = continuation }
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
                source.setEventHandler { [self] in
                    pending.withLock { pending in
                        defer { pending = nil }
                        return pending
                    }?.resume()
                }
                source.resume()
                sources.append(source)
            }
        }
        withExtendedLifetime(sources) {}
    }
}
