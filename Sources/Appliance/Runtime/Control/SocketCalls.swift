#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The POSIX calls the control socket makes: one `@Sendable` function per C call, so a test
/// can record them and force failures (`EMFILE` from `accept4`, `EAGAIN` from `write`) without
/// tricking the kernel. Each returns the C result and leaves `errno` as the call set it.
struct SocketCalls: Sendable {
    /// `socket(2)`.
    var socket: @Sendable (_ domain: Int32, _ type: Int32, _ protocol: Int32) -> Int32
    /// `bind(2)` with a `sockaddr_un` for `path`.
    var bind: @Sendable (_ fd: Int32, _ path: String) -> Int32
    /// `listen(2)`.
    var listen: @Sendable (_ fd: Int32, _ backlog: Int32) -> Int32
    /// `accept(2)` without an address, then `fcntl(2)` to make the connection non-blocking and
    /// close-on-exec (Glibc's module leaves out the GNU `accept4`).
    var accept: @Sendable (_ fd: Int32) -> Int32
    /// `connect(2)` to a `sockaddr_un` for `path` (the `hark ctl` client).
    var connect: @Sendable (_ fd: Int32, _ path: String) -> Int32
    /// `read(2)`.
    var read: @Sendable (_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int
    /// `send(2)` with `MSG_NOSIGNAL` (a vanished client must not raise SIGPIPE).
    var send: @Sendable (_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Int
    /// `poll(2)`.
    var poll: @Sendable (_ fds: UnsafeMutablePointer<pollfd>, _ count: Int, _ timeoutMilliseconds: Int32) -> Int32
    /// `getsockopt(SOL_SOCKET, SO_PEERCRED)`: the connecting process's pid, uid and gid.
    var peerCredentials: @Sendable (_ fd: Int32) -> PeerCredentials?
    /// `close(2)`.
    var close: @Sendable (_ fd: Int32) -> Int32

    /// Longest path a `sockaddr_un` holds (107 bytes and the terminating zero).
    static let maximumPathBytes = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    static let system = SocketCalls(
        socket: { Glibc.socket($0, $1, $2) },
        bind: { fd, path in withUnixAddress(path) { Glibc.bind(fd, $0, $1) } },
        listen: { Glibc.listen($0, $1) },
        accept: { listener in
            let fd = Glibc.accept(listener, nil, nil)
            guard fd >= 0 else { return fd }
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            return fd
        },
        connect: { fd, path in withUnixAddress(path) { Glibc.connect(fd, $0, $1) } },
        read: { fd, buffer in Glibc.read(fd, buffer.baseAddress, buffer.count) },
        send: { fd, buffer in Glibc.send(fd, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL)) },
        poll: { Glibc.poll($0, nfds_t($1), $2) },
        peerCredentials: { fd in
            var credentials = PeerCredentials(pid: 0, uid: 0, gid: 0)
            var length = socklen_t(MemoryLayout<PeerCredentials>.size)
            guard getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &credentials, &length) == 0 else { return nil }
            return credentials
        },
        close: { Glibc.close($0) })

    /// Calls `body` with a `sockaddr_un` for `path`; -1 and `ENAMETOOLONG` when it does not fit.
    private static func withUnixAddress(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count <= maximumPathBytes else {
            errno = ENAMETOOLONG
            return -1
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }
}

/// `strerror(errno)` as text.
func errnoText(_ code: Int32 = errno) -> String {
    String(cString: strerror(code))
}

/// `struct ucred` from `<sys/socket.h>` (hidden behind `_GNU_SOURCE`, so the Glibc module
/// lacks it): three 32-bit fields in this order, the layout `SO_PEERCRED` fills.
struct PeerCredentials: Sendable, Hashable {
    var pid: pid_t
    var uid: uid_t
    var gid: gid_t
}
