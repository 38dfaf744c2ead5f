import Curl
import Logging

/// Access tokens from Login with Amazon for the transport: refreshes with the stored refresh
/// token on the `TokenRefreshMachine`'s schedule, links a new device by code-based linking,
/// and keeps the access token in memory only.
public actor LWAAuthorizer: AccessTokenProvider {
    private let client: LWAClient
    private let store: TokenStore
    private let clock: any Clock<Duration>
    private let jitter: Jitter
    private let logger: Logger

    private var machine: TokenRefreshMachine
    private var refreshToken: RefreshToken?
    private var currentAccessToken: AccessToken?
    private var timers: ClockTimers<TokenRefreshMachine.Timer>
    private var waiters: [Int: CheckedContinuation<AccessToken, any Error>] = [:]
    private var nextWaiter = 0
    private let statesContinuation: AsyncStream<AuthorizationState>.Continuation

    /// Authorization state changes (`unlinked` means: run `hark login`).
    public nonisolated let states: AsyncStream<AuthorizationState>

    public init(
        client: LWAClient, store: TokenStore, clock: any Clock<Duration> = ContinuousClock(), jitter: Jitter = .system,
        logger: Logger = Logger(label: "hark.lwa")
    ) {
        self.client = client
        self.store = store
        self.clock = clock
        timers = ClockTimers(clock: clock)
        self.jitter = jitter
        self.logger = logger
        machine = TokenRefreshMachine(jitter: jitter)
        (states, statesContinuation) = AsyncStream.makeStream(of: AuthorizationState.self)
    }

    /// Loads the stored refresh token and gets a first access token.
    public func start() {
        do {
            refreshToken = try store.load()
        } catch {
            logger.error("cannot read the refresh token: \(error)")
        }
        perform(machine.handle(.start(hasRefreshToken: refreshToken != nil)))
    }

    public func stop() {
        perform(machine.handle(.stop))
        for waiter in waiters.values { waiter.resume(throwing: CancellationError()) }
        waiters.removeAll()
    }

    public func accessToken() async throws -> AccessToken {
        if let currentAccessToken { return currentAccessToken }
        let id = nextWaiter
        nextWaiter += 1
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if Task.isCancelled {
                    continuation.resume(throwing: CancellationError())
                } else {
                    waiters[id] = continuation
                }
            }
        } onCancel: {
            Task { await self.cancelWaiter(id) }
        }
    }

    public func accessTokenRejected(_ token: AccessToken) {
        // Only the token in use matters: a 403 for one already replaced says nothing new.
        guard token == currentAccessToken || currentAccessToken == nil else { return }
        logger.notice("AVS rejected the access token; refreshing")
        perform(machine.handle(.accessTokenRejected))
    }

    /// Code-based linking: asks for a code pair, hands it to `showCode` (print the URL and
    /// code), polls until the user approves, then stores the refresh token. Runs until linked,
    /// cancelled, or `giveUpAfter` has passed (then throws `CodePairLinkingError`, which names
    /// the LWA URL and the fix).
    public func link(giveUpAfter: Duration = CodePairLinkingMachine.defaultGiveUpAfter,
                     showCode: @escaping @Sendable (CodePair) -> Void) async throws {
        var linking = CodePairLinkingMachine(jitter: jitter, giveUpAfter: giveUpAfter)
        var deadlines: [CodePairLinkingMachine.Timer: Duration] = [:]
        var now = Duration.zero
        var inputs: [CodePairLinkingMachine.Input] = [.start]
        while true {
            try Task.checkCancellation()
            if inputs.isEmpty {
                // Nothing to do until the earliest timer: sleep until then.
                guard let (timer, deadline) = deadlines.min(by: { $0.value < $1.value }) else { return }
                try await clock.sleep(for: deadline - now)
                now = deadline
                deadlines[timer] = nil
                inputs.append(.timerFired(timer))
            }
            for action in linking.handle(inputs.removeFirst()) {
                switch action {
                case .requestCodePair:
                    switch await client.requestCodePair() {
                    case .success(let pair): inputs.append(.codePairReceived(pair))
                    case .failure(let error):
                        logger.warning("\(error)")
                        inputs.append(.codePairFailed(error.description))
                    }
                case .pollToken(let pair):
                    inputs.append(.polled(await client.pollToken(pair)))
                case .showCode(let pair):
                    showCode(pair)
                case .linked(let grant):
                    linked(grant)
                    return
                case .schedule(let timer, let delay):
                    deadlines[timer] = now + delay
                case .cancel(let timer):
                    deadlines[timer] = nil
                case .failed(let failure):
                    throw CodePairLinkingError(failure: failure, lwaURL: client.configuration.baseURL, after: giveUpAfter)
                }
            }
        }
    }

    private func linked(_ grant: TokenGrant) {
        if let token = grant.refreshToken { keep(token) }
        currentAccessToken = grant.accessToken
        logger.info("device linked")
        perform(machine.handle(.linked(expiresIn: grant.expiresIn)))
        resumeWaiters()
    }

    private func keep(_ token: RefreshToken) {
        guard token != refreshToken else { return }
        refreshToken = token
        do {
            try store.save(token)
        } catch {
            logger.error("cannot store the refresh token: \(error)")
        }
    }

    private func cancelWaiter(_ id: Int) {
        waiters.removeValue(forKey: id)?.resume(throwing: CancellationError())
    }

    private func resumeWaiters() {
        guard let token = currentAccessToken else { return }
        let ready = waiters.values
        waiters.removeAll()
        for waiter in ready { waiter.resume(returning: token) }
    }

    private func refreshFinished(_ result: Result<TokenGrant, TokenRefreshMachine.RefreshFailure>) {
        switch result {
        case .success(let grant):
            if let token = grant.refreshToken { keep(token) }
            currentAccessToken = grant.accessToken
            perform(machine.handle(.refreshSucceeded(expiresIn: grant.expiresIn)))
            resumeWaiters()
        case .failure(let failure):
            if case .transient(let reason) = failure { logger.warning("token refresh failed: \(reason)") }
            perform(machine.handle(.refreshFailed(failure)))
        }
    }

    private func perform(_ actions: [TokenRefreshMachine.Action]) {
        for action in actions {
            switch action {
            case .requestRefresh:
                guard let token = refreshToken else { continue }
                let client = self.client
                Task {
                    let result = await client.refresh(token)
                    self.refreshFinished(result)
                }
            case .discardAccessToken:
                currentAccessToken = nil
            case .forgetRefreshToken:
                logger.error("the refresh token was revoked (invalid_grant): run `hark login` to link this device again")
                refreshToken = nil
                do { try store.delete() } catch { logger.error("cannot remove the refresh token: \(error)") }
            case .schedule(let timer, let delay):
                timers.schedule(timer, after: delay) { timer, _ in
                    Task { await self.timerFired(timer) }
                }
            case .cancel(let timer):
                timers.cancel(timer)
            case .stateChanged(let state):
                statesContinuation.yield(state)
            }
        }
    }

    private func timerFired(_ timer: TokenRefreshMachine.Timer) {
        perform(machine.handle(.timerFired(timer)))
    }
}

/// An access token that never changes, for tests and for profiles managed elsewhere.
public struct FixedAccessToken: AccessTokenProvider {
    public let token: AccessToken

    public init(_ token: AccessToken) {
        self.token = token
    }

    public func accessToken() async throws -> AccessToken { token }
    public func accessTokenRejected(_ token: AccessToken) async {}
}
