#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file-system failure while reading or writing the refresh token: what was attempted, on
/// which path, and the `errno`.
public struct TokenStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var errno: Int32

    public var description: String {
        "cannot \(operation) \(path): \(String(cString: strerror(errno))) (errno \(errno)); check that the state directory exists and belongs to the hark user"
    }
}

/// The refresh token on disk: `<state dir>/refresh-token`, mode 0600.
///
/// Written atomically so a power cut never leaves half a token: a temporary file in the same
/// directory is written, `fsync`ed and `rename`d over the old one, then the directory is
/// `fsync`ed so the rename itself is durable. The access token is never stored.
public struct TokenStore: Sendable {
    public let directory: String
    public var path: String { directory + "/refresh-token" }

    public init(directory: String) {
        self.directory = directory
    }

    /// The stored token, or `nil` when the device was never linked (no file, or an empty one).
    public func load() throws(TokenStoreError) -> RefreshToken? {
        guard let bytes = try readFileBytes(path) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self).trimmingWhitespace()
        return text.isEmpty ? nil : RefreshToken(text)
    }

    /// Replaces the stored token atomically.
    public func save(_ token: RefreshToken) throws(TokenStoreError) {
        try writeAtomically(Array((token.secret + "\n").utf8), to: path)
    }

    /// Forgets the token (after `invalid_grant`). No file is not an error.
    public func delete() throws(TokenStoreError) {
        if unlink(path) != 0, errno != ENOENT { throw TokenStoreError(operation: "remove", path: path, errno: errno) }
    }
}

/// The bytes of a file, `nil` when it does not exist.
func readFileBytes(_ path: String) throws(TokenStoreError) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
        if errno == ENOENT { return nil }
        throw TokenStoreError(operation: "open", path: path, errno: errno)
    }
    defer { close(fd) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 {
            if errno == EINTR { continue }
            throw TokenStoreError(operation: "read", path: path, errno: errno)
        }
        if count == 0 { return bytes }
        bytes += chunk[0..<count]
    }
}

/// Writes `bytes` to `path` with mode 0600 through a temporary file in the same directory,
/// `fsync`, `rename`, and an `fsync` of the directory.
func writeAtomically(_ bytes: [UInt8], to path: String) throws(TokenStoreError) {
    let directory = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
    let temporary = path + ".tmp"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    if fd < 0 { throw TokenStoreError(operation: "create", path: temporary, errno: errno) }
    var failure: TokenStoreError?
    // O_CREAT's mode is filtered by the umask and ignored for an existing file: set it.
    if fchmod(fd, 0o600) != 0 { failure = TokenStoreError(operation: "chmod", path: temporary, errno: errno) }
    var written = 0
    while failure == nil, written < bytes.count {
        let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
        if count < 0 {
            if errno == EINTR { continue }
            failure = TokenStoreError(operation: "write", path: temporary, errno: errno)
        } else {
            written += count
        }
    }
    if failure == nil, fsync(fd) != 0 { failure = TokenStoreError(operation: "fsync", path: temporary, errno: errno) }
    close(fd)
    if failure == nil, rename(temporary, path) != 0 {
        failure = TokenStoreError(operation: "rename into place", path: path, errno: errno)
    }
    if let failure {
        unlink(temporary)
        throw failure
    }
    let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if directoryFD >= 0 {
        defer { close(directoryFD) }
        if fsync(directoryFD) != 0 { throw TokenStoreError(operation: "fsync", path: directory, errno: errno) }
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
