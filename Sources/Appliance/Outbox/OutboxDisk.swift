#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The file operations the outbox uses, one closure each, so tests can make any of them fail
/// (a full disk, a read error) without a broken disk.
struct OutboxDisk: Sendable {
    /// Writes a whole file atomically and durably (`AtomicFile.write`: temp, fsync, rename,
    /// fsync of the directory).
    var write: @Sendable (_ bytes: [UInt8], _ path: String) throws(StateFileError) -> Void
    /// A file's bytes, nil when missing (`AtomicFile.read`).
    var read: @Sendable (_ path: String) throws(StateFileError) -> [UInt8]?
    /// `unlink(2)`, then `fsync(2)` of the directory so the removal survives a power cut.
    var remove: @Sendable (_ path: String) throws(StateFileError) -> Void
    /// The names in a directory (`opendir(3)`/`readdir(3)`), without `.` and `..`.
    var list: @Sendable (_ directory: String) throws(StateFileError) -> [String]

    static let system = OutboxDisk(
        write: { bytes, path throws(StateFileError) in try AtomicFile.write(bytes, to: path, mode: 0o600) },
        read: { path throws(StateFileError) in try AtomicFile.read(path) },
        remove: { path throws(StateFileError) in
            guard unlink(path) == 0 || errno == ENOENT else {
                throw StateFileError(path: path, operation: "remove", reason: String(cString: strerror(errno)))
            }
            let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
            let descriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if descriptor >= 0 {
                _ = fsync(descriptor)
                close(descriptor)
            }
        },
        list: { directory throws(StateFileError) in
            guard let handle = opendir(directory) else {
                throw StateFileError(path: directory, operation: "list", reason: String(cString: strerror(errno)))
            }
            defer { closedir(handle) }
            var names: [String] = []
            while let entry = readdir(handle) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != ".", name != ".." { names.append(name) }
            }
            return names
        })
}
