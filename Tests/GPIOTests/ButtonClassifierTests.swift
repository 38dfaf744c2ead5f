@testable import Appliance
import GPIO
import Testing

/// Edge sequences as the kernel reports them, through the classifier: taps, holds, bounce,
/// a stuck line, very long presses, noise.
@Suite("Button classifier")
struct ButtonClassifierTests {
    typealias Timeline = ClassifierTimeline

    @Test("a clean short press is one tap, at the release once it has settled")
    func tap() {
        var timeline = Timeline()
        timeline.run(Timeline.press(at: 100, held: 150), until: 2000)
        #expect(timeline.gestureKinds == [.tap])
        #expect(timeline.gestures[0].1 == .milliseconds(280))  // release at 250 + 30 ms debounce
    }

    @Test("held past hold_ms: hold-to-talk starts at the threshold and ends at the release")
    func hold() {
        var timeline = Timeline()
        timeline.run(Timeline.press(at: 0, held: 2500), until: 4000)
        #expect(timeline.gestureKinds == [.holdStarted, .holdEnded])
        #expect(timeline.gestures[0].1 == .milliseconds(600))
        #expect(timeline.gestures[1].1 == .milliseconds(2530))
    }

    @Test("contact bounce at both ends of a press gives exactly one tap", arguments: [1, 3, 8])
    func bounce(bounces: Int) {
        var timeline = Timeline()
        timeline.run(Timeline.press(at: 50, held: 200, bounces: bounces), until: 3000)
        #expect(timeline.gestureKinds == [.tap])
    }

    @Test("a bouncing hold is one hold-to-talk")
    func bouncingHold() {
        var timeline = Timeline()
        timeline.run(Timeline.press(at: 0, held: 1500, bounces: 5), until: 3000)
        #expect(timeline.gestureKinds == [.holdStarted, .holdEnded])
    }

    @Test("a glitch shorter than the debounce time is nothing")
    func glitch() {
        var timeline = Timeline()
        timeline.run([(100, true), (115, false), (400, true), (410, false)], until: 2000)
        #expect(timeline.gestures.isEmpty)
    }

    @Test("the same level reported twice (a bounce the kernel read late) is one press")
    func repeatedLevel() {
        var timeline = Timeline()
        timeline.run([(100, true), (103, true), (105, true), (300, false), (302, false)], until: 2000)
        #expect(timeline.gestureKinds == [.tap])
    }

    @Test("debounce_ms sets how long a level must hold", arguments: [10, 30, 80])
    func debounceSetting(debounce: Int) {
        var timeline = Timeline(.init(debounce: .milliseconds(debounce)))
        // Pulses of 20 ms: presses for a 10 ms debounce, glitches for 30 and 80.
        timeline.run([(100, true), (120, false)], until: 1000)
        #expect(timeline.gestureKinds == (debounce < 20 ? [.tap] : []))
    }

    @Test("two taps a person makes in a row are two taps")
    func doubleTap() {
        var timeline = Timeline()
        timeline.run(Timeline.press(at: 0, held: 120, bounces: 2) + Timeline.press(at: 400, held: 120, bounces: 2), until: 2000)
        #expect(timeline.gestureKinds == [.tap, .tap])
    }

    @Test("a very long press: hold-to-talk, then one stop at long_press_ms, then nothing until released")
    func veryLongPress() {
        var timeline = Timeline()
        timeline.run([(0, true)], until: 60_000)
        #expect(timeline.gestureKinds == [.holdStarted, .longPress])
        #expect(timeline.gestures[1].1 == .milliseconds(10_000))
        #expect(timeline.notices == [.heldTooLong(.seconds(10))])
        // The release produces no turn; the button then works again.
        timeline.run([(61_000, false)] + Timeline.press(at: 62_000, held: 100), until: 64_000)
        #expect(timeline.gestureKinds == [.holdStarted, .longPress, .tap])
        #expect(timeline.notices.last == .releasedAfterStuck(.milliseconds(61_000)))
        #expect(ButtonGesture.longPress.trigger == .stop)
    }

    @Test("a line stuck active at start is ignored until it is released, and says so once")
    func stuckAtStart() {
        var timeline = Timeline(initiallyActive: true)
        timeline.run([(500, true), (700, true)], until: 30_000)
        #expect(timeline.gestures.isEmpty)
        #expect(timeline.notices == [.pressedAtStart])
        timeline.run([(31_000, false)] + Timeline.press(at: 32_000, held: 100), until: 33_000)
        #expect(timeline.gestureKinds == [.tap])
    }

    @Test("a line that chatters into press after press is muted, not a storm of turns")
    func storm() {
        var timeline = Timeline()
        // A loose contact: a settled 60 ms press every 150 ms for 5 s (33 presses).
        let edges = stride(from: 0, to: 5000, by: 150).flatMap { Timeline.press(at: $0, held: 60) }
        timeline.run(edges, until: 10_000)
        let settings = ButtonClassifier.Settings()
        #expect(timeline.gestures.count <= settings.stormPresses)
        #expect(timeline.notices.filter { if case .storm = $0 { true } else { false } }.count == 1)
        #expect(timeline.notices.last == .stormEnded)
        // Quiet again: a press is a tap.
        timeline.run(Timeline.press(at: 11_000, held: 100), until: 12_000)
        #expect(timeline.gestureKinds.last == .tap)
    }

    @Test("gestures map to the session's triggers")
    func triggers() {
        #expect(ButtonGesture.tap.trigger == .tap)
        #expect(ButtonGesture.holdStarted.trigger == .press)
        #expect(ButtonGesture.holdEnded.trigger == .release)
    }
}
