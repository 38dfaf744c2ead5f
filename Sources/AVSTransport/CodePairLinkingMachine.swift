/// What `create/codepair` returns: the code the user types at `verificationURI`, and what the
/// device polls `token` with.
public struct CodePair: Sendable, Hashable {
    public var userCode: String
    public var deviceCode: String
    public var verificationURI: String
    /// `expires_in`: after this the pair is useless and a new one is needed.
    public var expiresIn: Duration
    /// `interval`: how often to poll (5 s typically).
    public var interval: Duration

    public init(userCode: String, deviceCode: String, verificationURI: String, expiresIn: Duration, interval: Duration) {
        self.userCode = userCode
        self.deviceCode = deviceCode
        self.verificationURI = verificationURI
        self.expiresIn = expiresIn
        self.interval = interval
    }
}

/// How one poll of `token` with `grant_type=device_code` ended.
public enum CodePairPollResult: Sendable, Hashable {
    case granted(TokenGrant)
    /// `authorization_pending`: the user has not entered the code yet.
    case pending
    /// `slow_down`: poll half as often.
    case slowDown
    /// `invalid_code_pair` or `expired_token`: start over with a new pair.
    case invalidCodePair
    /// Network failure or an unexpected answer: keep polling.
    case failed(String)
}

/// Code-based linking as a value (AVS.md "Login with Amazon"): get a code pair, show it, poll
/// `token` every `interval` (doubled on `slow_down`, at most 60 s) until the user approves;
/// an invalid or expired pair starts over with a new one. Linking gives up `giveUpAfter` the
/// start (LWA unreachable all along, or nobody entered the code), so `hark login` ends with a
/// message instead of retrying forever.
public struct CodePairLinkingMachine: Sendable {
    public enum Timer: Hashable, Sendable {
        case poll
        /// The pair's `expires_in` ran out.
        case expiry
        /// Retry a failed `create/codepair`.
        case retry
        /// Linking took too long: give up.
        case giveUp
    }

    /// Why linking gave up.
    public enum Failure: Sendable, Hashable {
        /// No code pair could be had before the deadline; the last error seen.
        case unreachable(lastError: String)
        /// A code was shown but not approved before the deadline.
        case notApproved
    }

    public enum Input: Sendable, Hashable {
        case start
        case stop
        case codePairReceived(CodePair)
        case codePairFailed(String)
        case polled(CodePairPollResult)
        case timerFired(Timer)
    }

    public enum Action: Sendable, Hashable {
        case requestCodePair
        case pollToken(CodePair)
        /// Tell the user where to go and what to type.
        case showCode(CodePair)
        /// Linked: store the refresh token and use the access token.
        case linked(TokenGrant)
        case schedule(Timer, after: Duration)
        case cancel(Timer)
        /// Linking is over without a link.
        case failed(Failure)
    }

    enum State: Sendable, Hashable {
        case idle
        case requestingCodePair(failures: Int)
        case waitingToRetry(failures: Int)
        /// `polling` says whether a poll request is out.
        case polling(CodePair, interval: Duration, requestOut: Bool)
        case linked
        case failed
    }

    /// `slow_down` doubles the interval up to this.
    public static let maximumInterval: Duration = .seconds(60)

    /// Ten minutes: what LWA gives a code pair (`expires_in` 600 s).
    public static let defaultGiveUpAfter: Duration = .seconds(600)

    private(set) var state = State.idle
    /// The last failed `create/codepair`, for the message when linking gives up.
    private var lastFailure = "no answer yet"
    private let jitter: Jitter
    private let giveUpAfter: Duration

    public init(jitter: Jitter = .system, giveUpAfter: Duration = Self.defaultGiveUpAfter) {
        self.jitter = jitter
        self.giveUpAfter = giveUpAfter
    }

    public mutating func handle(_ input: Input) -> [Action] {
        switch (state, input) {
        // Linking starts with a code pair, and with the clock that ends it.
        case (.idle, .start), (.linked, .start), (.failed, .start):
            state = .requestingCodePair(failures: 0)
            return [.schedule(.giveUp, after: giveUpAfter), .requestCodePair]
        case (_, .start):
            return []

        case (_, .stop):
            state = .idle
            return [.cancel(.poll), .cancel(.expiry), .cancel(.retry), .cancel(.giveUp)]

        // A pair: show it, poll after one interval, and give up on it when it expires.
        case (.requestingCodePair, .codePairReceived(let pair)):
            state = .polling(pair, interval: pair.interval, requestOut: false)
            return [.showCode(pair), .schedule(.poll, after: pair.interval), .schedule(.expiry, after: pair.expiresIn)]

        // No pair (network, LWA down): retry along the token retry table.
        case (.requestingCodePair(let failures), .codePairFailed(let reason)):
            lastFailure = reason
            let delay = TokenRefreshMachine.retryDelay(afterFailures: failures + 1, unitRandom: jitter.unitRandom())
            state = .waitingToRetry(failures: failures + 1)
            return [.schedule(.retry, after: delay)]

        case (.waitingToRetry(let failures), .timerFired(.retry)):
            state = .requestingCodePair(failures: failures)
            return [.requestCodePair]

        // Time to poll.
        case (.polling(let pair, let interval, requestOut: false), .timerFired(.poll)):
            state = .polling(pair, interval: interval, requestOut: true)
            return [.pollToken(pair)]

        // The user approved: linked.
        case (.polling, .polled(.granted(let grant))):
            state = .linked
            return [.cancel(.poll), .cancel(.expiry), .cancel(.giveUp), .linked(grant)]

        // Not yet (or a failed poll): ask again after the interval.
        case (.polling(let pair, let interval, _), .polled(.pending)),
            (.polling(let pair, let interval, _), .polled(.failed)):
            state = .polling(pair, interval: interval, requestOut: false)
            return [.schedule(.poll, after: interval)]

        // Too often: double the interval, at most 60 s.
        case (.polling(let pair, let interval, _), .polled(.slowDown)):
            let slower = min(interval * 2, Self.maximumInterval)
            state = .polling(pair, interval: slower, requestOut: false)
            return [.schedule(.poll, after: slower)]

        // The pair is no good any more: start over with a new one.
        case (.polling, .polled(.invalidCodePair)), (.polling, .timerFired(.expiry)):
            state = .requestingCodePair(failures: 0)
            return [.cancel(.poll), .cancel(.expiry), .requestCodePair]

        // Out of time without a code pair: LWA was not reachable (or not answering right).
        case (.requestingCodePair, .timerFired(.giveUp)), (.waitingToRetry, .timerFired(.giveUp)):
            state = .failed
            return [.cancel(.retry), .failed(.unreachable(lastError: lastFailure))]

        // Out of time with a code shown: nobody approved it.
        case (.polling, .timerFired(.giveUp)):
            state = .failed
            return [.cancel(.poll), .cancel(.expiry), .failed(.notApproved)]

        // Stale answers and timers.
        case (_, .codePairReceived), (_, .codePairFailed), (_, .polled), (_, .timerFired):
            return []
        }
    }
}
