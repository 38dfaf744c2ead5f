import AVS
import Foundation
import Logging
import Synchronization
import Testing
@testable import Appliance

/// The control socket over a real Unix socket: commands, malformed lines, events, slow and
/// vanishing clients.
@Suite struct ControlServerTests {
    /// A server on a fresh path, recording what its commands asked for.
    final class Fixture: Sendable {
        let directory: String
        let path: String
        let hub = StatusHub()
        let recorded = Recorded()
        let server: ControlServer

        init(limits: ControlServer.Limits = ControlServer.Limits(), socketCalls: SocketCalls = .system) throws {
            directory = NSTemporaryDirectory() + "hark-ctl-\(UUID().uuidString.prefix(8))"
            path = directory + "/run/control.sock"
            let (hub, calls) = (hub, recorded)
            server = ControlServer(
                path: path, hub: hub,
                handler: .init(trigger: { trigger in calls.append("\(trigger)") },
                               setVolume: { level in calls.append("volume \(level)") },
                               setMuted: { muted in calls.append("mute \(muted)") },
                               status: { ControlStatus.fields(hub.model) }),
                logger: Logger(label: "test.control"), limits: limits, calls: socketCalls)
            try server.start()
        }

        deinit {
            server.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }

        func client() throws -> ControlClient { try ControlClient(path: path) }
    }

    static func object(_ line: String?) -> [String: JSONValue] {
        (try? JSONValue(parsing: Array((line ?? "").utf8)))?.objectValue ?? [:]
    }

    @Test func socketIsCreatedWithMode0660InANewDirectory() throws {
        let fixture = try Fixture()
        let attributes = try FileManager.default.attributesOfItem(atPath: fixture.path)
        #expect((attributes[.posixPermissions] as? Int) == 0o660)
        #expect((attributes[.type] as? FileAttributeType) == .typeSocket)
    }

