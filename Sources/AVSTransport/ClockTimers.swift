import Synchronization

/// The timers a value state machine asks for with `schedule` and `cancel` actions, run on an
/// injected clock for the actor that carries out those actions. Each firing carries its
/// generation, so one that arrives after its timer was cancelled or scheduled again is
/// recognised and dropped.
///
/// Scheduling a running timer again for a later moment (the ping pushed back by every request,
/// the inactivity report by every turn) moves its deadline instead of cancelling its task: a
/// cancelled `Task.sleep` keeps its task (about 750 bytes) until the moment it was due, so a
/// five-minute timer pushed back five times a turn held 3.5 kB a turn for five minutes. The
/// task wakes at the old deadline, sees the new one and sleeps the rest. Only a move to an
/// earlier moment, or `cancel`, cancels the task.
public struct ClockTimers<ID: Hashable & Sendable> {
    private let clock: any Clock<Duration>
    /// Time elapsed on `clock` since these timers were made: the scale deadlines are kept on.
    private let reading: ClockReading
    private var running: [ID: (armed: ArmedTimer<ID>, task: Task<Void, Never>)] = [:]
    private var generations = 0

    public init(clock: any Clock<Duration>) {
        self.clock = clock
        reading = ClockReading(clock)
    }

    /// Starts `id`, or moves a running one: `fire(id, generation)` after `delay`, unless it is
    /// cancelled first.
    public mutating func schedule(_ id: ID, after delay: Duration, fire: @escaping @Sendable (ID, Int) -> Void) {
        generations += 1
        let deadline = reading.elapsed() + delay
        if let current = running[id], current.armed.move(to: deadline, generation: generations, fire: fire) { return }
        running[id]?.task.cancel()
        let armed = ArmedTimer(id: id, deadline: deadline, generation: generations, fire: fire)
        let (clock, reading) = (clock, reading)
        running[id] = (armed, Task {
            while true {
                switch armed.step(at: reading.elapsed()) {
                case .wait(let remaining):
                    do { try await clock.sleep(for: remaining) } catch { return }
                case .fire(let fire):
                    fire()
                    return
                }
            }
        })
    }

    public mutating func cancel(_ id: ID) {
        running.removeValue(forKey: id)?.task.cancel()
    }

    /// Whether a firing is the timer's current one; if it is, the timer is done and forgotten.
    public mutating func take(_ id: ID, generation: Int) -> Bool {
        guard running[id]?.armed.generation == generation else { return false }
        running[id] = nil
        return true
    }

    public mutating func cancelAll() {
        for timer in running.values { timer.task.cancel() }
        running = [:]
    }
}

/// The deadline, generation and action of one armed timer, shared by its task and `schedule`.
final class ArmedTimer<ID: Sendable>: Sendable {
    enum Step {
        case wait(Duration)
        case fire(@Sendable () -> Void)
    }

    private struct State {
        var deadline: Duration
        var generation: Int
        var fire: @Sendable (ID, Int) -> Void
        var fired = false
    }

    private let id: ID
    private let state: Mutex<State>

    init(id: ID, deadline: Duration, generation: Int, fire: @escaping @Sendable (ID, Int) -> Void) {
        self.id = id
        state = Mutex(State(deadline: deadline, generation: generation, fire: fire))
    }

    var generation: Int { state.withLock { $0.generation } }

    /// Moves a timer that has not fired to a deadline no earlier than its own; `false` when it
    /// cannot (fired already, or the new moment is earlier) and a new task is needed.
    func move(to deadline: Duration, generation: Int, fire: @escaping @Sendable (ID, Int) -> Void) -> Bool {
        state.withLock { state in
            guard !state.fired, deadline >= state.deadline else { return false }
            state.deadline = deadline
            state.generation = generation
            state.fire = fire
            return true
        }
    }

    /// What the task does at `now`: sleep the rest, or fire (once) with the current generation.
    func step(at now: Duration) -> Step {
        let id = self.id
        return state.withLock { state in
            if now < state.deadline { return .wait(state.deadline - now) }
            state.fired = true
            let (fire, generation) = (state.fire, state.generation)
            return .fire { fire(id, generation) }
        }
    }
}

/// Time elapsed on a clock since this reading was made, whatever the clock's instant type.
struct ClockReading: Sendable {
    let elapsed: @Sendable () -> Duration

    init(_ clock: any Clock<Duration>) {
        self = Self.make(clock)
    }

    private init(elapsed: @escaping @Sendable () -> Duration) {
        self.elapsed = elapsed
    }

    private static func make<C: Clock<Duration>>(_ clock: C) -> ClockReading {
        let start = clock.now
        return ClockReading { start.duration(to: clock.now) }
    }
}
