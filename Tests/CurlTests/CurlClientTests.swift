import Curl
import Synchronization
import Testing

@testable import Curl

/// Collects a transfer's events until it ends.
func collect(_ client: CurlHTTPClient, _ request: HTTPRequest) async -> [HTTPResponseEvent] {
    let state = Mutex<(events: [HTTPResponseEvent], waiter: CheckedContinuation<Void, Never>?, done: Bool)>(([], nil, false))
    client.start(request) { event in
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.events.append(event)
            guard case .end = event else { return nil }
            state.done = true
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
    await withCheckedContinuation { continuation in
        let done = state.withLock { state in
            if !state.done { state.waiter = continuation }
            return state.done
        }
        if done { continuation.resume() }
    }
    return state.withLock { $0.events }
}

@Suite struct CurlClientTests {
    @Test func refusedConnectionIsCouldNotConnect() async throws {
        let client = try CurlHTTPClient(configuration: .init())
        // Port 1 on loopback: nothing listens there.
        let events = await collect(client, HTTPRequest(method: .get, url: "https://127.0.0.1:1/ping"))
        guard case .end(.failure(let error)) = events.last else {
            Issue.record("expected a failure, got \(events)")
            return
        }
        #expect(error == .couldNotConnect)
        #expect(error.description.contains("CURLE 7"))
    }

    @Test func requestsAfterShutdownEndAtOnce() async throws {
        let client = try CurlHTTPClient(configuration: .init())
        client.shutdown()
        let events = await collect(client, HTTPRequest(method: .get, url: "https://127.0.0.1:1/ping"))
        guard case .end(.failure(let error)) = events.last else {
            Issue.record("expected a failure")
            return
        }
        #expect(error == .aborted)
    }

    @Test func errorsNameTheirCode() {
        #expect(CurlError.peerFailedVerification.isCertificateProblem)
        #expect(!CurlError.couldNotConnect.isCertificateProblem)
        #expect(CurlError.operationTimedOut.message.contains("Timeout"))
        #expect(CurlError.multi(1).description.contains("CURLM"))
    }
}

@Suite struct RequestBodyTests {
    func read(_ body: RequestBody, capacity: Int = 16, resume: @escaping @Sendable () -> Void = {}) -> ([UInt8], RequestBody.Read) {
        var buffer = [UInt8](repeating: 0, count: capacity)
        let result = buffer.withUnsafeMutableBytes { body.read(into: $0, resume: resume) }
        if case .bytes(let count) = result { return (Array(buffer[0..<count]), result) }
        return ([], result)
    }

    @Test func streamedBodyPausesUntilWrittenAndEndsAfterFinish() {
        let body = RequestBody(streaming: [1, 2, 3])
        #expect(body.knownLength == nil)
        #expect(read(body).0 == [1, 2, 3])
        let resumed = Mutex(0)
        #expect(read(body, resume: { resumed.withLock { $0 += 1 } }).1 == .pause)
        body.write([4, 5])
        #expect(resumed.withLock { $0 } == 1)
        body.write([6])  // not paused any more: no second resume
        #expect(resumed.withLock { $0 } == 1)
        #expect(read(body, capacity: 2).0 == [4, 5])
        #expect(read(body).0 == [6])
        #expect(read(body, resume: { resumed.withLock { $0 += 1 } }).1 == .pause)
        body.finish(tail: [9, 9])
        #expect(resumed.withLock { $0 } == 2)
        #expect(read(body).0 == [9, 9])
        #expect(read(body).1 == .end)
        body.write([7])  // ignored after finish
        #expect(read(body).1 == .end)
    }

    @Test func cancelAbortsAndWakesAPausedTransfer() {
        let body = RequestBody(streaming: [])
        let resumed = Mutex(false)
        #expect(read(body, resume: { resumed.withLock { $0 = true } }).1 == .pause)
        body.cancel()
        #expect(resumed.withLock { $0 })
        #expect(read(body).1 == .abort)
    }

    @Test func longStreamsDropWhatWasSent() {
        let body = RequestBody(streaming: [])
        var total = 0
        for _ in 0..<200 {
            body.write([UInt8](repeating: 7, count: 1000))
            while case (let bytes, .bytes) = read(body, capacity: 700) { total += bytes.count }
        }
        #expect(total == 200_000)
    }

    @Test func completeBodyHasItsLength() {
        let body = RequestBody(bytes: [1, 2])
        #expect(body.knownLength == 2)
        #expect(read(body).0 == [1, 2])
        #expect(read(body).1 == .end)
    }
}

@Suite struct CurlLoopWakeupTests {
    /// A request started right after `closeConnections` once waited out the whole poll
    /// timeout: its wakeup went to the multi handle being replaced.
    @Test func requestsRightAfterClosingConnectionsRunAtOnce() async throws {
        let client = try CurlHTTPClient(configuration: .init())
        let started = ContinuousClock.now
        for _ in 0..<40 {
            client.closeConnections()
            let events = await collect(client, HTTPRequest(method: .get, url: "https://127.0.0.1:1/ping"))
            guard case .end(.failure(.couldNotConnect)) = events.last else {
                Issue.record("unexpected \(events)")
                return
            }
        }
        let elapsed = ContinuousClock.now - started
        // One lost wakeup costs the whole 60 s poll timeout; 40 healthy rounds take milliseconds
        // (seconds on a loaded machine), so half the timeout tells the two apart.
        #expect(elapsed < .seconds(30), "\(elapsed)")
        client.shutdown()
    }
}
