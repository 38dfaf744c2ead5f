#if canImport(Glibc)
import Glibc
#endif

/// `posix_spawn_file_actions_addclosefrom_np(actions, 3)`: the child inherits nothing beyond
/// standard input, output and error.
///
/// Tests start children while other tests in the same process hold sockets and pipes, and
/// Foundation's `Process` learns that its child ended when the last copy of a socket it makes
/// (without close-on-exec) is closed: a copy leaked into a long-lived child of ours would keep
/// that `waitUntilExit` waiting. The function is a GNU extension (glibc 2.34) that Swift's
/// Glibc module does not declare, so it is looked up at run time; without it the child is
/// started anyway.
public func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
        return
    }
    _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
}
