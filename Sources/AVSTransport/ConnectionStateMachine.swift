import Curl

/// The AVS connection lifecycle as a value: inputs in, actions out (AVS.md "Connection
/// lifecycle"; avs-device-sdk `HTTP2Transport.cpp`).
///
/// Downchannel first; once it answers 200, `System.SynchronizeState`; only its 2xx makes the
/// connection "connected". A ping after 5 idle minutes, answered within 30 s. Any failure
/// closes the connection and retries after the backoff table's delay, forever. A 403 from any
/// request also invalidates the access token. Time is never read here: timers are actions,
/// and their firing is an input.
public struct ConnectionStateMachine: Sendable {
    public enum Timer: Hashable, Sendable {
        /// Waiting before the next connection attempt.
        case backoff
        /// Five minutes without a request: time to ping.
        case ping
        /// A ping got no answer in time.
        case pingTimeout
        /// The downchannel request got no answer in time.
        case downchannelTimeout
    }

    public enum Input: Sendable, Hashable {
        case start
        case stop
        /// The downchannel request went out (an access token was at hand): it must answer
        /// within `downchannelResponseTimeout`.
        case downchannelRequested
        /// The downchannel answered with this status (its response head).
        case downchannelResponded(status: Int)
        /// The downchannel stream ended, cleanly (`nil`) or with a transfer error.
        case downchannelEnded(CurlError?)
        /// `System.SynchronizeState` finished.
        case synchronizeStateFinished(RequestOutcome)
        /// An event (or Recognize) request was started: activity that postpones the ping.
        case requestSent
        /// An event finished; only a 403 matters to the connection.
        case eventFinished(RequestOutcome)
        /// `GET /ping` finished.
        case pingFinished(RequestOutcome)
        case timerFired(Timer)
        /// The cloud moved this device (`SetGateway` / `SetEndpoint`): reconnect there now.
        case endpointChanged
    }

    public enum Action: Sendable, Hashable {
        /// Open a new connection with `GET /v20160207/directives` (with a current access token).
        case openDownchannel
        /// Send `System.SynchronizeState` with the full context.
        case sendSynchronizeState
        /// Send `GET /ping`.
        case sendPing
        /// End every stream and close the connection.
        case closeConnection
        /// The server rejected the access token (403): refresh it before the next request.
        case invalidateAccessToken
        /// Send the events that waited for the connection.
        case flushPendingEvents
        case schedule(Timer, after: Duration)
        case cancel(Timer)
        case stateChanged(ConnectionState)
    }

    enum State: Sendable, Hashable {
        case stopped
        /// Downchannel requested; `failures` attempts in a row failed before this one.
        case openingDownchannel(failures: Int)
        case synchronizing(failures: Int)
        case connected(pingOutstanding: Bool)
        case backingOff(failures: Int, delay: Duration)
    }

    private(set) var state = State.stopped
    private let backoff = ReconnectBackoff()
    private let jitter: Jitter
    public let timings: ConnectionTimings

    public init(jitter: Jitter = .system, timings: ConnectionTimings = .avs) {
        self.jitter = jitter
        self.timings = timings
    }

    /// The state as reported to the outside.
    public var connectionState: ConnectionState {
        switch state {
        case .stopped: .stopped
        case .openingDownchannel, .synchronizing: .connecting
        case .connected: .connected
        case .backingOff(let failures, let delay): .waitingToReconnect(failures: failures, retryIn: delay)
        }
    }

    /// Whether events can be sent now.
    public var isConnected: Bool {
        if case .connected = state { true } else { false }
    }

