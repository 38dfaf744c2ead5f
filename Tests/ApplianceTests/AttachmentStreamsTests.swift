import Testing

@testable import Appliance

/// Attachment buffering limits, found by the fault matrix and the soak: a 50 MB part nobody
/// names stayed in memory, and a Speak whose audio never came (or was cut off by a dropped
/// connection) left the player waiting for ever.
@Suite struct AttachmentLimitTests {
    /// Everything a stream yields until it finishes.
    func drain(_ stream: AsyncStream<[UInt8]>) async -> [UInt8] {
        var bytes: [UInt8] = []
        for await chunk in stream { bytes += chunk }
        return bytes
    }

    @Test func anUnclaimedAttachmentOverTheLimitIsDroppedOnce() async {
        var streams = AttachmentStreams()
        streams.began("big")
        let chunk = [UInt8](repeating: 7, count: 1024 * 1024)
        var drops = 0
        for _ in 0..<10 {
            if streams.data("big", chunk) { drops += 1 }
        }
        #expect(drops == 1)
        streams.ended("big")
        // Dropped and forgotten: asking for it now gets a new, empty attachment.
        var again = streams.take("big")
        streams.ended("big")
        #expect(await drain(again).isEmpty)
        again = streams.take("small")
        let dropped = streams.data("small", [1, 2, 3])
        #expect(!dropped)
        streams.ended("small")
        #expect(await drain(again) == [1, 2, 3])
    }

    @Test func aClaimedAttachmentStreamsWithoutLimit() async {
        var streams = AttachmentStreams()
        let stream = streams.take("tts")
        streams.began("tts")
        let chunk = [UInt8](repeating: 1, count: 1024 * 1024)
        var drops = 0
        for _ in 0..<6 {
            if streams.data("tts", chunk) { drops += 1 }
        }
        #expect(drops == 0)
        streams.ended("tts")
        #expect(await drain(stream).count == 6 * chunk.count)
    }

    @Test func openAttachmentsAreCutOffWhenTheirResponseEnds() async {
        var streams = AttachmentStreams()
        let missing = streams.take("never")
        let cut = streams.take("partial")
        streams.began("partial")
        _ = streams.data("partial", [1, 2])
        let complete = streams.take("whole")
        streams.began("whole")
        _ = streams.data("whole", [3])
        streams.ended("whole")
        streams.began("unclaimed")
        _ = streams.data("unclaimed", [4])
        // The response failed (a GOAWAY mid-attachment, say): the speech waiting on "partial"
        // was stuck in speaking for ever in the soak run before this.
        let open = streams.endUnfinished()
        #expect(open == ["never", "partial", "unclaimed"])
        #expect(await drain(missing).isEmpty)
        #expect(await drain(cut) == [1, 2])
        #expect(await drain(complete) == [3])
        // A cut-off attachment taken later gives what came, and ends.
        #expect(await drain(streams.take("unclaimed")) == [4])
        let none = streams.endUnfinished()
        #expect(none.isEmpty)
    }
}
