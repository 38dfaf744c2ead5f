#if canImport(Glibc)
import Glibc
#endif

/// Where a PulseAudio server listens, as `PULSE_SERVER` names it or the default socket path.
public enum PulseServerAddress: Sendable, Hashable, CustomStringConvertible {
    /// A unix socket (`unix:/run/user/1000/pulse/native`, or a bare absolute path).
    case unix(path: String)
    /// A TCP server (`tcp:host:port`; the port defaults to 4713).
    case tcp(host: String, port: Int)

    public var description: String {
        switch self {
        case .unix(let path): "unix:\(path)"
        case .tcp(let host, let port): "tcp:\(host):\(port)"
        }
    }

    /// Parses a `PULSE_SERVER` value: whitespace-separated entries, each optionally prefixed
    /// with `{machine-id}`, as `unix:PATH`, `tcp:HOST[:PORT]` (also `tcp4:`/`tcp6:`, and
    /// `[v6]:port`), a bare `/path`, or a bare `HOST[:PORT]`. Unparseable entries are skipped.
    public static func parse(_ value: String) -> [PulseServerAddress] {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).compactMap { entry in
            var text = Substring(entry)
            if text.hasPrefix("{"), let close = text.firstIndex(of: "}") {
                text = text[text.index(after: close)...]
            }
            if text.hasPrefix("unix:") {
                let path = text.dropFirst("unix:".count)
                return path.isEmpty ? nil : .unix(path: String(path))
            }
            if text.hasPrefix("/") { return .unix(path: String(text)) }
            for prefix in ["tcp:", "tcp4:", "tcp6:"] where text.hasPrefix(prefix) {
                return hostAndPort(text.dropFirst(prefix.count))
            }
            return hostAndPort(text)
        }
    }

    private static func hostAndPort(_ text: Substring) -> PulseServerAddress? {
        guard !text.isEmpty else { return nil }
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            let port = rest.hasPrefix(":") ? Int(rest.dropFirst()) : 4713
            guard let port else { return nil }
            return .tcp(host: String(host), port: port)
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return .tcp(host: String(text), port: 4713)
        case 2:
            guard let port = Int(parts[1]), !parts[0].isEmpty else { return nil }
            return .tcp(host: String(parts[0]), port: port)
        default: return .tcp(host: String(text), port: 4713)  // bare IPv6 address
        }
    }

    /// Whether something accepts a connection there (`connect()` succeeds within `timeout`).
    /// That is how "reachable" is defined: the server is not spoken to.
    public func answers(timeout: Duration = .milliseconds(500)) -> Bool {
        switch self {
        case .unix(let path): Self.connectUnix(path)
        case .tcp(let host, let port): Self.connectTCP(host: host, port: port, timeout: timeout)
        }
    }

    private static func connectUnix(_ path: String) -> Bool {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let fits = withUnsafeMutableBytes(of: &address.sun_path) { raw in
            guard bytes.count < raw.count else { return false }
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
            return true
        }
        guard fits else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { _ = Glibc.close(fd) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }

    private static func connectTCP(host: String, port: Int, timeout: Duration) -> Bool {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let list else { return false }
        defer { freeaddrinfo(list) }
        let (seconds, attoseconds) = timeout.components
        let milliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, info.pointee.ai_socktype | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), info.pointee.ai_protocol)
            guard fd >= 0 else { continue }
            defer { _ = Glibc.close(fd) }
            if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 { return true }
            guard errno == EINPROGRESS else { continue }
            var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            guard poll(&descriptor, 1, milliseconds) == 1 else { continue }
            var error: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            if getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0, error == 0 { return true }
        }
        return false
    }
}
