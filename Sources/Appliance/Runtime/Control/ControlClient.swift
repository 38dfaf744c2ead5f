#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The client end of the control socket, for `hark ctl` and tests: connect, send a line, read
/// lines. Blocking, with a receive timeout; meant for a command-line process, not the firmware.
public final class ControlClient {
    /// Why talking to the socket failed; `errno` tells missing (`ENOENT`, `ECONNREFUSED`) from
    /// forbidden (`EACCES`, `EPERM`).
    public struct Failure: Error, Sendable, Hashable {
        public var operation: String
        public var errno: Int32
        public var reason: String { errnoText(errno) }
    }

    private let fd: Int32
    private var splitter = ControlLineSplitter(maximumLineBytes: 1 << 20)
    private var lines: [[UInt8]] = []

    /// Connects to `path`; `timeout` bounds each later read (nil: wait forever).
    public init(path: String, timeout: Duration? = .seconds(5)) throws(Failure) {
        let calls = SocketCalls.system
        fd = calls.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(operation: "socket", errno: errno) }
        guard calls.connect(fd, path) == 0 else {
            let code = errno
            _ = calls.close(fd)
            throw Failure(operation: "connect", errno: code)
        }
        if let timeout {
            let (seconds, attoseconds) = timeout.components
            var value = timeval(tv_sec: Int(seconds), tv_usec: Int(attoseconds / 1_000_000_000_000))
            _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
        }
    }

    deinit { _ = SocketCalls.system.close(fd) }

    /// Sends `line` and its newline.
    public func send(_ line: String) throws(Failure) {
        var bytes = Array((line + "\n").utf8)[...]
        while !bytes.isEmpty {
            let sent = bytes.withUnsafeBytes { SocketCalls.system.send(fd, $0) }
            if sent < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: "send", errno: errno)
            }
            bytes = bytes.dropFirst(sent)
        }
    }

    /// The next line, nil when the server closed the connection.
    public func readLine() throws(Failure) -> String? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while lines.isEmpty {
            let count = buffer.withUnsafeMutableBytes { SocketCalls.system.read(fd, $0) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: "read", errno: errno == EAGAIN ? ETIMEDOUT : errno)
            }
            if count == 0 { return nil }
            for piece in splitter.feed(buffer[..<count]) {
                if case .line(let line) = piece { lines.append(line) }
            }
        }
        return String(decoding: lines.removeFirst(), as: UTF8.self)
    }

    /// Closes the sending side (the server sees end of input).
    public func finishSending() {
        _ = shutdown(fd, Int32(SHUT_WR))
    }
}
