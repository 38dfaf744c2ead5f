#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Binds the control socket: creates the missing parent directories (0755), replaces a stale
/// socket file left by a process that died, refuses one a live process still serves, binds,
/// sets mode 0660 and listens (non-blocking).
struct ControlSocketSetup {
    let path: String
    let calls: SocketCalls

    struct Listener {
        let fd: Int32
        /// The socket file's group: its members may connect.
        let gid: gid_t
    }

    func listen() throws(ControlSocketError) -> Listener {
        guard path.utf8.count <= SocketCalls.maximumPathBytes else { throw .pathTooLong(path) }
        try makeParentDirectories()
        try removeStaleSocket()
        let fd = calls.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system(operation: "create", path: path, reason: errnoText()) }
        // The mode is set before anyone can connect: bind under a umask that leaves 0660.
        let previousMask = umask(0o117)
        let bound = calls.bind(fd, path)
        let bindErrno = errno
        umask(previousMask)
        guard bound == 0 else {
            _ = calls.close(fd)
            throw .system(operation: "bind", path: path, reason: errnoText(bindErrno))
        }
        var info = stat()
        guard chmod(path, 0o660) == 0, stat(path, &info) == 0 else {
            let reason = errnoText()
            _ = calls.close(fd)
            throw .system(operation: "set mode 0660 on", path: path, reason: reason)
        }
        guard calls.listen(fd, 16) == 0 else {
            let reason = errnoText()
            _ = calls.close(fd)
            throw .system(operation: "listen on", path: path, reason: reason)
        }
        return Listener(fd: fd, gid: info.st_gid)
    }

    /// `mkdir -p` of the socket's directory (systemd's RuntimeDirectory usually made it).
    private func makeParentDirectories() throws(ControlSocketError) {
        let components = path.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        var prefix = ""
        for component in components where !component.isEmpty {
            prefix += (prefix.isEmpty && !path.hasPrefix("/") ? "" : "/") + component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw .system(operation: "create the directory \(prefix) for", path: path, reason: errnoText())
            }
        }
    }

    /// A socket file nobody answers on is left over from a crash: remove it. One that answers
    /// belongs to a running hark: refuse to steal it.
    private func removeStaleSocket() throws(ControlSocketError) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw .system(operation: "replace", path: path, reason: "a file that is not a socket is in the way")
        }
        let probe = calls.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if probe >= 0 {
            let connected = calls.connect(probe, path) == 0
            _ = calls.close(probe)
            if connected { throw .inUse(path) }
        }
        if unlink(path) != 0 && errno != ENOENT {
            throw .system(operation: "remove the stale", path: path, reason: errnoText())
        }
    }
}
