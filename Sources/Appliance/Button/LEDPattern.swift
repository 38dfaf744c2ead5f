/// How the status light shows one `ApplianceStatus`: a cycle of on/off steps, or one level.
public struct LEDPattern: Sendable, Hashable {
    /// One step: the light on or off for a while.
    public struct Step: Sendable, Hashable {
        public var on: Bool
        public var duration: Duration
    }

    /// Played in order, then again from the start. One step: a steady level.
    public let steps: [Step]

    public init(_ steps: [(Bool, Int)]) {
        self.steps = steps.map { Step(on: $0.0, duration: .milliseconds($0.1)) }
    }

    /// A steady level.
    public static func steady(_ on: Bool) -> LEDPattern { LEDPattern([(on, 0)]) }

    public var isSteady: Bool { steps.count == 1 }

    /// The pattern for each status. A single light, so shapes and rates tell them apart:
    /// steady for "nothing to see" and "talk now", fast for "working", slow for "waiting on
    /// something outside", counted blinks for states that need a person.
    public static func forStatus(_ status: ApplianceStatus) -> LEDPattern {
        switch status {
        // Off: nothing happening.
        case .idle: .steady(false)
        // Solid: the microphone is open.
        case .listening: .steady(true)
        // Fast even blink (5 Hz): waiting for the answer.
        case .thinking: LEDPattern([(true, 100), (false, 100)])
        // Slow even blink (1.25 Hz): Alexa is speaking.
        case .speaking: LEDPattern([(true, 400), (false, 400)])
        // Mostly on with short dips: about to listen again.
        case .expecting: LEDPattern([(true, 700), (false, 100)])
        // A short flash every 2 s: no connection, reconnecting.
        case .offline: LEDPattern([(true, 150), (false, 1850)])
        // Double blink every 2 s: `hark login` needed.
        case .unlinked: LEDPattern([(true, 150), (false, 150), (true, 150), (false, 1550)])
        // Rapid flicker (10 Hz): an alert is sounding.
        case .alerting: LEDPattern([(true, 50), (false, 50)])
        // Triple blink every 2 s: something needs a person; the log says what.
        case .error: LEDPattern([(true, 150), (false, 150), (true, 150), (false, 150), (true, 150), (false, 1250)])
        }
    }
}

/// Plays `LEDPattern`s: a value state machine that turns status changes and timer expiries
/// into line levels and timers. Time comes from the scheduled timers, never from a clock read.
public struct LEDMachine: Sendable {
    public enum Input: Sendable, Hashable {
        case show(ApplianceStatus)
        /// The step timer scheduled with `generation` ran out.
        case timerFired(generation: Int)
    }

    public enum Action: Sendable, Hashable {
        /// Drive the light on or off.
        case set(Bool)
        /// Fire `timerFired(generation)` after the delay (replacing any earlier timer).
        case schedule(after: Duration, generation: Int)
        /// No timer is wanted now.
        case cancelTimer
    }

    public private(set) var status: ApplianceStatus?
    private var pattern = LEDPattern.steady(false)
    private var step = 0
    private var generation = 0
    private var level: Bool?

    public init() {}

    public mutating func handle(_ input: Input) -> [Action] {
        switch (status, input) {
        case (let current, .show(let status)) where current == status:
            // Already showing it: keep the cycle where it is (no flicker on repeated notes).
            return []
        case (_, .show(let status)):
            // A new status: its pattern starts at its first step now.
            self.status = status
            pattern = .forStatus(status)
            step = 0
            generation += 1
            return enterStep()
        case (_, .timerFired(let fired)) where fired != generation:
            // A timer of a pattern already replaced.
            return []
        case (_, .timerFired):
            // The step's time is up: the next step, wrapping around.
            step = (step + 1) % pattern.steps.count
            generation += 1
            return enterStep()
        }
    }

    private mutating func enterStep() -> [Action] {
        let current = pattern.steps[step]
        var actions: [Action] = []
        if level != current.on {
            level = current.on
            actions.append(.set(current.on))
        }
        actions.append(pattern.isSteady ? .cancelTimer : .schedule(after: current.duration, generation: generation))
        return actions
    }
}
