import Audio
import Foundation
import Synchronization
import Testing

/// Probes that answer from fixed sets and record what was asked.
final class FakeProbes: Sendable {
    let defined: Set<String>
    let answering: Set<PulseServerAddress>
    let asked = Mutex<[PulseServerAddress]>([])

    init(defined: Set<String>, answering: Set<PulseServerAddress> = []) {
        self.defined = defined
        self.answering = answering
    }

    var probes: DeviceProbes {
        DeviceProbes(
            isPCMDefined: { self.defined.contains($0) },
            serverAnswers: { address in
                self.asked.withLock { $0.append(address) }
                return self.answering.contains(address)
            },
            userID: { 1000 })
    }
}

@Suite("Device selection")
struct DeviceSelectorTests {
    let shipped: Set<String> = ["hark_capture", "hark_playback", "pulse"]

    @Test("configured names win over everything")
    func configuredWins() {
        let fake = FakeProbes(defined: shipped, answering: [.unix(path: "/p")])
        let selection = DeviceSelector.select(capture: "hw:2,0", playback: "plughw:1", environment: ["PULSE_SERVER": "/p"], probes: fake.probes)
        #expect(selection.capture == DeviceChoice(pcm: "hw:2,0", reason: "configured in the settings"))
        #expect(selection.playback.pcm == "plughw:1")
    }

    @Test("the shipped dsnoop/dmix PCMs when defined; an unset or blank configured name does not count")
    func shippedWhenDefined() {
        let fake = FakeProbes(defined: shipped, answering: [.unix(path: "/run/user/1000/pulse/native")])
        let selection = DeviceSelector.select(capture: nil, playback: "  ", environment: [:], probes: fake.probes)
        #expect(selection.capture.pcm == "hark_capture")
        #expect(selection.capture.reason.contains("dsnoop"))
        #expect(selection.playback.pcm == "hark_playback")
        #expect(selection.playback.reason.contains("dmix"))
    }

    @Test("PULSE_SERVER set and answering beats the shipped PCMs", arguments: [
        ("unix:/tmp/pulse.sock", PulseServerAddress.unix(path: "/tmp/pulse.sock")),
        ("/tmp/pulse.sock", .unix(path: "/tmp/pulse.sock")),
        ("tcp:10.0.0.5:4713", .tcp(host: "10.0.0.5", port: 4713)),
        ("{0123abcd}unix:/x tcp:host", .tcp(host: "host", port: 4713)),
    ])
    func pulseServerWins(value: String, address: PulseServerAddress) {
        let fake = FakeProbes(defined: shipped, answering: [address])
        let selection = DeviceSelector.select(capture: nil, playback: nil, environment: ["PULSE_SERVER": value], probes: fake.probes)
        #expect(selection.capture.pcm == "pulse")
        #expect(selection.playback.pcm == "pulse")
        #expect(selection.capture.reason.contains("PULSE_SERVER=\(value)"))
        #expect(selection.capture.reason.contains("hark_capture"))
    }

    @Test("PULSE_SERVER that does not answer: the shipped PCMs, and the reason says so")
    func pulseServerSilent() {
        let fake = FakeProbes(defined: shipped, answering: [.unix(path: "/run/user/1000/pulse/native")])
        let selection = DeviceSelector.select(capture: nil, playback: nil, environment: ["PULSE_SERVER": "unix:/nowhere"], probes: fake.probes)
        #expect(selection.capture.pcm == "hark_capture")
        #expect(selection.capture.reason.contains("no server answers"))
        // libpulse would not look at the default socket when PULSE_SERVER is set.
        #expect(!fake.asked.withLock { $0 }.contains(.unix(path: "/run/user/1000/pulse/native")))
    }

    @Test("without shipped PCMs: pulse when a server answers at $XDG_RUNTIME_DIR/pulse/native")
    func pulseFromRuntimeDirectory() {
        let fake = FakeProbes(defined: ["pulse"], answering: [.unix(path: "/run/xdg/pulse/native")])
        let selection = DeviceSelector.select(capture: nil, playback: nil, environment: ["XDG_RUNTIME_DIR": "/run/xdg"], probes: fake.probes)
        #expect(selection.capture.pcm == "pulse")
        #expect(selection.capture.reason.contains("/run/xdg/pulse/native"))
        #expect(fake.asked.withLock { $0 } == [.unix(path: "/run/xdg/pulse/native")])  // probed once for both
    }

