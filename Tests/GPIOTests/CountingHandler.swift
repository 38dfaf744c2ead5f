import Logging
import Synchronization

/// Counts warnings logged through it (a log handler shared by copies of a logger).
final class CountingHandler: LogHandler, Sendable {
    private let count = Mutex(0)
    var warnings: Int { count.withLock { $0 } }

    var metadata: Logger.Metadata {
        get { [:] }
        set {}
    }

    var logLevel: Logger.Level {
        get { .trace }
        set {}
    }

    subscript(metadataKey _: String) -> Logger.Metadata.Value? {
        get { nil }
        set {}
    }

    func log(event: LogEvent) {
        if event.level == .warning { count.withLock { $0 += 1 } }
    }
}
