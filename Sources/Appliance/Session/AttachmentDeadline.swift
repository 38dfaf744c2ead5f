/// A Speak's attachment that must begin within a time limit: the bytes are passed on as they
/// come; if none came when the limit runs out (on the session's injected clock), the stream
/// ends empty and the speech fails instead of waiting forever.
struct AttachmentDeadline: Sendable {
    /// No attachment bytes arrived in time.
    struct Missing: Error, CustomStringConvertible {
        var description: String { "the Speak's audio attachment did not arrive" }
    }

    let bytes: AsyncStream<[UInt8]>
    private let forwarding: Task<Void, Never>
    private let deadline: Task<Void, Never>

    /// Stops passing bytes on and the timer (the consumer is done).
    func cancel() {
        forwarding.cancel()
        deadline.cancel()
    }

    static func stream(_ source: AsyncStream<[UInt8]>, firstBytesWithin limit: Duration,
                       clock: any Clock<Duration>) -> AttachmentDeadline {
        let (bytes, continuation) = AsyncStream.makeStream(of: [UInt8].self)
        let deadline = Task {
            do { try await clock.sleep(for: limit) } catch { return }
            // Still waiting for the first bytes (the forwarder cancels this timer when they come).
            continuation.finish()
        }
        let forwarding = Task {
            var first = true
            for await chunk in source {
                if first {
                    first = false
                    deadline.cancel()
                }
                continuation.yield(chunk)
            }
            continuation.finish()
        }
        return AttachmentDeadline(bytes: bytes, forwarding: forwarding, deadline: deadline)
    }
}