    @Test func commandsReachTheSessionAndAreAnswered() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        for line in ["{\"cmd\":\"tap\"}", "{\"cmd\":\"press\"}", "{\"cmd\":\"release\"}", "{\"cmd\":\"stop\"}",
                     "{\"cmd\":\"volume\",\"value\":40}", "{\"cmd\":\"mute\",\"value\":true}"] {
            try client.send(line)
            #expect(try client.readLine() == "{\"ok\":true}")
        }
        #expect(fixture.recorded.all == ["tap", "press", "release", "stop", "volume 40", "mute true"])
        fixture.hub.publish(.connection(connected: true))
        fixture.hub.publish(.state(.idle))
        try client.send("{\"cmd\":\"status\"}")
        let status = Self.object(try client.readLine())
        #expect(status["ok"]?.boolValue == true)
        #expect(status["status"]?.stringValue == "idle")
        #expect(status["connected"]?.boolValue == true)
    }

    @Test func malformedLinesGetAnErrorAndTheConnectionStaysUsable() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        for line in ["garbage", "{}", "{\"cmd\":\"dance\"}", "{\"cmd\":\"volume\",\"value\":500}", "",
                     String(repeating: "x", count: 5000)] {
            try client.send(line)
            let reply = Self.object(try client.readLine())
            #expect(reply["ok"]?.boolValue == false, "\(line.prefix(20))")
            #expect((reply["error"]?.stringValue ?? "").contains("e.g.") || (reply["error"]?.stringValue ?? "").contains("use one of")
                    || (reply["error"]?.stringValue ?? "").contains("per line"), "\(reply)")
        }
        try client.send("{\"cmd\":\"tap\"}")
        #expect(try client.readLine() == "{\"ok\":true}")
        #expect(fixture.server.statistics.malformedLines == 6)
        #expect(fixture.recorded.all == ["tap"])
    }

    @Test func eventsStreamStateChangesDialogEventsAndErrors() throws {
        let fixture = try Fixture()
        let client = try fixture.client()
        try client.send("{\"cmd\":\"events\"}")
        #expect(Self.object(try client.readLine())["ok"]?.boolValue == true)
        fixture.hub.publish(.connection(connected: true))
        fixture.hub.publish(.state(.listening))
        fixture.hub.report("capture failed: device gone")
        var lines: [[String: JSONValue]] = []
        while lines.count < 4, let line = try client.readLine() { lines.append(Self.object(line)) }
        #expect(lines.map { $0["event"]?.stringValue ?? "" } == ["dialog", "dialog", "state", "error"])
        #expect(lines.contains { $0["event"]?.stringValue == "state" && $0["state"]?.stringValue == "listening" })
        #expect(lines.contains { $0["event"]?.stringValue == "error" && $0["error"]?.stringValue == "capture failed: device gone" })
        #expect(lines.contains { $0["dialog_state"]?.stringValue == "listening" })
    }

    @Test func aSubscriberThatNeverReadsNeitherBlocksThePublisherNorOtherClients() throws {
        var limits = ControlServer.Limits()
        limits.clientOutputBytes = 8 * 1024
        let fixture = try Fixture(limits: limits)
        let sleeper = try fixture.client()
        try sleeper.send("{\"cmd\":\"events\"}")
        #expect(Self.object(try sleeper.readLine())["ok"]?.boolValue == true)
        // The sleeper now reads nothing while 20 000 notes go by.
        let began = ContinuousClock.now
        for index in 0..<20_000 { fixture.hub.publish(.eventSent("Test.Event\(index)")) }
        let elapsed = ContinuousClock.now - began
        print("control socket: 20000 events published to a stalled subscriber in \(elapsed)")
        let other = try fixture.client()
        try other.send("{\"cmd\":\"status\"}")
        #expect(Self.object(try other.readLine())["ok"]?.boolValue == true)
        #expect(fixture.server.statistics.droppedEvents > 0)
        // When the sleeper reads again it hears how many it missed.
        var sawDropped = false
        let hub = fixture.hub
        // Published from a thread of its own: the shared pools may be busy with other tests.
        let ticking = Atomic<Bool>(true)
        Thread.detachNewThread {
            while ticking.load(ordering: .relaxed) {
                hub.publish(.eventSent("Test.After"))
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        defer { ticking.store(false, ordering: .relaxed) }
        for _ in 0..<5000 {
            guard let line = try sleeper.readLine() else { break }
            if line.contains("\"dropped\"") { sawDropped = true }
            if line.contains("Test.After") { break }
        }
        #expect(sawDropped)
    }

    @Test func aClientThatFloodsCommandsWithoutReadingOnlySlowsItself() throws {
        let fixture = try Fixture()
        let flooder = try fixture.client()
        // Sends until the socket's buffers are full, never reading a reply.
        let flood = Task.detached {
            let line = String(repeating: "{\"cmd\":\"status\"}\n", count: 200)
            for _ in 0..<400 { try? flooder.send(line) }
        }
        let other = try fixture.client()
        try other.send("{\"cmd\":\"tap\"}")
        #expect(try other.readLine() == "{\"ok\":true}")
        flood.cancel()
    }

    @Test func clientsThatVanishAreForgottenAndTheLimitHolds() throws {
        var limits = ControlServer.Limits()
        limits.clients = 4
        let fixture = try Fixture(limits: limits)
        for _ in 0..<20 {
            let client = try fixture.client()
            try client.send("{\"cmd\":\"events\"}")
            _ = try client.readLine()
        }
        fixture.hub.publish(.state(.idle))
        let kept = try (0..<4).map { _ in try fixture.client() }
        for client in kept {
            try client.send("{\"cmd\":\"status\"}")
            #expect(Self.object(try client.readLine())["ok"]?.boolValue == true)
        }
        let extra = try fixture.client()
        try? extra.send("{\"cmd\":\"status\"}")
        #expect((Self.object(try extra.readLine())["error"]?.stringValue ?? "").contains("too many"))
    }

    @Test func aStaleSocketIsReplacedAndALiveOneIsNotStolen() throws {
        let fixture = try Fixture()
        let second = ControlServer(path: fixture.path, hub: fixture.hub,
                                   handler: .init(trigger: { _ in }, setVolume: { _ in }, setMuted: { _ in }, status: { [:] }),
                                   logger: Logger(label: "test.control"))
        #expect(throws: ControlSocketError.inUse(fixture.path)) { try second.start() }
        fixture.server.stop()
        // A socket file without a server behind it: a crash leftover.
        let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        #expect(SocketCalls.system.bind(listener, fixture.path) == 0)
        try second.start()
        defer { second.stop() }
        let client = try ControlClient(path: fixture.path)
        try client.send("{\"cmd\":\"tap\"}")
        #expect(try client.readLine() == "{\"ok\":true}")
    }

    @Test func aFailingAcceptIsLoggedAndTheServerCarriesOn() throws {
        var calls = SocketCalls.system
        let failures = Atomic<Int>(0)
        let system = SocketCalls.system
        calls.accept = { fd in
            if failures.add(1, ordering: .relaxed).newValue == 1 {
                errno = EMFILE
                return -1
            }
            return system.accept(fd)
        }
        let fixture = try Fixture(socketCalls: calls)
        // The first connection's accept fails (EMFILE); the kernel keeps it queued and the
        // next poll round accepts it.
        let client = try fixture.client()
        try client.send("{\"cmd\":\"tap\"}")
        #expect(try client.readLine() == "{\"ok\":true}")
        #expect(failures.load(ordering: .relaxed) >= 2)
    }

    @Test func tooLongPathIsRefusedWithTheFix() {
        let path = "/tmp/" + String(repeating: "p", count: 200) + "/control.sock"
        let server = ControlServer(path: path, hub: StatusHub(),
                                   handler: .init(trigger: { _ in }, setVolume: { _ in }, setMuted: { _ in }, status: { [:] }),
                                   logger: Logger(label: "test.control"))
        #expect(throws: ControlSocketError.pathTooLong(path)) { try server.start() }
        #expect(ControlSocketError.pathTooLong(path).description.contains("control.socket"))
    }
}

/// What the handler was asked to do, in order.
final class Recorded: Sendable {
    private let items = Mutex<[String]>([])
    func append(_ item: String) { items.withLock { $0.append(item) } }
    var all: [String] { items.withLock { $0 } }
}
