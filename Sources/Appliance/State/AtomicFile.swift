#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Why a state file could not be written or read; `reason` is strerror's text.
public struct StateFileError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var reason: String

    public var description: String { "\(operation) '\(path)' failed: \(reason)" }
}

/// Small files in the state directory, replaced atomically: a power cut leaves the old file or
/// the new one, never half of either.
enum AtomicFile {
    /// Writes `bytes` to `path.tmp` (`open`, `write`, `fsync`), renames it over `path`
    /// (`rename(2)` is atomic within a directory), then `fsync`s the directory so the rename
    /// itself is durable.
    static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(StateFileError) {
        let temporary = path + ".tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw error("create", temporary) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                let failure = error("write", temporary)
                close(descriptor)
                unlink(temporary)
                throw failure
            }
            offset += written
        }
        guard fsync(descriptor) == 0 else {
            let failure = error("fsync", temporary)
            close(descriptor)
            throw failure
        }
        close(descriptor)
        guard rename(temporary, path) == 0 else { throw error("rename", path) }
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        let directoryDescriptor = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            _ = fsync(directoryDescriptor)
            close(directoryDescriptor)
        }
    }

    /// The file's bytes, or nil when it does not exist.
    static func read(_ path: String) throws(StateFileError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw error("open", path)
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw error("read", path)
            }
            if count == 0 { return bytes }
            bytes += buffer[..<count]
            if bytes.count > 65_536 { return bytes }
        }
    }

    /// Creates the directory (mode 0700) if it is missing.
    static func ensureDirectory(_ path: String) throws(StateFileError) {
        if mkdir(path, 0o700) == 0 || errno == EEXIST { return }
        throw error("create directory", path)
    }

    private static func error(_ operation: String, _ path: String) -> StateFileError {
        StateFileError(path: path, operation: operation, reason: String(cString: strerror(errno)))
    }
}

/// The state directory, for commands that only need it to exist.
public enum AtomicFileDirectory {
    /// Creates `path` (mode 0700) if it is missing.
    public static func ensure(_ path: String) throws(StateFileError) {
        try AtomicFile.ensureDirectory(path)
    }
}
