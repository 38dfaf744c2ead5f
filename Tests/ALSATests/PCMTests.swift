import ALSA
import Foundation
import Synchronization
import Testing

/// Records which handles a driver opened and closed, to test the `PCM` owner.
final class HandleLedger: Sendable {
    let events = Mutex<[String]>([])

    var driver: PCMDriver {
        var driver = PCMDriver.system
        driver.open = { name, _ throws(ALSAError) in
            if name == "busy" { throw ALSAError.busy }
            self.events.withLock { $0.append("open \(name)") }
            return PCMHandle(fake: 7)
        }
        driver.prepare = { _ throws(ALSAError) in self.events.withLock { $0.append("prepare") } }
        driver.close = { handle throws(ALSAError) in
            self.events.withLock { $0.append("close \(Int(bitPattern: UnsafeRawPointer(handle.pointer)))") }
        }
        return driver
    }
}

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("hark-alsa-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("PCM owner and the real alsa-lib")
struct PCMTests {
    @Test("PCM closes its handle exactly once, in close() or deinit")
    func ownerCloses() throws {
        let ledger = HandleLedger()
        do {
            let pcm = try PCM(name: "one", stream: .playback, driver: ledger.driver)
            try pcm.prepare()
        }
        let pcm = try PCM(name: "two", stream: .capture, driver: ledger.driver)
        try pcm.close()
        try pcm.close()
        #expect(pcm.isClosed)
        #expect(throws: ALSAError.badState) { try pcm.prepare() }
        #expect(ledger.events.withLock { $0 } == ["open one", "prepare", "close 7", "open two", "close 7"])
    }

    @Test("a failed open throws the driver's error and owns nothing")
    func failedOpen() {
        let ledger = HandleLedger()
        #expect(throws: ALSAError.busy) { try PCM(name: "busy", stream: .capture, driver: ledger.driver) }
        #expect(ledger.events.withLock { $0 }.isEmpty)
    }

    @Test("snd_pcm_open_lconf: writes through a file PCM over null land in the file")
    func writeToFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.raw").path
        let configuration = try ALSAConfiguration("""
            pcm.speaker { type file; slave.pcm { type null }; file "\(output)"; format "raw" }
            """)
        let pcm = try PCM(name: "speaker", stream: .playback, driver: .system(configuration: configuration))
        let chosen = try pcm.setHardwareParameters(PCMHardwareParameters(sampleRate: 16_000, channels: 2, periodFrames: 160, bufferFrames: 640))
        #expect(chosen.sampleRate == 16_000)
        #expect(chosen.channels == 2)
        #expect(chosen.periodFrames == 160)
        try pcm.setSoftwareParameters(PCMSoftwareParameters(startThreshold: 160, availableMinimum: 160))
        try pcm.prepare()
        let samples = (0..<640).map { Int16($0 * 3) }
        let written = try samples.withUnsafeBytes { try pcm.write(from: $0.baseAddress!, frames: 320) }
        #expect(written == 320)
        try pcm.drain()
        try pcm.close()
        let data = try Data(contentsOf: URL(fileURLWithPath: output))
        let back = data.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        #expect(back == samples)
    }

    @Test("snd_pcm_open_lconf: reads through a file PCM's infile give the file's samples")
    func readFromFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("in.raw")
        let samples = (0..<480).map { Int16($0 - 240) }
        try samples.withUnsafeBytes { Data($0) }.write(to: input)
        let configuration = try ALSAConfiguration("""
            pcm.mic { type file; slave.pcm { type null }; file "/dev/null"; infile "\(input.path)"; format "raw" }
            """)
        let pcm = try PCM(name: "mic", stream: .capture, driver: .system(configuration: configuration))
        _ = try pcm.setHardwareParameters(PCMHardwareParameters(sampleRate: 16_000, channels: 1, periodFrames: 160, bufferFrames: 1600))
        try pcm.prepare()
        var back = [Int16](repeating: 0, count: 480)
        var frames = 0
        while frames < 480 {
            frames += try back.withUnsafeMutableBytes { try pcm.read(into: $0.baseAddress! + frames * 2, frames: 160) }
        }
        #expect(back == samples)
    }

    @Test("an unknown PCM name fails with ENOENT, locally and globally")
    func unknownName() throws {
        let configuration = try ALSAConfiguration("pcm.only { type null }")
        #expect(throws: ALSAError.noEntry) { try PCM(name: "missing", stream: .playback, driver: .system(configuration: configuration)) }
        #expect(throws: ALSAError.noEntry) { try PCM(name: "hark_no_such_pcm", stream: .capture) }
        // The local configuration defines only what it says: the global `null` is not there.
        #expect(throws: ALSAError.noEntry) { try PCM(name: "null", stream: .playback, driver: .system(configuration: configuration)) }
        _ = try PCM(name: "only", stream: .playback, driver: .system(configuration: configuration))
    }

    @Test("a configuration with a syntax error is refused when made")
    func badConfiguration() {
        #expect(throws: ALSAError.self) { try ALSAConfiguration("pcm.broken { type null") }
    }

    @Test("PCM definitions: the global config defines null but not made-up names; a local one only its own")
    func definitions() throws {
        #expect(PCMDefinitions.isDefined("null"))
        #expect(!PCMDefinitions.isDefined("hark_no_such_pcm"))
        let configuration = try ALSAConfiguration("pcm.hark_capture { type null }")
        #expect(PCMDefinitions.isDefined("hark_capture", in: configuration))
        #expect(!PCMDefinitions.isDefined("hark_playback", in: configuration))
    }

    @Test("listing cards does not fail without any (a container has no /dev/snd)")
    func cards() {
        let cards = ALSACard.all()
        #expect(cards.map(\.index) == cards.map(\.index).sorted())
        #expect(cards.allSatisfy { !$0.id.isEmpty && !$0.name.isEmpty })
    }
}
