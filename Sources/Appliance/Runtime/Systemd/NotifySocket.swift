#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// systemd's notification socket (`$NOTIFY_SOCKET`): a datagram `AF_UNIX` socket, named by a
/// path (`/run/systemd/notify`) or, with a leading `@`, in the abstract namespace. Each state
/// (`READY=1`, `STATUS=...`, `WATCHDOG=1`, `STOPPING=1`) is one datagram; no libsystemd.
public struct NotifySocket: Sendable {
    /// Why `$NOTIFY_SOCKET` cannot be used; the process carries on without notifications.
    public enum AddressError: Error, Sendable, Hashable, CustomStringConvertible {
        case empty
        case unsupported(String)
        case tooLong(String)

        public var description: String {
            switch self {
            case .empty: "NOTIFY_SOCKET is empty"
            case .unsupported(let value): "NOTIFY_SOCKET '\(value)' is neither a path nor an @abstract name (vsock is not supported)"
            case .tooLong(let value): "NOTIFY_SOCKET '\(value)' is longer than a Unix socket address holds"
            }
        }
    }

    /// The `sun_path` bytes (a leading 0 for an abstract name) and the address length to pass.
    public let pathBytes: [UInt8]
    let calls: NotifyCalls

    /// Parses `$NOTIFY_SOCKET`: `/absolute/path` or `@abstract-name`.
    public init(address: String) throws(AddressError) {
        try self.init(address: address, calls: .system)
    }

    init(address: String, calls: NotifyCalls) throws(AddressError) {
        guard !address.isEmpty else { throw .empty }
        var bytes = Array(address.utf8)
        if bytes.first == UInt8(ascii: "@") {
            bytes[0] = 0
        } else if bytes.first != UInt8(ascii: "/") {
            throw .unsupported(address)
        }
        guard bytes.count <= MemoryLayout.size(ofValue: sockaddr_un().sun_path) - (bytes[0] == 0 ? 0 : 1) else {
            throw .tooLong(address)
        }
        pathBytes = bytes
        self.calls = calls
    }

    /// Sends one datagram (`MSG_DONTWAIT`: a busy systemd never stalls the caller). Returns
    /// `errno` on failure, nil when sent.
    @discardableResult
    public func send(_ message: String) -> Int32? {
        let fd = calls.socket()
        guard fd >= 0 else { return errno }
        defer { calls.close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: pathBytes) }
        // A path is zero-terminated; an abstract name's length is exactly its bytes.
        let length = MemoryLayout<sa_family_t>.size + pathBytes.count + (pathBytes[0] == 0 ? 0 : 1)
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { addressPointer in
                bytes.withUnsafeBytes { calls.sendto(fd, $0, addressPointer, socklen_t(length)) }
            }
        }
        return sent == bytes.count ? nil : errno
    }
}

/// The calls the notifier makes, one function per C call, so tests can force failures.
struct NotifyCalls: Sendable {
    /// `socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)`.
    var socket: @Sendable () -> Int32
    /// `sendto(2)` with `MSG_DONTWAIT | MSG_NOSIGNAL`.
    var sendto: @Sendable (Int32, UnsafeRawBufferPointer, UnsafePointer<sockaddr>, socklen_t) -> Int
    /// `close(2)`.
    var close: @Sendable (Int32) -> Void

    static let system = NotifyCalls(
        socket: { Glibc.socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0) },
        sendto: { fd, buffer, address, length in
            Glibc.sendto(fd, buffer.baseAddress, buffer.count, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL), address, length)
        },
        close: { _ = Glibc.close($0) })
}
