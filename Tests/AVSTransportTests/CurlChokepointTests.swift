import AVS
import CCurl
import Curl
import Synchronization
import Testing

@testable import AVSTransport

/// Collects a transfer's events until it ends.
func collectEvents(_ client: CurlHTTPClient, _ request: HTTPRequest) async -> [HTTPResponseEvent] {
    let events = Locked<[HTTPResponseEvent]>([])
    let done = OnceResult<Void>()
    client.start(request) { event in
        events.withLock { $0.append(event) }
        if case .end = event { done.complete(()) }
    }
    await done.value
    return events.withLock { $0 }
}

/// Records `accessTokenRejected` calls.
final class CountingTokens: AccessTokenProvider {
    let rejections = Mutex(0)
    func accessToken() async throws -> AccessToken { AccessToken("Atza|test") }
    func accessTokenRejected(_ token: AccessToken) async { rejections.withLock { $0 += 1 } }
}

@Suite struct CurlChokepointTests {
    @Test(arguments: [CurlError.couldNotConnect, .peerFailedVerification, .sslCACertBadFile, .operationTimedOut])
    func forcedCurlCodeBecomesDownchannelEndedAndAReconnect(code: CurlError) async throws {
        let fake = FakeCurl { _ in (code.code, 0) }
        let client = try CurlHTTPClient(configuration: .init(caFile: "/etc/hark/ca.pem"), driver: fake.driver)
        let events = await collectEvents(client, HTTPRequest(method: .get, url: "https://avs.test/v20160207/directives"))
        let inputs = events.compactMap(ConnectionStateMachine.Input.downchannel)
        #expect(inputs == [.downchannelEnded(code)])

        var machine = ConnectionStateMachine(jitter: .fixed(0))
        _ = machine.handle(.start)
        let actions = machine.handle(inputs[0])
        #expect(actions.first == .closeConnection)
        #expect(actions.contains(.schedule(.backoff, after: .milliseconds(125))))
        client.shutdown()
        #expect(fake.state.withLock { $0.easyInits == $0.easyCleanups })
    }

    @Test func forcedTimeoutOnAnEventBecomesAFailedOutcome() async throws {
        let fake = FakeCurl { _ in (CurlError.operationTimedOut.code, 0) }
        let client = try CurlHTTPClient(configuration: .init(), driver: fake.driver)
        let events = await collectEvents(
            client, HTTPRequest(method: .post, url: "https://avs.test/v20160207/events", body: RequestBody(bytes: [1])))
        guard case .end(let result) = events.last else {
            Issue.record("no end")
            return
        }
        #expect(RequestOutcome(head: nil, result) == .failed(.operationTimedOut))
        #expect(EventResult.failed(.operationTimedOut).isRetryable)
    }

    @Test func everyTransferIsVerifiedHTTP2AndTheMultiHandleMultiplexes() async throws {
        let fake = FakeCurl { _ in (0, 204) }
        let client = try CurlHTTPClient(configuration: .init(caFile: "/etc/hark/ca.pem"), driver: fake.driver)
        _ = await collectEvents(client, HTTPRequest(method: .get, url: "https://avs.test/v20160207/directives", noProgressTimeout: nil))
        let events = await collectEvents(
            client, HTTPRequest(method: .post, url: "https://avs.test/v20160207/events", body: RequestBody(bytes: [1])))
        #expect(events.count == 2)  // head (204) and end
        _ = await collectEvents(client, HTTPRequest(method: .get, url: "https://avs.test/ping", noProgressTimeout: nil, timeout: .seconds(30)))
        client.shutdown()

        let history = fake.history
        #expect(history.count == 3)
        for handle in history {
            #expect(handle.longs[CURLOPT_SSL_VERIFYPEER.rawValue] == 1)
            #expect(handle.longs[CURLOPT_SSL_VERIFYHOST.rawValue] == 2)
            #expect(handle.longs[CURLOPT_SSLVERSION.rawValue] == CURL_SSLVERSION_TLSv1_2)
            #expect(handle.longs[CURLOPT_HTTP_VERSION.rawValue] == CURL_HTTP_VERSION_2TLS)
            #expect(handle.longs[CURLOPT_PIPEWAIT.rawValue] == 1)
            #expect(handle.strings[CURLOPT_CAINFO.rawValue] == "/etc/hark/ca.pem")
        }
        // The downchannel may idle forever; events time out after 30 s without progress; the
        // ping after 30 s in all.
        #expect(history[0].longs[CURLOPT_NOPROGRESS.rawValue] == nil)
        #expect(history[1].longs[CURLOPT_NOPROGRESS.rawValue] == 0)
        #expect(history[2].longs[CURLOPT_TIMEOUT_MS.rawValue] == 30_000)
        let multi = fake.state.withLock { $0.multiOptions }
        #expect(multi[CURLMOPT_PIPELINING.rawValue] == Int(CURLPIPE_MULTIPLEX))
        #expect(multi[CURLMOPT_MAX_CONCURRENT_STREAMS.rawValue] == 10)
        #expect(multi[CURLMOPT_MAX_HOST_CONNECTIONS.rawValue] == 1)
        #expect(fake.state.withLock { $0.easyInits == $0.easyCleanups && $0.multiCleanups == $0.multiInits })
    }

    @Test func connectionWithUnreachableServerKeepsRetrying() async throws {
        let fake = FakeCurl { _ in (CurlError.couldNotConnect.code, 0) }
        let connection = try CurlAVSConnection(
            configuration: .init(endpoint: "https://avs.test"), tokens: CountingTokens(), context: { [] },
            jitter: .fixed(0), driver: fake.driver)
        connection.start()
        var states: [ConnectionState] = []
        for await update in connection.updates {
            if case .state(let state) = update { states.append(state) }
            if states.count == 6 { break }
        }
        connection.stop()
        #expect(states == [
            .connecting, .waitingToReconnect(failures: 1, retryIn: .milliseconds(125)),
            .connecting, .waitingToReconnect(failures: 2, retryIn: .milliseconds(500)),
            .connecting, .waitingToReconnect(failures: 3, retryIn: .milliseconds(1500)),
        ])
        #expect(fake.state.withLock { $0.multiInits } >= 3)  // a fresh connection per attempt
    }

    @Test func forbiddenDownchannelRejectsTheToken() async throws {
        let fake = FakeCurl { _ in (0, 403) }
        let tokens = CountingTokens()
        let connection = try CurlAVSConnection(
            configuration: .init(endpoint: "https://avs.test"), tokens: tokens, context: { [] },
            jitter: .fixed(0), driver: fake.driver)
        connection.start()
        var failures = 0
        for await update in connection.updates {
            if case .state(.waitingToReconnect) = update { failures += 1 }
            if failures == 2 { break }
        }
        connection.stop()
        #expect(tokens.rejections.withLock { $0 } >= 1)
    }

    @Test func eventWaitingForAConnectionIsCancelledByStop() async throws {
        let fake = FakeCurl { _ in (CurlError.couldNotConnect.code, 0) }
        let connection = try CurlAVSConnection(
            configuration: .init(endpoint: "https://avs.test"), tokens: CountingTokens(), context: { [] },
            jitter: .fixed(0.99), driver: fake.driver)
        connection.start()
        let event = Event(header: MessageHeader(namespace: "System", name: "UserInactivityReport", messageId: "m-1"),
            payload: ["inactiveTimeInSeconds": 3600])
        async let result = connection.send(event)
        try await Task.sleep(for: .milliseconds(100))
        connection.stop()
        #expect(await result == .cancelled)
    }
}
