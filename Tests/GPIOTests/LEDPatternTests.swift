@testable import Appliance
import Testing

/// The status light's patterns, played by `LEDMachine` along a virtual timeline.
@Suite("LED patterns")
struct LEDPatternTests {
    /// Shows `status` at time 0 and runs the machine's timers for `milliseconds`; returns the
    /// level changes with their times.
    static func play(_ status: ApplianceStatus, for milliseconds: Int, from previous: ApplianceStatus? = nil) -> [(Int, Bool)] {
        var machine = LEDMachine()
        var changes: [(Int, Bool)] = []
        var timer: (deadline: Int, generation: Int)?
        var now = 0
        func apply(_ actions: [LEDMachine.Action]) {
            for action in actions {
                switch action {
                case .set(let on): changes.append((now, on))
                case .schedule(let delay, let generation): timer = (now + Int(delay.components.seconds * 1000) + Int(delay.components.attoseconds / 1_000_000_000_000_000), generation)
                case .cancelTimer: timer = nil
                }
            }
        }
        if let previous { apply(machine.handle(.show(previous))); changes = [] }
        apply(machine.handle(.show(status)))
        while let due = timer, due.deadline <= milliseconds {
            timer = nil
            now = due.deadline
            apply(machine.handle(.timerFired(generation: due.generation)))
        }
        return changes
    }

    /// The on-times (ms) within the first `window` ms.
    static func onTimes(_ changes: [(Int, Bool)], window: Int) -> [Int] {
        var result: [Int] = []
        for (index, change) in changes.enumerated() where change.1 {
            let end = index + 1 < changes.count ? changes[index + 1].0 : window
            result.append(min(end, window) - change.0)
        }
        return result
    }

    @Test("idle is off and listening is solid on, with no timer running")
    func steady() {
        #expect(Self.play(.idle, for: 5000).map(\.1) == [false])
        #expect(Self.play(.listening, for: 5000).map(\.1) == [true])
    }

    @Test("each blinking status has its own rhythm", arguments: [
        (ApplianceStatus.thinking, 2000, [Int](repeating: 100, count: 10)),
        (.speaking, 2000, [400, 400, 400]),
        (.expecting, 1600, [700, 700]),
        (.offline, 4000, [150, 150]),
        (.unlinked, 4000, [150, 150, 150, 150]),
        (.alerting, 500, [50, 50, 50, 50, 50]),
        (.error, 4000, [150, 150, 150, 150, 150, 150]),
    ])
    func rhythm(status: ApplianceStatus, window: Int, expected: [Int]) {
        let changes = Self.play(status, for: window - 1)
        #expect(Self.onTimes(changes, window: window) == expected)
        // Strictly alternating: no redundant writes to the line.
        #expect(zip(changes, changes.dropFirst()).allSatisfy { $0.1 != $1.1 })
    }

    @Test("no two statuses look alike")
    func distinct() {
        let patterns = ApplianceStatus.allCases.map(LEDPattern.forStatus)
        #expect(Set(patterns).count == ApplianceStatus.allCases.count)
    }

    @Test("showing the status already shown does not restart or flicker it")
    func repeatedShow() {
        var machine = LEDMachine()
        let first = machine.handle(.show(.thinking))
        #expect(first.first == .set(true))
        #expect(machine.handle(.show(.thinking)).isEmpty)
    }

    @Test("a timer from the previous pattern is ignored after a change")
    func staleTimer() {
        var machine = LEDMachine()
        guard case .schedule(_, let old)? = machine.handle(.show(.thinking)).last else {
            Issue.record("thinking schedules a timer")
            return
        }
        #expect(machine.handle(.show(.listening)) == [.cancelTimer])  // already on: no write
        #expect(machine.handle(.timerFired(generation: old)).isEmpty)
    }

    @Test("from listening (on) to idle turns the light off at once")
    func toIdle() {
        #expect(Self.play(.idle, for: 100, from: .listening).map(\.1) == [false])
    }
}

@Suite("LED machine sequences")
struct LEDSequenceTests {
    @Test("a whole turn and then hold-to-talk: the light is on again while listening")
    func turnThenListen() {
        var machine = LEDMachine()
        var level: Bool?
        var generation = 0
        func feed(_ input: LEDMachine.Input) {
            for action in machine.handle(input) {
                switch action {
                case .set(let on): level = on
                case .schedule(_, let next): generation = next
                case .cancelTimer: break
                }
            }
        }
        feed(.show(.offline))
        feed(.show(.idle))
        feed(.show(.listening))
        #expect(level == true)
        feed(.show(.thinking))
        feed(.timerFired(generation: generation))
        feed(.show(.speaking))
        feed(.timerFired(generation: generation))
        feed(.timerFired(generation: generation))
        feed(.timerFired(generation: generation))
        feed(.show(.idle))
        #expect(level == false)
        feed(.timerFired(generation: generation))
        feed(.show(.listening))
        #expect(level == true)
    }
}
