import AVS
import DedicatedThread
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The control socket: a Unix stream socket (`control.socket`, mode 0660) taking one JSON
/// command per line and answering one JSON line each; `events` subscribes the connection to
/// the status fan-out.
///
/// One dedicated thread runs a `poll(2)` loop over the listening socket, a wake-up pipe and
/// every client, all non-blocking. Nothing here ever waits for a client: the session's side
/// (the hub subscriber) only appends to a bounded mailbox and writes one byte to the pipe; a
/// subscriber that does not read loses events (counted, and told how many when it catches up);
/// a client that sends without reading its replies is simply not read until its replies drain.
public final class ControlServer: Sendable {
    /// What the commands do; each must return at once (trigger, or hand off to a task).
    public struct Handler: Sendable {
        public var trigger: @Sendable (SessionService.Trigger) -> Void
        public var setVolume: @Sendable (Int) -> Void
        public var setMuted: @Sendable (Bool) -> Void
        /// The fields of the `status` reply (besides `ok`).
        public var status: @Sendable () -> [String: JSONValue]

        public init(trigger: @escaping @Sendable (SessionService.Trigger) -> Void,
                    setVolume: @escaping @Sendable (Int) -> Void, setMuted: @escaping @Sendable (Bool) -> Void,
                    status: @escaping @Sendable () -> [String: JSONValue]) {
            self.trigger = trigger
            self.setVolume = setVolume
            self.setMuted = setMuted
            self.status = status
        }
    }

    /// Limits that keep one client from costing the appliance more than a little memory.
    public struct Limits: Sendable {
        /// Bytes of unsent replies and events per client before events are dropped.
        public var clientOutputBytes = 64 * 1024
        /// Events waiting for the loop thread before the oldest are dropped.
        public var mailboxEvents = 4096
        /// Connections served at once; more are told so and closed.
        public var clients = 16

        public init() {}
    }

    /// Counters for tests and `status`.
    public struct Statistics: Sendable, Hashable {
        public var accepted = 0
        public var refused = 0
        public var droppedEvents = 0
        public var malformedLines = 0
    }

    public let path: String
    let hub: StatusHub
    let handler: Handler
    let logger: Logger
    let calls: SocketCalls
    let limits: Limits
    let shared: Mutex<SharedState>
    private let thread = Mutex<DedicatedThread?>(nil)
    private let subscription = Mutex<StatusHub.Subscription?>(nil)

    /// What the hub subscriber and the loop thread share.
    struct SharedState {
        var mailbox: [[UInt8]] = []
        var stopping = false
        var wakeWrite: Int32 = -1
        var statistics = Statistics()
    }

    public convenience init(path: String, hub: StatusHub, handler: Handler, logger: Logger, limits: Limits = Limits()) {
        self.init(path: path, hub: hub, handler: handler, logger: logger, limits: limits, calls: .system)
    }

    init(path: String, hub: StatusHub, handler: Handler, logger: Logger, limits: Limits, calls: SocketCalls) {
        self.path = path
        self.hub = hub
        self.handler = handler
        self.logger = logger
        self.limits = limits
        self.calls = calls
        shared = Mutex(SharedState())
    }

    deinit { stop() }

    public var statistics: Statistics { shared.withLock { $0.statistics } }

    /// Creates the parent directory, binds the socket (mode 0660), subscribes to the hub and
    /// starts the loop thread.
    public func start() throws(ControlSocketError) {
        let listener = try ControlSocketSetup(path: path, calls: calls).listen()
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else {
            _ = calls.close(listener.fd)
            throw .system(operation: "pipe2", path: path, reason: errnoText())
        }
        for fd in pipeFDs {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        shared.withLock { $0.wakeWrite = pipeFDs[1] }
        let loop = ControlLoop(server: self, listener: listener.fd, wakeRead: pipeFDs[0],
                               policy: PeerPolicy(serverUID: geteuid(), socketGID: listener.gid))
        thread.withLock { $0 = DedicatedThread(name: "hark-control") { loop.run() } }
        subscription.withLock { $0 = hub.subscribe { [weak self] event in self?.enqueue(event) } }
        logger.info("control socket listening", metadata: ["path": "\(path)"])
    }

    /// Stops the loop, closes every connection and removes the socket file.
    public func stop() {
        subscription.withLock { $0 }?.cancel()
        let alreadyStopping = shared.withLock { state in
            defer { state.stopping = true }
            return state.stopping
        }
        guard !alreadyStopping else { return }
        wake()
        thread.withLock { $0 }?.waitUntilExited()
        let wakeWrite = shared.withLock { $0.wakeWrite }
        if wakeWrite >= 0 { _ = calls.close(wakeWrite) }
    }

    /// Called by the hub on the publisher's thread: queue and wake, never wait.
    private func enqueue(_ event: ApplianceEvent) {
        let line = Array((event.json.jsonText + "\n").utf8)
        shared.withLock { state in
            state.mailbox.append(line)
            if state.mailbox.count > limits.mailboxEvents {
                state.mailbox.removeFirst(state.mailbox.count - limits.mailboxEvents)
                state.statistics.droppedEvents += 1
            }
        }
        wake()
    }

    func wake() {
        let fd = shared.withLock { $0.wakeWrite }
        guard fd >= 0 else { return }
        var byte: UInt8 = 1
        // A full pipe already means "wake up": EAGAIN is fine.
        _ = withUnsafeBytes(of: &byte) { Glibc.write(fd, $0.baseAddress, 1) }
    }
}

/// Why the control socket could not be set up; the text names the fix.
public enum ControlSocketError: Error, Sendable, Hashable, CustomStringConvertible {
    case pathTooLong(String)
    case inUse(String)
    case system(operation: String, path: String, reason: String)

    public var description: String {
        switch self {
        case .pathTooLong(let path):
            "control socket path '\(path)' is longer than \(SocketCalls.maximumPathBytes) bytes; set a shorter control.socket"
        case .inUse(let path):
            "another hark is already serving the control socket '\(path)'; stop it, or set a different control.socket"
        case .system(let operation, let path, let reason):
            "cannot \(operation) the control socket '\(path)': \(reason); check control.socket and that its directory is writable by the hark user"
        }
    }
}
