import Logging
import Synchronization

/// The systemd notify protocol for `Type=notify` units: `READY=1` once the services are up,
/// `STATUS=<appliance status>` on every change, `WATCHDOG=1` from the watchdog service, and
/// `STOPPING=1` on shutdown. Without `$NOTIFY_SOCKET` (not started by systemd) every call is
/// a no-op.
public final class SystemdNotifier: Sendable {
    private let socket: NotifySocket?
    private let logger: Logger
    /// The watchdog period systemd expects pings within (`$WATCHDOG_USEC`), when it set one
    /// for this process (`$WATCHDOG_PID`, if present, is our pid).
    public let watchdogPeriod: Duration?
    private let lastFailure = Mutex<Int32?>(nil)

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from `environment`.
    public init(environment: [String: String], processID: Int32, logger: Logger) {
        self.logger = logger
        if let address = environment["NOTIFY_SOCKET"] {
            do {
                socket = try NotifySocket(address: address)
            } catch {
                logger.warning("systemd notifications are off: \(error)")
                socket = nil
            }
        } else {
            socket = nil
        }
        let forUs = environment["WATCHDOG_PID"].map { Int32($0) == processID } ?? true
        if forUs, let text = environment["WATCHDOG_USEC"], let microseconds = Int64(text), microseconds > 0 {
            watchdogPeriod = .microseconds(microseconds)
        } else {
            watchdogPeriod = nil
        }
    }

    public init(socket: NotifySocket?, watchdogPeriod: Duration?, logger: Logger) {
        self.socket = socket
        self.watchdogPeriod = watchdogPeriod
        self.logger = logger
    }

    public var isEnabled: Bool { socket != nil }

    public func ready() { send("READY=1") }
    public func status(_ status: ApplianceStatus) { send("STATUS=\(status.rawValue)") }
    public func watchdog() { send("WATCHDOG=1") }
    public func stopping() { send("STOPPING=1") }

    /// Sends one message; a failure is logged once until a send succeeds again.
    public func send(_ message: String) {
        guard let socket else { return }
        let failure = socket.send(message)
        let previous = lastFailure.withLock { last in
            defer { last = failure }
            return last
        }
        if let failure, previous == nil {
            logger.warning("cannot notify systemd: \(errnoText(failure)); is NOTIFY_SOCKET still valid?")
        }
    }
}
