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
