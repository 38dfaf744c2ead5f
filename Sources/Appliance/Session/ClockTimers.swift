/// The timers a value state machine asks for with `schedule` and `cancel` actions, run on an
/// injected clock for the actor that carries out those actions. Each firing carries its
/// generation, so one that arrives after its timer was cancelled or scheduled again is
/// recognised and dropped.
struct ClockTimers<ID: Hashable & Sendable> {
    private var running: [ID: (generation: Int, task: Task<Void, Never>)] = [:]
    private var generations = 0

    /// Starts `id` (replacing a running one): `fire(id, generation)` after `delay` on `clock`,
    /// unless it is cancelled first.
    mutating func schedule(_ id: ID, after delay: Duration, on clock: any Clock<Duration>,
                           fire: @escaping @Sendable (ID, Int) -> Void) {
        running[id]?.task.cancel()
        generations += 1
        let generation = generations
        running[id] = (generation, Task {
            do {
                try await clock.sleep(for: delay)
                fire(id, generation)
            } catch {}
        })
    }

    mutating func cancel(_ id: ID) {
        running.removeValue(forKey: id)?.task.cancel()
    }

    /// Whether a firing is the timer's current one; if it is, the timer is done and forgotten.
    mutating func take(_ id: ID, generation: Int) -> Bool {
        guard running[id]?.generation == generation else { return false }
        running[id] = nil
        return true
    }

    mutating func cancelAll() {
        for timer in running.values { timer.task.cancel() }
        running = [:]
    }
}
