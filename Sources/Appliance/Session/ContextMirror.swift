import AVS
import Synchronization

/// The session's latest full context, readable from any thread: the transport asks for it when
/// it sends `System.SynchronizeState` while (re)connecting, outside the session's actor.
public final class ContextMirror: Sendable {
    private let entries = Mutex<[ContextEntry]>([])

    public init() {}

    public var context: [ContextEntry] { entries.withLock { $0 } }

    func update(_ context: [ContextEntry]) {
        entries.withLock { $0 = context }
    }
}
