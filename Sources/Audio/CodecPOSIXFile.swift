#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file descriptor for the WAV code, closed in `deinit`. Plain POSIX calls keep Foundation
/// out of the firmware; errors carry the errno text for the caller's message.
final class CodecPOSIXFile {
    private var fd: Int32

    private init(fd: Int32) { self.fd = fd }

    deinit { if fd >= 0 { _ = Glibc_close(fd) } }

    /// `open(path, O_RDONLY)`.
    static func openForReading(_ path: String) throws(CodecFileError) -> CodecPOSIXFile {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CodecFileError(errno: errno) }
        return CodecPOSIXFile(fd: fd)
    }

    /// `open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)`.
    static func create(_ path: String) throws(CodecFileError) -> CodecPOSIXFile {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CodecFileError(errno: errno) }
        return CodecPOSIXFile(fd: fd)
    }

    /// Reads the whole file with `read` until end of file.
    func readAll() throws(CodecFileError) -> [UInt8] {
        var bytes: [UInt8] = []
        var block = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = block.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw CodecFileError(errno: errno)
            }
            if count == 0 { return bytes }
            bytes += block[..<count]
        }
    }

    /// Writes all of `bytes` at the current offset with `write`, retrying short writes.
    func write(_ bytes: some Collection<UInt8>) throws(CodecFileError) {
        let result: CodecFileError? = bytes.withContiguousStorageIfAvailable { buffer in
            Self.writeAll(fd, UnsafeRawBufferPointer(buffer), offset: nil)
        } ?? Array(bytes).withUnsafeBytes { Self.writeAll(fd, $0, offset: nil) }
        if let result { throw result }
    }

    /// Writes all of `bytes` at `offset` with `pwrite`, leaving the file offset alone.
    func write(_ bytes: [UInt8], at offset: Int) throws(CodecFileError) {
        if let error = bytes.withUnsafeBytes({ Self.writeAll(fd, $0, offset: offset) }) { throw error }
    }

    /// `close`, reporting its error (on NFS a failed write can surface only here).
    func close() throws(CodecFileError) {
        let descriptor = fd
        fd = -1
        guard Glibc_close(descriptor) == 0 else { throw CodecFileError(errno: errno) }
    }

    private static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer, offset: Int?) -> CodecFileError? {
        var done = 0
        while done < buffer.count {
            let pointer = buffer.baseAddress! + done
            let count = if let offset {
                pwrite(fd, pointer, buffer.count - done, off_t(offset + done))
            } else {
                systemWrite(fd, pointer, buffer.count - done)
            }
            if count < 0 {
                if errno == EINTR { continue }
                return CodecFileError(errno: errno)
            }
            done += count
        }
        return nil
    }
}

/// An errno from a file call, with `strerror`'s text.
struct CodecFileError: Error {
    var errno: Int32
    var message: String { String(cString: strerror(errno)) }
}

// `close` and `write` under names that the methods above do not shadow.
private func Glibc_close(_ fd: Int32) -> Int32 { close(fd) }
private func systemWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int { write(fd, buffer, count) }
