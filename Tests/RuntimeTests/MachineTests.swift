import Testing
@testable import Appliance

/// The runtime's value state machines: watchdog pings and session rebuilds.
struct MachineTests {
    @Test func watchdogProbesBeforeEveryPing() {
        var machine = WatchdogMachine(watchdogPeriod: .seconds(30))
        #expect(machine.handle(.start) == [.probe])
        #expect(machine.handle(.probed(failing: [])) == [.sendWatchdog, .schedule(.seconds(15))])
        #expect(machine.handle(.timerFired) == [.probe])
        #expect(machine.handle(.probed(failing: [])) == [.sendWatchdog, .schedule(.seconds(15))])
    }

    @Test func watchdogWithholdsPingsWhileSomethingIsStuckAndSaysSoOnce() {
        var machine = WatchdogMachine(watchdogPeriod: .seconds(10))
        _ = machine.handle(.start)
        #expect(machine.handle(.probed(failing: ["session"])) == [.reportWithheld(["session"]), .schedule(.seconds(5))])
        #expect(machine.handle(.timerFired) == [.probe])
        #expect(machine.handle(.probed(failing: ["session"])) == [.schedule(.seconds(5))])
        _ = machine.handle(.timerFired)
        #expect(machine.handle(.probed(failing: ["capture", "session"])) == [.reportWithheld(["capture", "session"]), .schedule(.seconds(5))])
        _ = machine.handle(.timerFired)
        #expect(machine.handle(.probed(failing: [])) == [.reportRecovered, .sendWatchdog, .schedule(.seconds(5))])
    }

    @Test func watchdogIgnoresStrayInputs() {
        var machine = WatchdogMachine(watchdogPeriod: .seconds(10))
        #expect(machine.handle(.timerFired) == [])
        #expect(machine.handle(.probed(failing: [])) == [])
        _ = machine.handle(.start)
        #expect(machine.handle(.start) == [])
        #expect(machine.handle(.timerFired) == [])
    }

    @Test func rebuildAfterTheConfiguredTimeOfflineWithTheNetworkUp() {
        var machine = RebuildMachine(rebuildAfter: .seconds(600))
        #expect(machine.handle(.conditions(connected: true, linked: true)) == [])
        #expect(machine.handle(.conditions(connected: false, linked: true)) == [.schedule(.seconds(600))])
        #expect(machine.handle(.conditions(connected: false, linked: true)) == [])
        #expect(machine.handle(.timerFired(networkUp: true)) == [.rebuild, .schedule(.seconds(600))])
        #expect(machine.handle(.timerFired(networkUp: false)) == [.schedule(.seconds(600))])
        #expect(machine.handle(.conditions(connected: true, linked: true)) == [.cancelTimer])
        #expect(machine.handle(.timerFired(networkUp: true)) == [])
    }

    @Test func noRebuildWhileUnlinkedAndOneAtOnceWhenLinkedAgain() {
        var machine = RebuildMachine(rebuildAfter: .seconds(5))
        #expect(machine.handle(.conditions(connected: false, linked: false)) == [])
        #expect(machine.handle(.conditions(connected: false, linked: false)) == [])
        #expect(machine.handle(.conditions(connected: false, linked: true)) == [.cancelTimer, .rebuild])
        #expect(machine.handle(.conditions(connected: false, linked: true)) == [.schedule(.seconds(5))])
        #expect(machine.handle(.conditions(connected: false, linked: false)) == [.cancelTimer])
    }

    @Test func restartBackoffDoublesAndResetsAfterAStableRun() {
        var backoff = RestartBackoff(initial: .seconds(1), maximum: .seconds(8), stableAfter: .seconds(60))
        let delays = (0..<6).map { _ in backoff.failed(afterRunning: .seconds(1)) }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8), .seconds(8)])
        #expect(backoff.failed(afterRunning: .seconds(90)) == .seconds(1))
    }
}
