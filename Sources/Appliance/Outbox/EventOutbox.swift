#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import AVS
import Synchronization

/// Events that must reach AVS (every Alerts event), kept on disk until AVS answered 2xx.
///
/// One file per event in `<state.dir>/outbox/`, named by a sequence number
/// (`00000000000000000042.event`), written atomically (temp file, fsync, rename, fsync of
/// the directory) before the event is sent, and removed after the 2xx. Why files, not a
/// journal: a rename is all-or-nothing, so a `kill -9` or a power cut mid-write leaves either
/// no event (the `.tmp` is discarded at the next start: the event was never handed to AVS)
/// or the whole event; nothing needs a checksum or a repair pass, and removal is one unlink.
/// A crash between the 2xx and the unlink sends the event again after the restart, with the
/// same messageId, which AVS tolerates.
public final class EventOutbox: Sendable {
    public struct Entry: Sendable, Hashable {
        public var sequence: UInt64
        public var event: Event
    }

    public let directory: String
    private let disk: OutboxDisk
    private let state: Mutex<(entries: [Entry], next: UInt64)>
    /// Files that could not be read at start, moved aside (for a human to look at).
    public let quarantined: [String]

    /// Opens the outbox, creating the directory, discarding half-written temp files and
    /// loading what is left in sequence order.
    public convenience init(directory: String) throws(StateFileError) {
        try self.init(directory: directory, disk: .system)
    }

    init(directory: String, disk: OutboxDisk) throws(StateFileError) {
        self.directory = directory
        self.disk = disk
        try AtomicFile.ensureDirectory(directory)
        var entries: [Entry] = []
        var bad: [String] = []
        for name in try disk.list(directory) {
            let path = directory + "/" + name
            if name.hasSuffix(".tmp") {
                // Cut off mid-write: this event was never sent.
                try? disk.remove(path)
                continue
            }
            guard name.hasSuffix(".event"), let sequence = UInt64(name.dropLast(6)) else { continue }
            if let bytes = try? disk.read(path), let stored = try? JSONDecoder().decode(StoredEvent.self, from: Data(bytes)) {
                entries.append(Entry(sequence: sequence, event: stored.event))
            } else {
                // Not ours or damaged by something else: keep it out of the way, carry on.
                bad.append(name)
                if let bytes = try? disk.read(path) { try? disk.write(bytes, path + ".bad") }
                try? disk.remove(path)
            }
        }
        entries.sort { $0.sequence < $1.sequence }
        state = Mutex((entries, (entries.last?.sequence ?? 0) + 1))
        quarantined = bad
    }

    /// Events not yet acknowledged, oldest first.
    public var pending: [Entry] { state.withLock { $0.entries } }

    /// Stores the event durably; when this returns, a crash can no longer lose it.
    @discardableResult
    public func append(_ event: Event) throws(StateFileError) -> UInt64 {
        let bytes: [UInt8]
        do {
            bytes = Array(try JSONEncoder().encode(StoredEvent(event)))
        } catch {
            throw StateFileError(path: directory, operation: "encode event", reason: "\(error)")
        }
        // The sequence number is taken under the lock and the file written outside it; two
        // writers never share a number, and the order of numbers is the order of calls.
        let sequence = state.withLock { state in
            defer { state.next += 1 }
            return state.next
        }
        try disk.write(bytes, path(sequence))
        state.withLock { state in
            state.entries.append(Entry(sequence: sequence, event: event))
            state.entries.sort { $0.sequence < $1.sequence }
        }
        return sequence
    }

    /// AVS has it (or refused it for good): forget it.
    public func remove(_ sequence: UInt64) throws(StateFileError) {
        try disk.remove(path(sequence))
        state.withLock { $0.entries.removeAll { $0.sequence == sequence } }
    }

    func path(_ sequence: UInt64) -> String {
        let digits = String(sequence)
        return directory + "/" + String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".event"
    }
}

/// An event as the outbox file holds it (alert events carry no context).
struct StoredEvent: Codable {
    var namespace: String
    var name: String
    var messageId: String
    var dialogRequestId: String?
    var payload: JSONValue

    init(_ event: Event) {
        namespace = event.header.namespace
        name = event.header.name
        messageId = event.header.messageId
        dialogRequestId = event.header.dialogRequestId
        payload = event.payload
    }

    var event: Event {
        Event(header: MessageHeader(namespace: namespace, name: name, messageId: messageId, dialogRequestId: dialogRequestId),
              payload: payload)
    }
}
