#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What `stat(2)` says about the token file: enough to notice it was created or replaced
/// (an atomic rename gives a new inode) without reading it.
struct TokenFileStamp: Sendable, Hashable {
    var inode: UInt64
    var size: Int64
    var modified: Int64
    var modifiedNanoseconds: Int64

    /// nil when the file does not exist.
    static func read(_ path: String) -> TokenFileStamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return TokenFileStamp(inode: UInt64(info.st_ino), size: Int64(info.st_size), modified: Int64(info.st_mtim.tv_sec),
                              modifiedNanoseconds: Int64(info.st_mtim.tv_nsec))
    }
}
