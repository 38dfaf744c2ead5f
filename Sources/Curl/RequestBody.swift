import Synchronization

/// A request body that is either complete up front or written while the request is open.
///
/// libcurl pulls the body through `CURLOPT_READFUNCTION` on the curl thread. When a streamed
/// body has nothing buffered the read callback returns `CURL_READFUNC_PAUSE`; the next
/// `write` or `finish` asks the curl thread to `curl_easy_pause(CURLPAUSE_CONT)` the
/// transfer, so audio flows into the open request as it is captured.
public final class RequestBody: Sendable {
    /// What the read callback gets.
    enum Read: Equatable {
        /// Copied this many bytes.
        case bytes(Int)
        /// Nothing buffered yet: pause until `write` or `finish`.
        case pause
        /// The body is complete.
        case end
        /// `cancel()` was called: abort the transfer.
        case abort
    }

    fileprivate struct State {
        var buffer: [UInt8] = []
        var readOffset = 0
        var finished = false
        var cancelled = false
        /// Set while the transfer is paused waiting for data; called (outside the lock) to
        /// ask the curl thread to unpause.
        var resume: (@Sendable () -> Void)?
        var paused = false
    }

    private let state: Mutex<State>
    /// The total length when known up front (`CURLOPT_POSTFIELDSIZE_LARGE`); `nil` streams.
    public let knownLength: Int?

    /// A complete body.
    public init(bytes: [UInt8]) {
        state = Mutex(State(buffer: bytes, finished: true))
        knownLength = bytes.count
    }

    /// A streamed body that starts with `initial` and grows with `write` until `finish`.
    public init(streaming initial: [UInt8] = []) {
        state = Mutex(State(buffer: initial))
        knownLength = nil
    }

    /// Appends bytes to the body. Ignored after `finish` or `cancel`.
    public func write(_ bytes: some Collection<UInt8>) {
        let resume = state.withLock { state -> (@Sendable () -> Void)? in
            guard !state.finished, !state.cancelled else { return nil }
            state.buffer.append(contentsOf: bytes)
            return state.takeResume()
        }
        resume?()
    }

    /// Appends `tail` (if any) and ends the body.
    public func finish(tail: [UInt8] = []) {
        let resume = state.withLock { state -> (@Sendable () -> Void)? in
            guard !state.finished, !state.cancelled else { return nil }
            state.buffer.append(contentsOf: tail)
            state.finished = true
            return state.takeResume()
        }
        resume?()
    }

    /// Makes the next read abort the transfer (`CURL_READFUNC_ABORT`).
    public func cancel() {
        let resume = state.withLock { state -> (@Sendable () -> Void)? in
            guard !state.cancelled else { return nil }
            state.cancelled = true
            return state.takeResume()
        }
        resume?()
    }

    /// Whether `finish` was called.
    public var isFinished: Bool { state.withLock { $0.finished } }

    /// Called by the read callback on the curl thread. `resume` is remembered when pausing.
    func read(into destination: UnsafeMutableRawBufferPointer, resume: @escaping @Sendable () -> Void) -> Read {
        state.withLock { state in
            if state.cancelled { return .abort }
            let available = state.buffer.count - state.readOffset
            if available == 0 {
                if state.finished { return .end }
                state.paused = true
                state.resume = resume
                return .pause
            }
            let count = min(available, destination.count)
            state.buffer.withUnsafeBytes { source in
                destination.copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: source[state.readOffset..<state.readOffset + count]))
            }
            state.readOffset += count
            // Drop consumed bytes once they dominate, so a long recording does not keep
            // everything it ever sent.
            if state.readOffset > 64 * 1024, state.readOffset * 2 > state.buffer.count {
                state.buffer.removeFirst(state.readOffset)
                state.readOffset = 0
            }
            return .bytes(count)
        }
    }
}

extension RequestBody.State {
    fileprivate mutating func takeResume() -> (@Sendable () -> Void)? {
        guard paused else { return nil }
        paused = false
        defer { resume = nil }
        return resume
    }
}
