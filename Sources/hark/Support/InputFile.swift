#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file read in chunks with `read(2)`, the way an MP3 arrives over the network: the decoder
/// sees bytes as they come, not the whole file at once.
final class InputFile {
    let path: String
    private let descriptor: Int32

    /// Opens `path` read-only (`open(2)`); the error names the path and the reason.
    init(path: String) throws(CLIError) {
        self.path = path
        var info = stat()
        if stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR {
            throw CLIError("'\(path)' is a directory: give an audio file (.wav or .mp3)",
                           exitCode: Sysexits.noInput)
        }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw CLIError("cannot read '\(path)': \(systemError(errno)); check the path and its permissions",
                           exitCode: Sysexits.noInput)
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// Up to `maximum` bytes; an empty array at the end of the file.
    func read(maximum: Int = 16 * 1024) throws(CLIError) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maximum)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, maximum) }
            if count >= 0 { return Array(buffer.prefix(count)) }
            if errno == EINTR { continue }
            throw CLIError("reading '\(path)' failed: \(systemError(errno))", exitCode: Sysexits.ioError)
        }
    }
}

/// A file created for writing with `open(2)` (`O_CREAT|O_TRUNC`, mode 0644 before umask).
final class OutputFile {
    let path: String
    private var descriptor: Int32

    init(path: String) throws(CLIError) {
        self.path = path
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw OutputFile.cannotCreate(path, errno) }
        self.descriptor = descriptor
    }

    deinit { if descriptor >= 0 { Glibc.close(descriptor) } }

    /// Writes all of `bytes` (`write(2)` in a loop for short writes).
    func write(_ bytes: [UInt8]) throws(CLIError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                throw CLIError("writing '\(path)' failed: \(systemError(errno)); check free space",
                               exitCode: Sysexits.ioError)
            }
            offset += written
        }
    }

    /// `fsync(2)` then `close(2)`, so a recording stopped by SIGTERM is on disk when we exit.
    func close() throws(CLIError) {
        guard descriptor >= 0 else { return }
        let synced = fsync(descriptor) == 0 || errno == EINVAL  // EINVAL: a pipe or /dev/null
        let closed = Glibc.close(descriptor) == 0
        descriptor = -1
        guard synced, closed else {
            throw CLIError("finishing '\(path)' failed: \(systemError(errno))", exitCode: Sysexits.ioError)
        }
    }

    static func cannotCreate(_ path: String, _ code: Int32) -> CLIError {
        CLIError("cannot create '\(path)': \(systemError(code)); check the directory exists and is writable",
                 exitCode: Sysexits.cannotCreate)
    }
}

/// `strerror(3)` text for an errno value.
func systemError(_ code: Int32) -> String {
    String(cString: strerror(code))
}