    @Test("without shipped PCMs and XDG_RUNTIME_DIR: pulse at /run/user/<uid>/pulse/native")
    func pulseFromRunUser() {
        let fake = FakeProbes(defined: ["pulse"], answering: [.unix(path: "/run/user/1000/pulse/native")])
        let selection = DeviceSelector.select(capture: nil, playback: nil, environment: ["XDG_RUNTIME_DIR": "/run/other"], probes: fake.probes)
        #expect(selection.playback.pcm == "pulse")
        #expect(selection.playback.reason.contains("/run/user/1000/pulse/native"))
    }

    @Test("nothing found: default, with a reason")
    func fallsBackToDefault() {
        let fake = FakeProbes(defined: ["pulse"])
        let selection = DeviceSelector.select(capture: nil, playback: nil, environment: [:], probes: fake.probes)
        #expect(selection.capture.pcm == "default")
        #expect(selection.playback.pcm == "default")
        #expect(selection.capture.reason.contains("hark_capture is not defined"))
    }

    @Test("a reachable server without the ALSA pulse PCM: not chosen, and the reason names libasound2-plugins")
    func pulsePluginMissing() {
        let socket = FakeProbes(defined: [], answering: [.unix(path: "/run/user/1000/pulse/native")])
        let bySocket = DeviceSelector.select(capture: nil, playback: nil, environment: [:], probes: socket.probes)
        #expect(bySocket.capture.pcm == "default")
        #expect(bySocket.capture.reason.contains("libasound2-plugins"))

        let named = FakeProbes(defined: ["hark_capture", "hark_playback"], answering: [.unix(path: "/p")])
        let byVariable = DeviceSelector.select(capture: nil, playback: nil, environment: ["PULSE_SERVER": "/p"], probes: named.probes)
        #expect(byVariable.capture.pcm == "hark_capture")
        #expect(byVariable.capture.reason.contains("libasound2-plugins"))
    }

    @Test("PULSE_SERVER parsing")
    func parsing() {
        #expect(PulseServerAddress.parse("unix:/a/b") == [.unix(path: "/a/b")])
        #expect(PulseServerAddress.parse("/a/b") == [.unix(path: "/a/b")])
        #expect(PulseServerAddress.parse("tcp:example:1234") == [.tcp(host: "example", port: 1234)])
        #expect(PulseServerAddress.parse("tcp6:[::1]:4000") == [.tcp(host: "::1", port: 4000)])
        #expect(PulseServerAddress.parse("localhost") == [.tcp(host: "localhost", port: 4713)])
        #expect(PulseServerAddress.parse("{id}unix:/s  tcp4:h") == [.unix(path: "/s"), .tcp(host: "h", port: 4713)])
        #expect(PulseServerAddress.parse("unix: tcp:h:notaport").isEmpty)
    }

    @Test("a real listening unix socket named by PULSE_SERVER answers; a removed one does not")
    func realSocket() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hark-pulse-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("native").path
        let listener = try UnixListener(path: path)
        var probes = DeviceProbes.system
        probes.isPCMDefined = { ["hark_capture", "hark_playback", "pulse"].contains($0) }
        let selection = DeviceSelector.select(capture: nil, playback: nil, environment: ["PULSE_SERVER": "unix:\(path)"], probes: probes)
        #expect(selection.capture.pcm == "pulse")
        #expect(selection.playback.pcm == "pulse")
        listener.close()
        try FileManager.default.removeItem(atPath: path)
        #expect(!PulseServerAddress.unix(path: path).answers())
        let after = DeviceSelector.select(capture: nil, playback: nil, environment: ["PULSE_SERVER": "unix:\(path)"], probes: probes)
        #expect(after.capture.pcm == "hark_capture")
    }
}

/// A listening unix socket (never accepts: `connect()` succeeds on the backlog).
final class UnixListener {
    private var fd: Int32

    init(path: String) throws {
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8) + [0])
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, listen(fd, 8) == 0 else { throw POSIXError(.EADDRINUSE) }
    }

    func close() {
        if fd >= 0 { _ = Glibc.close(fd) }
        fd = -1
    }

    deinit { close() }
}
