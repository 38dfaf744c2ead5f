import ALSA
import AVSTransport
import Audio
import Foundation
import Logging
import Synchronization
import Testing
@testable import Appliance

/// The notify protocol on a datagram socket the test binds, as systemd would. Serialized: the
/// hung-session test really blocks a cooperative thread (that is what a hung actor does) for
/// 1.5 s, which must not starve the cadence test next to it.
@Suite(.serialized) struct SystemdNotifyTests {
    @Test func sendsToAPathSocket() throws {
        let listener = try DatagramListener()
        let socket = try NotifySocket(address: listener.path)
        #expect(socket.send("READY=1") == nil)
        #expect(listener.receive(timeout: .seconds(5)) == "READY=1")
    }

    @Test func sendsToAnAbstractSocket() throws {
        let name = "hark-test-\(UUID().uuidString.prefix(8))"
        let listener = try DatagramListener(abstract: name)
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": "@" + name], processID: getpid(), logger: Logger(label: "test"))
        notifier.status(.unlinked)
        notifier.stopping()
        #expect(listener.receive(timeout: .seconds(5)) == "STATUS=unlinked")
        #expect(listener.receive(timeout: .seconds(5)) == "STOPPING=1")
    }

    @Test func badAddressesAreRefusedInWords() {
        #expect(throws: NotifySocket.AddressError.unsupported("vsock:2:1")) { try NotifySocket(address: "vsock:2:1") }
        #expect(throws: NotifySocket.AddressError.empty) { try NotifySocket(address: "") }
        #expect(throws: NotifySocket.AddressError.tooLong("/" + String(repeating: "a", count: 200))) {
            try NotifySocket(address: "/" + String(repeating: "a", count: 200))
        }
    }

    @Test func watchdogPeriodComesFromTheEnvironmentForThisProcessOnly() {
        let logger = Logger(label: "test")
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "30000000"], processID: 7, logger: logger).watchdogPeriod == .seconds(30))
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "7"], processID: 7, logger: logger).watchdogPeriod == .seconds(30))
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "30000000", "WATCHDOG_PID": "8"], processID: 7, logger: logger).watchdogPeriod == nil)
        #expect(SystemdNotifier(environment: ["WATCHDOG_USEC": "x"], processID: 7, logger: logger).watchdogPeriod == nil)
        #expect(!SystemdNotifier(environment: [:], processID: 7, logger: logger).isEnabled)
    }

    @Test func watchdogPingsAtHalfThePeriodWhileEverythingIsAlive() async throws {
        let listener = try DatagramListener()
        let notifier = SystemdNotifier(socket: try NotifySocket(address: listener.path), watchdogPeriod: .milliseconds(400),
                                       logger: Logger(label: "test"))
        let alive = LivenessProbe(name: "always") { _ in true }
        let service = WatchdogService(notifier: notifier, probes: [alive], period: .milliseconds(400), logger: Logger(label: "test"))
        let running = Task { await service.run() }
        let pings = await listener.collect(for: .seconds(2))
        running.cancel()
        let times = pings.filter { $0.message == "WATCHDOG=1" }.map(\.time)
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        let mean = gaps.isEmpty ? .zero : gaps.reduce(.zero, +) / gaps.count
        print("watchdog: \(times.count) pings in 2 s at a 400 ms period, mean gap \(mean), longest \(gaps.max() ?? .zero)")
        // 200 ms apart: about 10 in 2 s; a loaded machine may delay a few, never gain many. The
        // median gap tells half the period from the whole period even when some pings are late.
        let median = gaps.sorted()[gaps.count / 2]
        #expect(times.count >= 3 && times.count <= 12)
        #expect(median > .milliseconds(150) && median < .milliseconds(300), "median gap \(median)")
    }

    @Test func aHungSessionStopsThePingsUntilItAnswersAgain() async throws {
        let listener = try DatagramListener()
        let hang = Hang()
        let session = try HungSessionFactory.session(playback: HangingPlayback(hang: hang))
        let slot = SessionSlot()
        slot.replace(with: session)
        let running = Task { await session.run() }
        defer { running.cancel() }
        let notifier = SystemdNotifier(socket: try NotifySocket(address: listener.path), watchdogPeriod: .milliseconds(400),
                                       logger: Logger(label: "test"))
        let service = WatchdogService(notifier: notifier, probes: [slot.probe()], period: .milliseconds(400), logger: Logger(label: "test"))
        let pinging = Task { await service.run() }
        defer { pinging.cancel() }
        let before = await listener.collect(for: .milliseconds(800)).filter { $0.message == "WATCHDOG=1" }
        #expect(!before.isEmpty)
        // The session actor now blocks inside the speaker's setVolume (a stuck device call).
        hang.arm()
        slot.setVolume(30)
        #expect(await hang.entered(timeout: .seconds(10)))
        let during = await listener.collect(for: .milliseconds(1500)).filter { $0.message == "WATCHDOG=1" }
        hang.release()
        let after = await listener.collect(for: .milliseconds(1500)).filter { $0.message == "WATCHDOG=1" }
        print("watchdog with a hung session: \(before.count) pings before, \(during.count) during 1.5 s of hang, \(after.count) after")
        // One ping may already have been on its way when the hang began.
        #expect(during.count <= 1)
        #expect(!after.isEmpty)
    }

    @Test func anAudioThreadStuckInAWatchedCallIsNotAlive() async throws {
        let hang = Hang()
        hang.arm()
        let watch = BlockingCallWatch(name: "capture")
        // A watched driver whose snd_pcm_readi is the hanging call.
        var driver = PCMDriver.system
        driver.readInterleaved = { _, _, _ throws(ALSAError) in
            hang.enter()
            return 0
        }
        let watched = driver.watched(by: watch)
        let probe = watch.probe(bound: .milliseconds(200))
        #expect(await probe.check(.seconds(1)))
        // An audio thread of its own, as the engines have.
        Thread.detachNewThread {
            var byte: UInt8 = 0
            _ = try? watched.readInterleaved(PCMHandle(fake: 1), &byte, 1)
        }
        #expect(await hang.entered(timeout: .seconds(10)))
        try await Task.sleep(for: .milliseconds(400))
        #expect(await probe.check(.seconds(1)) == false)
        #expect((watch.longestCallInProgress ?? .zero) >= .milliseconds(200))
        hang.release()
        try await Task.sleep(for: .milliseconds(200))
        #expect(await probe.check(.seconds(1)))
        #expect(watch.longestCallInProgress == nil)
    }
}
