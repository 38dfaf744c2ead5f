import GPIO

/// What a person did with the button, once contact bounce is filtered out.
public enum ButtonGesture: Sendable, Hashable {
    /// Pressed and released before the hold threshold: tap-to-talk.
    case tap
    /// Still held at the hold threshold: hold-to-talk starts (the microphone opens now).
    case holdStarted
    /// Released after `holdStarted`: the request's audio ends here.
    case holdEnded
    /// Held for the long-press time: stop all audio. The button is then ignored until released.
    case longPress
}

/// Something about the button worth one log line.
public enum ButtonNotice: Sendable, Hashable {
    /// The line was active when Hark started: ignored until it is released.
    case pressedAtStart
    /// Held for the long-press time; ignored until released (also what a stuck line looks like).
    case heldTooLong(Duration)
    /// A line that was held or stuck is released again; the button works again.
    case releasedAfterStuck(Duration)
    /// Too many presses too fast (a loose contact, electrical noise): muted until quiet.
    case storm(presses: Int, within: Duration)
    /// Quiet again after a storm.
    case stormEnded
}

/// Turns the button line's edges into gestures: a value state machine fed the kernel's edge
/// events and its own timers (scheduled through actions, fired by an injected clock).
///
/// Debounce: every edge restarts the `settle` timer; the level counts only once it has held
/// for `debounce`. A bounce that returns to the same level within it is no change at all.
/// A storm guard mutes a line that settles into presses too often (loose contact), and a press
/// that lasts past `longPress` (or a line stuck active) yields one `longPress` and then
/// nothing until a clean release: no storm of turns either way.
public struct ButtonClassifier: Sendable {
    public struct Settings: Sendable, Hashable {
        /// `gpio.debounce_ms`: how long a level must hold to count.
        public var debounce: Duration
        /// `gpio.hold_ms`: held this long, a press is hold-to-talk.
        public var hold: Duration
        /// `gpio.long_press_ms`: held this long, a press stops all audio.
        public var longPress: Duration
        /// More presses than this within `stormWindow` mute the button...
        public var stormPresses = 6
        public var stormWindow: Duration = .seconds(3)
        /// ...until the line has stayed released this long.
        public var quietPeriod: Duration = .seconds(2)

        public init(debounce: Duration = .milliseconds(30), hold: Duration = .milliseconds(600),
                    longPress: Duration = .seconds(10)) {
            self.debounce = debounce
            self.hold = hold
            self.longPress = longPress
        }
    }

    public enum Timer: Sendable, Hashable, CaseIterable {
        case settle, hold, longPress, quiet
    }

    public enum Input: Sendable, Hashable {
        case edge(EdgeEvent)
        /// A timer scheduled with `generation` ran out; stale generations are ignored.
        case timerFired(Timer, generation: Int)
    }

    public enum Action: Sendable, Hashable {
        case gesture(ButtonGesture)
        /// Start (or restart) `timer`: fire `timerFired(timer, generation)` after the delay.
        case schedule(Timer, after: Duration, generation: Int)
        /// The timer is no longer wanted (its generation is already stale).
        case cancel(Timer)
        case notice(ButtonNotice)
    }

    enum Phase: Sendable, Hashable {
        case released
        /// Pressed since `since` (the first edge of the press); `holding` once hold-to-talk began.
        case pressed(since: Duration, holding: Bool)
        /// Held past the long press or active at start: nothing until released.
        case stuck(since: Duration)
        /// Storm: nothing until the line stays released for `quietPeriod`.
        case muted
    }

    public let settings: Settings
    private(set) var phase: Phase
    /// The level of the last edge, and the level that held for `debounce`.
    private var raw: Bool
    private var stable: Bool
    /// The first edge since the level was last stable: when a press or release began.
    private var changeStarted: Duration?
    private var recentPresses: [Duration] = []
    private var generations: [Timer: Int] = [:]

    /// `initiallyActive`: the line's value when requested. A line active at start is treated as
    /// stuck: a button that is not pressed at boot is the normal case.
    public init(settings: Settings, initiallyActive: Bool = false, now: Duration = .zero) {
        self.settings = settings
        raw = initiallyActive
        stable = initiallyActive
        phase = initiallyActive ? .stuck(since: now) : .released
    }

