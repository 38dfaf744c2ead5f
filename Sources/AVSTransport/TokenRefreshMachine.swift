/// The access token's life as a value (AVS.md "Login with Amazon"; avs-device-sdk
/// `CBLAuthDelegate.cpp`): refresh when started with a stored refresh token, again 10 minutes
/// before `expires_in` runs out, at once when AVS rejects the token (403); retry failures
/// after 0, 1, 2, 4, 10, 30, 60 s (then 60 s forever), each ±50 %; `invalid_grant` means the
/// token was revoked, so the device is unlinked until someone runs `hark login` again.
public struct TokenRefreshMachine: Sendable {
    public enum Timer: Hashable, Sendable {
        /// Ten minutes before the access token expires.
        case refresh
        /// Retry a failed refresh.
        case retry
    }

    public enum RefreshFailure: Error, Sendable, Hashable {
        /// LWA answered `invalid_grant`: the refresh token is revoked or unknown.
        case invalidGrant
        /// Anything else (network, 5xx, malformed answer): worth retrying.
        case transient(String)
    }

    public enum Input: Sendable, Hashable {
        /// Start with or without a stored refresh token.
        case start(hasRefreshToken: Bool)
        case stop
        /// A refresh grant (or code-based linking) produced an access token valid this long.
        case refreshSucceeded(expiresIn: Duration)
        case refreshFailed(RefreshFailure)
        /// Code-based linking finished with a fresh token pair valid this long.
        case linked(expiresIn: Duration)
        /// AVS answered 403: the access token is no longer good.
        case accessTokenRejected
        case timerFired(Timer)
    }

    public enum Action: Sendable, Hashable {
        /// POST `grant_type=refresh_token`.
        case requestRefresh
        /// Stop handing out the current access token.
        case discardAccessToken
        /// Delete the stored refresh token and report that `hark login` is needed.
        case forgetRefreshToken
        case schedule(Timer, after: Duration)
        case cancel(Timer)
        case stateChanged(AuthorizationState)
    }

    enum State: Sendable, Hashable {
        case stopped
        case unlinked
        /// A refresh request is out; `failures` in a row before it.
        case refreshing(failures: Int)
        case waitingToRetry(failures: Int)
        case authorized
    }

    /// Refresh this long before the access token expires.
    public static let refreshMargin: Duration = .seconds(600)
    /// Retry delays before jitter; the last repeats forever.
    public static let retryTable: [Duration] = [.zero, .seconds(1), .seconds(2), .seconds(4), .seconds(10), .seconds(30), .seconds(60)]

    private(set) var state = State.stopped
    private let jitter: Jitter

    public init(jitter: Jitter = .system) {
        self.jitter = jitter
    }

    /// When to refresh a token valid for `expiresIn`: 10 minutes early, or halfway through
    /// when it lives shorter than that.
    public static func refreshDelay(expiresIn: Duration) -> Duration {
        expiresIn > refreshMargin * 2 ? expiresIn - refreshMargin : expiresIn / 2
    }

    /// The delay before retry number `failures` (1 for the first), ±50 %.
    public static func retryDelay(afterFailures failures: Int, unitRandom: Double) -> Duration {
        let base = retryTable[min(max(failures, 1), retryTable.count) - 1]
        return base * (0.5 + min(max(unitRandom, 0), 1))
    }

    public mutating func handle(_ input: Input) -> [Action] {
        switch (state, input) {
        // Starting with a stored refresh token: get an access token now.
        case (.stopped, .start(hasRefreshToken: true)):
            state = .refreshing(failures: 0)
            return [.stateChanged(.refreshing), .requestRefresh]

        // Starting without one: nothing to do until the device is linked.
        case (.stopped, .start(hasRefreshToken: false)):
            state = .unlinked
            return [.stateChanged(.unlinked)]

        case (_, .start):
            return []

        // Stopping: forget the timers.
        case (.stopped, .stop):
            return []
        case (_, .stop):
            state = .stopped
            return [.cancel(.refresh), .cancel(.retry)]

        // A token: use it, and refresh it 10 minutes before it runs out.
        case (.refreshing, .refreshSucceeded(let expiresIn)), (_, .linked(let expiresIn)):
            state = .authorized
            return [
                .cancel(.retry), .schedule(.refresh, after: Self.refreshDelay(expiresIn: expiresIn)),
                .stateChanged(.authorized),
            ]

        // Revoked: only a new login helps; never retry in a loop.
        case (.refreshing, .refreshFailed(.invalidGrant)):
            state = .unlinked
            return [.discardAccessToken, .forgetRefreshToken, .stateChanged(.unlinked)]

        // Any other failure: retry along the table.
        case (.refreshing(let failures), .refreshFailed(.transient)):
            let delay = Self.retryDelay(afterFailures: failures + 1, unitRandom: jitter.unitRandom())
            state = .waitingToRetry(failures: failures + 1)
            return [.schedule(.retry, after: delay), .stateChanged(.retrying(failures: failures + 1, retryIn: delay))]

        // Answers nobody waits for any more (after stop or unlinking).
        case (_, .refreshSucceeded), (_, .refreshFailed):
            return []

        case (.waitingToRetry(let failures), .timerFired(.retry)):
            state = .refreshing(failures: failures)
            return [.stateChanged(.refreshing), .requestRefresh]

        // Ten minutes before expiry: refresh while the current token still works.
        case (.authorized, .timerFired(.refresh)):
            state = .refreshing(failures: 0)
            return [.requestRefresh]

        // AVS rejected the token: drop it and refresh now.
        case (.authorized, .accessTokenRejected):
            state = .refreshing(failures: 0)
            return [.cancel(.refresh), .discardAccessToken, .stateChanged(.refreshing), .requestRefresh]

        // Rejected while a refresh is already under way or scheduled: just stop using it; a
        // retry waiting out its delay starts now.
        case (.refreshing, .accessTokenRejected):
            return [.discardAccessToken]
        case (.waitingToRetry(let failures), .accessTokenRejected):
            state = .refreshing(failures: failures)
            return [.cancel(.retry), .discardAccessToken, .stateChanged(.refreshing), .requestRefresh]

        case (_, .accessTokenRejected), (_, .timerFired):
            return []
        }
    }
}

/// What the authorization layer reports.
public enum AuthorizationState: Sendable, Hashable {
    /// No refresh token: run `hark login` (code-based linking).
    case unlinked
    /// Getting an access token.
    case refreshing
    /// The last refresh failed; retrying.
    case retrying(failures: Int, retryIn: Duration)
    /// An access token is available.
    case authorized
}
