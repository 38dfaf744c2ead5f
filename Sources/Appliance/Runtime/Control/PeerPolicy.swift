#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Who may use the control socket: the connecting process's credentials (`SO_PEERCRED`)
/// against the server's user and the socket file's group.
///
/// The file's mode (0660) already keeps others from connecting; this is the second check, in
/// case the mode was widened by hand or the directory is shared: root, the same user, or a
/// member of the socket's group (primary or supplementary) is allowed, nobody else.
public struct PeerPolicy: Sendable, Hashable {
    public var serverUID: uid_t
    public var socketGID: gid_t

    public init(serverUID: uid_t, socketGID: gid_t) {
        self.serverUID = serverUID
        self.socketGID = socketGID
    }

    /// Whether a peer with these ids may send commands.
    public func allows(uid: uid_t, gid: gid_t, supplementaryGroups: [gid_t]) -> Bool {
        uid == 0 || uid == serverUID || gid == socketGID || supplementaryGroups.contains(socketGID)
    }

    /// The supplementary groups of a running process, from the `Groups:` line of
    /// `/proc/<pid>/status` (empty when it cannot be read: the process is gone).
    static func supplementaryGroups(of pid: pid_t) -> [gid_t] {
        let fd = open("/proc/\(pid)/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 65_536 {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count <= 0 { break }
            bytes += chunk[..<count]
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Groups:") }) else { return [] }
        return line.dropFirst("Groups:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { gid_t($0) }
    }
}
