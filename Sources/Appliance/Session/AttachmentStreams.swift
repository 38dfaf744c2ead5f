/// Attachment bytes by Content-ID, buffered from the moment they arrive until the player asks
/// for them (a Speak usually comes before its MP3, but sequencing may hold it back while the
/// bytes keep coming). Session-actor state: not shared.
struct AttachmentStreams {
    private struct Entry {
        let stream: AsyncStream<[UInt8]>
        let continuation: AsyncStream<[UInt8]>.Continuation
        var taken = false
        /// Its part has begun in a response (false: the player asked first).
        var began = false
        /// Bytes buffered while nobody has taken it.
        var unclaimedBytes = 0
        /// Dropped for exceeding `unclaimedByteLimit`: later bytes are ignored.
        var discarded = false
        /// Its stream is finished (the part ended, or was cut off).
        var ended = false
    }

    /// Unclaimed attachments kept at most (oldest dropped): a reply has one or two.
    static let limit = 8
    /// Bytes an attachment nobody has asked for may hold (a long Speak's MP3 is a few hundred
    /// kilobytes): beyond this it is dropped, so a 50 MB part no directive names streams past
    /// instead of staying in memory.
    static let unclaimedByteLimit = 4 * 1024 * 1024
    private var entries: [String: Entry] = [:]
    private var order: [String] = []

    mutating func began(_ contentID: String) {
        _ = entry(contentID)
        entries[contentID]?.began = true
    }

    /// Returns true when this call dropped the attachment for exceeding the unclaimed limit
    /// (once per attachment; its later bytes are ignored).
    @discardableResult
    mutating func data(_ contentID: String, _ bytes: [UInt8]) -> Bool {
        let found = entry(contentID)
        guard let current = entries[contentID], !current.discarded else { return false }
        if !current.taken {
            let total = current.unclaimedBytes + bytes.count
            guard total <= Self.unclaimedByteLimit else {
                found.continuation.finish()
                entries[contentID]?.discarded = true
                return true
            }
            entries[contentID]?.unclaimedBytes = total
        }
        found.continuation.yield(bytes)
        return false
    }

    mutating func ended(_ contentID: String) {
        entry(contentID).continuation.finish()
        entries[contentID]?.ended = true
        // A claimed attachment is complete in its stream now; an unclaimed one waits (unless
        // it was dropped for its size: nobody will ever get it).
        if entries[contentID]?.taken == true || entries[contentID]?.discarded == true { forget(contentID) }
    }

    /// The attachment's bytes, past and future, for the player (once). Bytes that arrive
    /// later keep flowing into the same stream until the attachment ends.
    mutating func take(_ contentID: String) -> AsyncStream<[UInt8]> {
        let found = entry(contentID)
        entries[contentID]?.taken = true
        return found.stream
    }

    /// The response that carried them has ended or failed (or the connection is gone): no
    /// attachment still open will get another byte. Their streams end now, so the player plays
    /// what came of a cut-off attachment, or fails on one that never began, instead of waiting
    /// for ever. Returns the Content-IDs cut off, sorted.
    mutating func endUnfinished() -> [String] {
        let open = entries.filter { !$0.value.ended }.map(\.key).sorted()
        for contentID in open {
            entries[contentID]?.continuation.finish()
            entries[contentID]?.ended = true
            if entries[contentID]?.taken == true { forget(contentID) }
        }
        return open
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