    /// Actions to take at start (the notice for a line active at start).
    public var startActions: [Action] {
        if case .stuck = phase { return [.notice(.pressedAtStart)] }
        return []
    }

    public mutating func handle(_ input: Input) -> [Action] {
        switch (phase, input) {
        case (_, .edge(let edge)):
            // Any edge restarts the settle timer; a repeated level (the kernel reads the level
            // after a bounce) still counts as activity on the line.
            if raw == stable, edge.active != stable { changeStarted = edge.timestamp }
            raw = edge.active
            return [schedule(.settle, after: settings.debounce)]
        case (_, .timerFired(let timer, let generation)) where generations[timer, default: 0] != generation:
            // Cancelled or restarted since: stale.
            return []
        case (_, .timerFired(.settle, _)) where raw == stable:
            // Bounced back to where it was: a glitch, not a press.
            changeStarted = nil
            return []
        case (_, .timerFired(.settle, _)):
            // The new level held for the debounce time.
            stable = raw
            let started = changeStarted ?? .zero
            changeStarted = nil
            return stable ? pressed(at: started) : released(at: started)
        case (.pressed(let since, holding: false), .timerFired(.hold, _)):
            // Held past the threshold: hold-to-talk.
            phase = .pressed(since: since, holding: true)
            return [.gesture(.holdStarted)]
        case (.pressed(let since, _), .timerFired(.longPress, _)):
            // Held for the long press: stop everything, then ignore the line until released.
            phase = .stuck(since: since)
            return [cancel(.hold), .gesture(.longPress), .notice(.heldTooLong(settings.longPress))]
        case (.muted, .timerFired(.quiet, _)) where !stable:
            // Released and quiet long enough after a storm: the button works again.
            phase = .released
            recentPresses = []
            return [.notice(.stormEnded)]
        case (_, .timerFired):
            // A timer for a phase already left.
            return []
        }
    }

    /// The level went active (debounced) at `time`.
    private mutating func pressed(at time: Duration) -> [Action] {
        switch phase {
        case .released:
            recentPresses = recentPresses.filter { time - $0 < settings.stormWindow } + [time]
            if recentPresses.count > settings.stormPresses {
                // Presses faster than a person makes them: mute instead of starting turns.
                phase = .muted
                return [cancel(.quiet), .notice(.storm(presses: recentPresses.count, within: settings.stormWindow))]
            }
            phase = .pressed(since: time, holding: false)
            let settled = settings.debounce
            return [schedule(.hold, after: max(.zero, settings.hold - settled)),
                    schedule(.longPress, after: max(.zero, settings.longPress - settled))]
        case .muted:
            // Still noisy: the quiet period starts again at the next release.
            return [cancel(.quiet)]
        case .pressed, .stuck:
            // Already pressed (a release that never settled).
            return []
        }
    }

    /// The level went inactive (debounced) at `time`.
    private mutating func released(at time: Duration) -> [Action] {
        switch phase {
        case .pressed(_, holding: false):
            // Short press: tap-to-talk.
            phase = .released
            return [cancel(.hold), cancel(.longPress), .gesture(.tap)]
        case .pressed(_, holding: true):
            // End of hold-to-talk.
            phase = .released
            return [cancel(.longPress), .gesture(.holdEnded)]
        case .stuck(let since):
            // A clean release after a long press or a line stuck at start: usable again.
            phase = .released
            return [.notice(.releasedAfterStuck(max(.zero, time - since)))]
        case .muted:
            return [schedule(.quiet, after: settings.quietPeriod)]
        case .released:
            return []
        }
    }

    private mutating func schedule(_ timer: Timer, after delay: Duration) -> Action {
        let generation = generations[timer, default: 0] + 1
        generations[timer] = generation
        return .schedule(timer, after: delay, generation: generation)
    }

    private mutating func cancel(_ timer: Timer) -> Action {
        generations[timer, default: 0] += 1
        return .cancel(timer)
    }
}
