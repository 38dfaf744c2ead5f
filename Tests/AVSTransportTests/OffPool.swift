import Foundation

/// Runs `body`, which blocks (reading a child's pipe, `waitpid`), on a thread of its own and
/// resumes the caller when it returns: the cooperative pool has as many threads as cores (two
/// here, shared by parallel tests), and a blocked pool thread stalls every other test.
func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.name = "hark-test-wait"
        thread.start()
    }
}
