@testable import Appliance
import CGPIOD
import GPIO
import Logging
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
import TestSupport
#endif

let quietLogger = Logger(label: "hark.test.gpio") { _ in SwiftLogNoOpLogHandler() }

/// Waits (without blocking the pool) until `condition` holds; false after 20 s.
func eventually(_ condition: () -> Bool) async -> Bool {
    for _ in 0..<2000 {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// The button and light wired as `hark run` wires them, over a scripted libgpiod and a
/// manual clock: edges go through the driver's wait/read calls on the watcher's thread.
@Suite("GPIO through the driver chokepoint")
struct GPIOChokepointTests {
    final class Recorder: Sendable {
        let gestures = Mutex<[ButtonGesture]>([])
        func record(_ gesture: ButtonGesture) { gestures.withLock { $0.append(gesture) } }
        var all: [ButtonGesture] { gestures.withLock { $0 } }
    }

    static func settings(button: Int? = 17, led: Int? = nil) -> GPIOSettings {
        var settings = GPIOSettings()
        settings.chip = "gpiochip0"
        settings.buttonLine = button
        settings.ledLine = led
        return settings
    }

    static func edge(_ active: Bool, _ milliseconds: Int) -> EdgeEvent {
        EdgeEvent(active: active, timestamp: .milliseconds(milliseconds))
    }

    /// Pushes a kernel read of edges and waits until the classifier has scheduled its settle
    /// timer for them (the service saw them), then lets `settle` pass on the clock.
    static func deliver(_ edges: [EdgeEvent], fake: FakeGPIO, clock: ManualClock, sleepersBefore: Int) async {
        fake.push(edges)
        _ = await eventually { clock.sleeperCount > sleepersBefore }
        await clock.advance(by: .milliseconds(60), step: .milliseconds(10))
    }

    @Test("a press and release read from the line is one tap; bounce inside the reads changes nothing")
    func tapThroughDriver() async throws {
        let fake = FakeGPIO()
        let clock = ManualClock()
        let recorder = Recorder()
        // In a scope of its own: the chip is closed when the last reference goes.
        do {
            let panel = try #require(try ButtonPanel.start(settings: Self.settings(), driver: fake.driver, clock: clock,
                                                           logger: quietLogger, onGesture: recorder.record))
            await Self.deliver([Self.edge(true, 0), Self.edge(false, 2), Self.edge(true, 4)], fake: fake, clock: clock, sleepersBefore: 0)
            // Pressed: hold and long-press timers sleep now.
            #expect(await eventually { clock.sleeperCount == 2 })
            await Self.deliver([Self.edge(false, 150), Self.edge(true, 152), Self.edge(false, 154)], fake: fake, clock: clock, sleepersBefore: 2)
            #expect(await eventually { recorder.all == [.tap] })
            await clock.advance(by: .seconds(12))
            #expect(recorder.all == [.tap])
            await panel.stop()
        }
        #expect(fake.calls.starts(with: ["openChip", "requestInput", "getValue", "waitForEdges", "readEdges"]))
        #expect(fake.state.withLock { ($0.released, $0.closed) } == (1, 1))
    }

    @Test("held past hold_ms: press at the threshold, release on release")
    func holdThroughDriver() async throws {
        let fake = FakeGPIO()
        let clock = ManualClock()
        let recorder = Recorder()
        let panel = try #require(try ButtonPanel.start(settings: Self.settings(), driver: fake.driver, clock: clock,
                                                       logger: quietLogger, onGesture: recorder.record))
        await Self.deliver([Self.edge(true, 0)], fake: fake, clock: clock, sleepersBefore: 0)
        _ = await eventually { clock.sleeperCount == 2 }  // hold and long press
        await clock.advance(by: .milliseconds(700), step: .milliseconds(50))
        #expect(await eventually { recorder.all == [.holdStarted] })
        await Self.deliver([Self.edge(false, 3000)], fake: fake, clock: clock, sleepersBefore: 1)
        #expect(await eventually { recorder.all == [.holdStarted, .holdEnded] })
        #expect(recorder.all.map(\.trigger) == [.press, .release])
        await panel.stop()
    }

    @Test("a line pressed when requested gives nothing until released")
    func stuckAtStartThroughDriver() async throws {
        let fake = FakeGPIO()
        fake.state.withLock { $0.initialValue = true }
        let clock = ManualClock()
        let recorder = Recorder()
        let panel = try #require(try ButtonPanel.start(settings: Self.settings(), driver: fake.driver, clock: clock,
                                                       logger: quietLogger, onGesture: recorder.record))
        await clock.advance(by: .seconds(15), step: .seconds(1))
        #expect(recorder.all.isEmpty)
        await Self.deliver([Self.edge(false, 20_000)], fake: fake, clock: clock, sleepersBefore: 0)
        await Self.deliver([Self.edge(true, 21_000)], fake: fake, clock: clock, sleepersBefore: 0)
        await Self.deliver([Self.edge(false, 21_100)], fake: fake, clock: clock, sleepersBefore: 2)
        #expect(await eventually { recorder.all == [.tap] })
        await panel.stop()
    }

    @Test("the light's line follows show(_:) and goes off at stop")
    func ledThroughDriver() async throws {
        let fake = FakeGPIO()
        let clock = ManualClock()
        let panel = try #require(try ButtonPanel.start(settings: Self.settings(button: nil, led: 4), driver: fake.driver,
                                                       clock: clock, logger: quietLogger, onGesture: { _ in }))
        let led = try #require(panel.led)
        #expect(panel.button == nil)
        led.show(.listening)
        #expect(await eventually { fake.outputs == [false, true] })
        led.show(.thinking)
        #expect(await eventually { fake.outputs == [false, true, true] || clock.sleeperCount == 1 })
        // Step the clock only while the light's timer sleeps on it (a loaded machine may be
        // slow to get there), one 100 ms blink step at a time.
        for _ in 0..<50 where fake.outputs.count < 5 {
            _ = await eventually { clock.sleeperCount == 1 }
            await clock.advance(by: .milliseconds(100), step: .milliseconds(100))
        }
        #expect(fake.outputs.count >= 5)
        #expect(fake.outputs.dropFirst(2).contains(false))
        await panel.stop()
        #expect(fake.outputs.last == false)
    }

    @Test("no chip configured: no panel")
    func unconfigured() throws {
        let fake = FakeGPIO()
        var settings = GPIOSettings()
        settings.buttonLine = 17
        #expect(try ButtonPanel.start(settings: settings, driver: fake.driver, logger: quietLogger, onGesture: { _ in }) == nil)
        #expect(fake.calls.isEmpty)
    }

    @Test("errors from libgpiod carry the chip, the line and the fix", arguments: [
        ("openChip", ENOENT, "gpiochip0 not found: check gpio.chip; `gpiodetect` lists chips"),
        ("openChip", EACCES, "add the user to the gpio group"),
        ("requestInput", EBUSY, "another program holds the line"),
        ("requestInput", EINVAL, "check gpio.button_line / gpio.led_line"),
        ("getValue", EIO, "line 17 of gpiochip0"),
    ])
    func errorMapping(call: String, code: Int32, text: String) throws {
        let fake = FakeGPIO()
        fake.fail(call, with: code)
        do {
            _ = try ButtonPanel.start(settings: Self.settings(), driver: fake.driver, logger: quietLogger, onGesture: { _ in })
            Issue.record("no error")
        } catch {
            #expect(error.code == code)
            #expect(error.description.contains(text), "\(error.description)")
            if call != "openChip" { #expect(error.line == 17) }
        }
    }

    @Test("the real libgpiod: a chip that does not exist is reported as missing, with the fix")
    func realMissingChip() {
        do {
            _ = try GPIOChip("hark-no-such-gpiochip")
            Issue.record("opened a chip that does not exist")
        } catch {
            #expect(error.isChipMissing, "\(error)")
            #expect(error.description.hasPrefix("hark-no-such-gpiochip not found: check gpio.chip"))
        }
    }

    @Test("the Swift side was compiled for the libgpiod API the header is")
    func apiVersion() {
        #expect(GPIODriver.apiVersion == Int(hark_gpiod_api_version))
    }
}
