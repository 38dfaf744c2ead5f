import AVS
import Testing
@testable import Appliance

#if canImport(Glibc)
import Glibc
#endif

@Suite struct SpeakerStoreTests {
    func temporaryDirectory() -> String {
        var template = Array("/tmp/hark-speaker-XXXXXX".utf8CString)
        return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    @Test func savedSettingsComeBackAfterARestart() throws {
        let directory = temporaryDirectory()
        let store = SpeakerStore(directory: directory + "/state")
        #expect(try store.load() == nil)
        try store.save(SpeakerSettings(volume: 35, muted: true))
        #expect(try SpeakerStore(directory: directory + "/state").load() == SpeakerSettings(volume: 35, muted: true))
        // Replaced atomically: no temporary file is left behind.
        #expect(access(directory + "/state/speaker.tmp", F_OK) != 0)
    }

    @Test func garbageIsIgnored() throws {
        let directory = temporaryDirectory()
        try AtomicFile.write(Array("volume=400\nmuted=maybe\n".utf8), to: directory + "/speaker")
        #expect(try SpeakerStore(directory: directory).load() == nil)
    }
}

@Suite struct AttachmentStreamsTests {
    @Test func bytesBeforeAndAfterThePlayerAsksArriveInOrder() async {
        var streams = AttachmentStreams()
        streams.began("a")
        streams.data("a", [1, 2])
        let stream = streams.take("a")
        streams.data("a", [3])
        streams.ended("a")
        var received: [UInt8] = []
        for await bytes in stream { received += bytes }
        #expect(received == [1, 2, 3])
    }

    @Test func thePlayerMayAskBeforeTheAttachmentBegins() async {
        var streams = AttachmentStreams()
        let stream = streams.take("late")
        streams.began("late")
        streams.data("late", [9])
        streams.ended("late")
        var received: [UInt8] = []
        for await bytes in stream { received += bytes }
        #expect(received == [9])
    }
}
