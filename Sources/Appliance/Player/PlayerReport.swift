import AVS
import Synchronization

/// What a stream's task reports back to the player service, tagged with its run so a late
/// report of a replaced stream is ignored. Offsets are stream offsets in milliseconds.
enum PlayerReport: Sendable {
    case started(run: Int, offset: Int)
    case progress(run: Int, offset: Int)
    case bufferingComplete(run: Int)
    case stutterStarted(run: Int, offset: Int)
    case stutterFinished(run: Int, offset: Int, milliseconds: Int)
    case finished(run: Int, offset: Int)
    case stopped(run: Int, offset: Int)
    case failed(run: Int, offset: Int, MediaError)
}

/// Stop and pause requests shared between the service and one stream's task.
final class StreamControl: Sendable {
    private struct State {
        var stopped = false
        var paused = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    var isStopped: Bool { state.withLock { $0.stopped } }
    var isPaused: Bool { state.withLock { $0.paused } }

    func stop() {
        let waiters = state.withLock { state in
            state.stopped = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func pause() { state.withLock { $0.paused = true } }

    func resume() {
        let waiters = state.withLock { state in
            state.paused = false
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns at once unless paused; otherwise when resumed or stopped.
    func waitWhilePaused() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                if state.paused && !state.stopped {
                    state.waiters.append(continuation)
                    return false
                }
                return true
            }
            if ready { continuation.resume() }
        }
    }
}

/// When audio last went to the speaker and how much was queued then: the stutter watch
/// compares it with the time since, and the feeder reports the end of a stutter.
final class FlowWatch: Sendable {
    struct State {
        var lastWrite = ContinuousClock.now
        /// Audio queued ahead of the speaker at the last write, in milliseconds.
        var bufferedMilliseconds = 0
        var stutterSince: ContinuousClock.Instant?
        var downloaded = false
        var started = false
        /// The feeder waits for the next bytes of the stream (not for the speaker).
        var awaitingBytes = false
        /// The stream's sample rate once known.
        var rate = 0
    }

    let state = Mutex(State())
}