    public mutating func handle(_ input: Input) -> [Action] {
        switch (state, input) {
        // Starting: the downchannel comes first, nothing else is sent before it answers.
        case (.stopped, .start):
            state = .openingDownchannel(failures: 0)
            return [.stateChanged(.connecting), .openDownchannel]

        // Already running: a second start changes nothing.
        case (_, .start):
            return []

        // Stopping from anywhere: close everything, forget every timer.
        case (.stopped, .stop):
            return []
        case (_, .stop):
            state = .stopped
            return [
                .closeConnection, .cancel(.backoff), .cancel(.ping), .cancel(.pingTimeout), .cancel(.downchannelTimeout),
                .stateChanged(.stopped),
            ]

        // The request is out (the wait for a token is not counted): start the answer clock.
        case (.openingDownchannel, .downchannelRequested):
            return [.schedule(.downchannelTimeout, after: timings.downchannelResponseTimeout)]
        case (_, .downchannelRequested):
            return []

        // No answer in time: give up on this connection.
        case (.openingDownchannel(let failures), .timerFired(.downchannelTimeout)):
            return fail(after: failures, tokenRejected: false)

        // The downchannel answered 200: the connection counts; synchronize state on it.
        case (.openingDownchannel(let failures), .downchannelResponded(200)):
            state = .synchronizing(failures: failures)
            return [.cancel(.downchannelTimeout), .sendSynchronizeState]

        // The downchannel refused us: 403 refreshes the token; every refusal reconnects later.
        case (.openingDownchannel(let failures), .downchannelResponded(let status)):
            return fail(after: failures, tokenRejected: status == 403)

        // A late head on a downchannel we already accepted: nothing new.
        case (_, .downchannelResponded):
            return []

        // The downchannel ended: before or after connecting, the server dropped us.
        case (.openingDownchannel(let failures), .downchannelEnded),
            (.synchronizing(let failures), .downchannelEnded):
            return fail(after: failures, tokenRejected: false)
        case (.connected, .downchannelEnded):
            return fail(after: 0, tokenRejected: false)

        // SynchronizeState accepted: connected. The failure count starts over.
        case (.synchronizing, .synchronizeStateFinished(let outcome)) where outcome.isSuccess:
            state = .connected(pingOutstanding: false)
            return [.stateChanged(.connected), .flushPendingEvents, .schedule(.ping, after: timings.pingInterval)]

        // SynchronizeState refused or failed: reconnect (a 403 refreshes the token first).
        case (.synchronizing(let failures), .synchronizeStateFinished(let outcome)):
            return fail(after: failures, tokenRejected: outcome == .status(403))

        // Activity postpones the ping by another five minutes.
        case (.connected, .requestSent):
            return [.schedule(.ping, after: timings.pingInterval)]

        // A 403 on any event means the token is no longer valid: refresh and reconnect.
        case (.connected, .eventFinished(.status(403))):
            return fail(after: 0, tokenRejected: true)

        // Other event outcomes are the caller's business.
        case (_, .eventFinished), (_, .requestSent):
            return []

        // Five idle minutes: ping, and give it 30 s.
        case (.connected(pingOutstanding: false), .timerFired(.ping)):
            state = .connected(pingOutstanding: true)
            return [.sendPing, .schedule(.pingTimeout, after: timings.pingTimeout)]

        // The ping answered 2xx (204): alive; the next ping after another idle period.
        case (.connected(pingOutstanding: true), .pingFinished(let outcome)) where outcome.isSuccess:
            state = .connected(pingOutstanding: false)
            return [.cancel(.pingTimeout), .schedule(.ping, after: timings.pingInterval)]

        // Any other ping answer (403 included, which also refreshes the token): reconnect.
        case (.connected(pingOutstanding: true), .pingFinished(let outcome)):
            return fail(after: 0, tokenRejected: outcome == .status(403))

        // No answer to the ping within 30 s: the connection is dead.
        case (.connected(pingOutstanding: true), .timerFired(.pingTimeout)):
            return fail(after: 0, tokenRejected: false)

        // The backoff delay is over: try again.
        case (.backingOff(let failures, _), .timerFired(.backoff)):
            state = .openingDownchannel(failures: failures)
            return [.stateChanged(.connecting), .openDownchannel]

        // Moved to another endpoint: reconnect there at once.
        case (.stopped, .endpointChanged):
            return []
        case (_, .endpointChanged):
            state = .openingDownchannel(failures: 0)
            return [
                .closeConnection, .cancel(.backoff), .cancel(.ping), .cancel(.pingTimeout), .cancel(.downchannelTimeout),
                .stateChanged(.connecting), .openDownchannel,
            ]

        // Stale inputs (a timer or answer from a connection already given up) are ignored.
        case (_, .timerFired), (_, .pingFinished), (_, .synchronizeStateFinished), (_, .downchannelEnded):
            return []
        }
    }

    /// Closes the connection and schedules the next attempt; `previousFailures` attempts had
    /// failed in a row before this one.
    private mutating func fail(after previousFailures: Int, tokenRejected: Bool) -> [Action] {
        let failures = previousFailures + 1
        let delay = backoff.delay(afterFailures: failures, unitRandom: jitter.unitRandom())
        state = .backingOff(failures: failures, delay: delay)
        var actions: [Action] = [.closeConnection]
        if tokenRejected { actions.append(.invalidateAccessToken) }
        actions += [
            .cancel(.ping), .cancel(.pingTimeout), .cancel(.downchannelTimeout), .schedule(.backoff, after: delay),
            .stateChanged(.waitingToReconnect(failures: failures, retryIn: delay)),
        ]
        return actions
    }
}
