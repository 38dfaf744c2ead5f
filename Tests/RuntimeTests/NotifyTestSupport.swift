import AVS
import AVSTransport
import Audio
import Dispatch
import Foundation
import Logging
import Synchronization
@testable import Appliance

/// A datagram socket bound where `NOTIFY_SOCKET` points, reading what the notifier sends.
final class DatagramListener: Sendable {
    let path: String
    private let fd: Int32

    struct Message: Sendable {
        var message: String
        var time: ContinuousClock.Instant
    }

    /// A socket at a fresh path, or at an abstract name.
    init(abstract: String? = nil) throws {
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes: [UInt8]
        if let abstract {
            path = "@" + abstract
            bytes = [0] + Array(abstract.utf8)
        } else {
            path = NSTemporaryDirectory() + "hark-notify-\(UUID().uuidString.prefix(8)).sock"
            bytes = Array(path.utf8) + [0]
        }
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes) }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count - (abstract == nil ? 1 : 0))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
        }
        guard bound == 0 else { throw HangError("bind \(path): \(String(cString: strerror(errno)))") }
    }

    deinit {
        close(fd)
        if !path.hasPrefix("@") { unlink(path) }
    }

    /// One datagram, or nil after `timeout` (a blocking poll on the caller's thread).
    func receive(timeout: Duration) -> String? {
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let milliseconds = Int32(timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000)
        guard poll(&descriptor, 1, milliseconds) == 1 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return count < 0 ? nil : String(decoding: buffer[..<count], as: UTF8.self)
    }

    /// Everything received during `duration`, with arrival times; read on a thread of its own
    /// so the cooperative pool is not blocked.
    func collect(for duration: Duration) async -> [Message] {
        await withCheckedContinuation { continuation in
            // A thread of its own: Dispatch's and Swift's shared pools are busy with other tests.
            Thread.detachNewThread {
                let end = ContinuousClock.now + duration
                var messages: [Message] = []
                while ContinuousClock.now < end {
                    let left = end - ContinuousClock.now
                    if let text = self.receive(timeout: min(left, .milliseconds(50))) {
                        messages.append(Message(message: text, time: ContinuousClock.now))
                    }
                }
                continuation.resume(returning: messages)
            }
        }
    }
}

/// A call that blocks once armed, until released (10 s at most, so a failing test ends).
final class Hang: Sendable {
    private let armed = Atomic<Bool>(false)
    private let entered = DispatchSemaphore(value: 0)
    private let released = DispatchSemaphore(value: 0)

    func arm() { armed.store(true, ordering: .sequentiallyConsistent) }

    /// Called by the hanging code.
    func enter() {
        guard armed.exchange(false, ordering: .sequentiallyConsistent) else { return }
        entered.signal()
        _ = released.wait(timeout: .now() + 10)
    }

    /// Whether the hanging code was entered within `timeout`; waits on a thread of its own.
    func entered(timeout: Duration) async -> Bool {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let result = self.entered.wait(timeout: .now() + .milliseconds(Int(timeout.components.seconds * 1000)))
                continuation.resume(returning: result == .success)
            }
        }
    }

    func release() { released.signal() }
}

struct HangError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A speaker whose `setVolume` is a device call that can hang; plays nothing.
final class HangingPlayback: AudioPlayback {
    let hang: Hang
    init(hang: Hang) { self.hang = hang }
    func begin(format: AudioFormat) throws {}
    func write(_ samples: [Int16]) async throws {}
    func finish() async throws {}
    func stop() {}
    func setVolume(_ volume: Int) { hang.enter() }
    func setMuted(_ muted: Bool) {}
    var playedFrames: Int { 0 }
    var statistics: AudioStatistics { AudioStatistics() }
}

enum HungSessionFactory {
    /// A real session over a real (unreachable) AVS connection and the given speaker.
    static func session(playback: any AudioPlayback) throws -> SessionService {
        let connection = try CurlAVSConnection(configuration: .init(endpoint: "https://127.0.0.1:9"),
                                               tokens: FixedAccessToken(AccessToken("Atza|test")), context: { [] },
                                               logger: Logger(label: "test.transport"))
        return SessionService(settings: DialogSession.Settings(), micFormat: .l16,
                              services: .init(connection: connection,
                                              capture: CaptureEngine(device: "null", logger: Logger(label: "test.capture")),
                                              playback: playback, speakerStore: nil),
                              logger: Logger(label: "test.session"))
    }
}
