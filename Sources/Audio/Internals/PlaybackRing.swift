import Dispatch
import Synchronization

/// The bounded hand-off from the async writer to the playback thread.
///
/// Writer side: `write` copies what fits and, when the ring is full, suspends on a
/// `CheckedContinuation` that the thread resumes as soon as it has taken a period out. It never
/// blocks a cooperative-pool thread. Thread side: `take` blocks on a `DispatchSemaphore` (one
/// `signal()` per write, stop or finish) while there is not a whole period to play. One writer
/// task at a time.
final class PlaybackRing: Sendable {
    /// Samples (not frames) the ring holds.
    let capacity: Int

    private struct State {
        var storage: [Int16]
        var head = 0
        var count = 0
        var finishing = false
        var stopped = false
        var spaceWaiter: CheckedContinuation<Void, any Error>?
    }

    private let state: Mutex<State>
    private let dataReady = DispatchSemaphore(value: 0)

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        self.state = Mutex(State(storage: [Int16](repeating: 0, count: max(1, capacity))))
    }

    /// Samples queued now.
    var count: Int { state.withLock { $0.count } }

    private enum WriteStep {
        case wrote(Int)
        case full
        case closed
    }

    /// Queues `samples`, suspending while the ring is full. Throws `closedError` once the ring
    /// is stopped or finishing, and `CancellationError` if the task is cancelled while waiting.
    func write(_ samples: [Int16], closedError: @autoclosure () -> any Error) async throws {
        var offset = 0
        while offset < samples.count {
            let step = state.withLock { state -> WriteStep in
                if state.stopped || state.finishing { return .closed }
                let room = capacity - state.count
                guard room > 0 else { return .full }
                let n = min(room, samples.count - offset)
                var tail = (state.head + state.count) % capacity
                for index in offset..<(offset + n) {
                    state.storage[tail] = samples[index]
                    tail += 1
                    if tail == capacity { tail = 0 }
                }
                state.count += n
                return .wrote(n)
            }
            switch step {
            case .wrote(let n):
                offset += n
                dataReady.signal()
            case .closed:
                throw closedError()
            case .full:
                try await waitForSpace()
            }
        }
    }

    private func waitForSpace() async throws {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow = state.withLock { state -> Bool in
                    // Checked under the lock: a cancellation handler that already ran found no
                    // waiter, so this must not park.
                    if state.stopped || state.count < capacity || Task.isCancelled { return true }
                    state.spaceWaiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
            try Task.checkCancellation()
        } onCancel: {
            takeSpaceWaiter()?.resume()
        }
    }

    private func takeSpaceWaiter() -> CheckedContinuation<Void, any Error>? {
        state.withLock { state in
            defer { state.spaceWaiter = nil }
            return state.spaceWaiter
        }
    }

    /// No more writes: `take` hands out the partial tail, then `.drained`.
    func finishWriting() {
        state.withLock { $0.finishing = true }
        dataReady.signal()
    }

    /// Barge-in: discards everything queued, fails later writes, wakes writer and thread.
    func stop() {
        let waiter = state.withLock { state in
            state.stopped = true
            state.count = 0
            defer { state.spaceWaiter = nil }
            return state.spaceWaiter
        }
        waiter?.resume()
        dataReady.signal()
    }

    enum Take: Equatable {
        /// This many samples were copied to the front of the buffer (a whole period, or less
        /// only for the last one after `finishWriting()`).
        case samples(Int)
        /// Finishing and empty.
        case drained
        /// Stopped.
        case stopped
    }

    /// Blocks until `buffer.count` samples are queued (or the tail after `finishWriting()`),
    /// copies them into `buffer`, and wakes a waiting writer.
    func take(into buffer: UnsafeMutableBufferPointer<Int16>) -> Take {
        while true {
            let (take, waiter) = state.withLock { state -> (Take?, CheckedContinuation<Void, any Error>?) in
                if state.stopped { return (.stopped, nil) }
                guard state.count >= buffer.count || (state.finishing && state.count > 0) else {
                    return (state.finishing ? .drained : nil, nil)
                }
                let n = min(buffer.count, state.count)
                for index in 0..<n {
                    buffer[index] = state.storage[state.head]
                    state.head += 1
                    if state.head == capacity { state.head = 0 }
                }
                state.count -= n
                defer { state.spaceWaiter = nil }
                return (.samples(n), state.spaceWaiter)
            }
            waiter?.resume()
            if let take { return take }
            dataReady.wait()
        }
    }
}
