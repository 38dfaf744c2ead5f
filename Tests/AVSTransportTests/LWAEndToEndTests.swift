import Foundation
import Testing

@testable import AVSTransport
import TestSupport

@Suite(.serialized, .enabled(if: SimulatorProcess.isAvailable, "build hark-sim first: swift build --product hark-sim"))
struct LWAEndToEndTests {
    func client(_ simulator: SimulatorProcess, lowercasePath: Bool = false, secret: String? = nil) throws -> LWAClient {
        try LWAClient(configuration: LWAConfiguration(
            baseURL: simulator.url + (lowercasePath ? "/auth/o2" : "/auth/O2/"), clientID: "hark-sim-client",
            clientSecret: secret, productID: "hark_test", deviceSerialNumber: "0001", caFile: simulator.caFile))
    }

    @Test func refreshGrantCarriesTheClientSecretWhenConfigured() async throws {
        let simulator = try await SimulatorProcess(scenario: """
            [auth]
            client_secret = "companion-secret"
            """)
        let good = await (try client(simulator, secret: "companion-secret")).refresh(RefreshToken("Atzr|hark-sim-refresh"))
        let grant = try good.get()
        #expect(grant.expiresIn == .seconds(3600))
        #expect("\(grant)".contains("redacted"))
        let wrong = await (try client(simulator, secret: "wrong")).refresh(RefreshToken("Atzr|hark-sim-refresh"))
        guard case .failure(.transient(let reason)) = wrong else {
            Issue.record("a wrong secret is not a revoked token: \(wrong)")
            return
        }
        #expect(reason.contains("invalid_client"))
        #expect(!reason.contains("Atzr"))
    }

    @Test func codeBasedLinkingPollsWithSlowDownThenStoresTheRefreshToken() async throws {
        let simulator = try await SimulatorProcess(scenario: """
            [auth]
            access_token = ""
            refresh_token = ""
            poll_interval_s = 5
            pending_polls = 2
            slow_down_polls = [2]
            """)
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = TokenStore(directory: directory)
        let clock = RecordingClock()
        let authorizer = LWAAuthorizer(client: try client(simulator), store: store, clock: clock, jitter: .fixed(0.5))
        await authorizer.start()
        let shown = Locked<[CodePair]>([])
        try await authorizer.link { pair in shown.withLock { $0.append(pair) } }

        let pairs = shown.withLock { $0 }
        #expect(pairs.count == 1)
        #expect(pairs.first?.interval == .seconds(5))
        #expect(!(pairs.first?.userCode.isEmpty ?? true))
        // Poll 1 after 5 s (pending), poll 2 after 5 s (slow_down), then every 10 s.
        // (Leaving out the authorizer's refresh timer, 10 minutes before expiry, on the same clock.)
        let sleeps = clock.sleeps.filter { $0 <= .seconds(60) }
        #expect(Array(sleeps.prefix(3)) == [.seconds(5), .seconds(5), .seconds(10)])
        #expect(sleeps.dropFirst(2).allSatisfy { $0 == .seconds(10) })
        #expect(try store.load() != nil)
        #expect(await simulator.counter("code_pair_links") == 1)
        let token = try await authorizer.accessToken()
        #expect("\(token)" == "AccessToken(redacted)")
        await authorizer.stop()
    }

    @Test func refreshGrantThenRevokedRefreshTokenUnlinks() async throws {
        let simulator = try await SimulatorProcess()
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = TokenStore(directory: directory)
        try store.save(RefreshToken("Atzr|hark-sim-refresh"))
        let authorizer = LWAAuthorizer(client: try client(simulator, lowercasePath: true), store: store, jitter: .fixed(0.5))
        let states = Locked<[AuthorizationState]>([])
        let stream = authorizer.states
        let watcher = Task { for await state in stream { states.withLock { $0.append(state) } } }
        defer { watcher.cancel() }
        await authorizer.start()
        let first = try await authorizer.accessToken()
        #expect(await simulator.counter("token_refreshes") == 1)

        #expect(await simulator.post("/sim/revoke-refresh") == 204)
        await authorizer.accessTokenRejected(first)
        let deadline = ContinuousClock.now + .seconds(10)
        while !states.withLock({ $0.contains(.unlinked) }), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(states.withLock { $0 } == [.refreshing, .authorized, .refreshing, .unlinked])
        #expect(try store.load() == nil)
        await authorizer.stop()
    }
}
