/// Attachment bytes by Content-ID, buffered from the moment they arrive until the player asks
/// for them (a Speak usually comes before its MP3, but sequencing may hold it back while the
/// bytes keep coming). Session-actor state: not shared.
struct AttachmentStreams {
    private struct Entry {
        let stream: AsyncStream<[UInt8]>
        let continuation: AsyncStream<[UInt8]>.Continuation
        var taken = false
    }

    /// Unclaimed attachments kept at most (oldest dropped): a reply has one or two.
    static let limit = 8
    private var entries: [String: Entry] = [:]
    private var order: [String] = []

    mutating func began(_ contentID: String) {
        _ = entry(contentID)
    }

    mutating func data(_ contentID: String, _ bytes: [UInt8]) {
        entry(contentID).continuation.yield(bytes)
    }

    mutating func ended(_ contentID: String) {
        entry(contentID).continuation.finish()
        // A claimed attachment is complete in its stream now; an unclaimed one waits.
        if entries[contentID]?.taken == true { forget(contentID) }
    }

    /// The attachment's bytes, past and future, for the player (once). Bytes that arrive
    /// later keep flowing into the same stream until the attachment ends.
    mutating func take(_ contentID: String) -> AsyncStream<[UInt8]> {
        let found = entry(contentID)
        entries[contentID]?.taken = true
        return found.stream
    }

    private mutating func forget(_ contentID: String) {
        entries[contentID] = nil
        order.removeAll { $0 == contentID }
    }

    private mutating func entry(_ contentID: String) -> Entry {
        if let existing = entries[contentID] { return existing }
        let (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self)
        let created = Entry(stream: stream, continuation: continuation)
        entries[contentID] = created
        order.append(contentID)
        if order.count > Self.limit, let oldest = order.first(where: { entries[$0]?.taken != true }) {
            entries.removeValue(forKey: oldest)?.continuation.finish()
            order.removeAll { $0 == oldest }
        }
        return created
    }
}
