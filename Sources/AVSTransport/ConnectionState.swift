import Curl

/// What the transport reports about its connection to AVS.
public enum ConnectionState: Sendable, Hashable {
    /// Not started, or stopped.
    case stopped
    /// Opening the downchannel or synchronizing state; not yet usable.
    case connecting
    /// The downchannel is open and `System.SynchronizeState` was accepted: events flow.
    case connected
    /// The last attempt failed (`failures` in a row); the next one starts after `retryIn`.
    case waitingToReconnect(failures: Int, retryIn: Duration)
}

/// How an HTTP request to AVS ended, as the connection state machine needs it.
public enum RequestOutcome: Sendable, Hashable {
    /// A response arrived with this status.
    case status(Int)
    /// No response: the transfer failed (`CURLE_*`), timed out or was cancelled.
    case failed(CurlError)

    /// Whether this is a 2xx answer.
    public var isSuccess: Bool {
        if case .status(let status) = self { (200..<300).contains(status) } else { false }
    }
}

/// The lifecycle's durations (AVS.md); tests shorten them, the firmware keeps the defaults.
public struct ConnectionTimings: Sendable, Hashable {
    /// Idle time without any request before `GET /ping` (5 minutes).
    public var pingInterval: Duration
    /// A ping not answered within this means the connection is dead (30 s).
    public var pingTimeout: Duration
    /// The downchannel must answer (its response head) within this once requested (10 s).
    public var downchannelResponseTimeout: Duration
    /// An event or Recognize with no byte moving either way for this long is cancelled (30 s).
    public var eventNoProgressTimeout: Duration
    /// Events waiting for a connection longer than this are dropped unless they must be
    /// delivered (15 s).
    public var pendingEventLimit: Duration

    public init(
        pingInterval: Duration = .seconds(300), pingTimeout: Duration = .seconds(30),
        downchannelResponseTimeout: Duration = .seconds(10), eventNoProgressTimeout: Duration = .seconds(30), pendingEventLimit: Duration = .seconds(15)
    ) {
        self.pingInterval = pingInterval
        self.pingTimeout = pingTimeout
        self.downchannelResponseTimeout = downchannelResponseTimeout
        self.eventNoProgressTimeout = eventNoProgressTimeout
        self.pendingEventLimit = pendingEventLimit
    }

    /// The values AVS.md prescribes.
    public static let avs = ConnectionTimings()
}
