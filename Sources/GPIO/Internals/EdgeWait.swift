#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The part of waiting for edges that is plain POSIX, shared by the v1 and v2 drivers.
enum EdgeWait {
    /// `poll(2)` on the line's event descriptor and a wake descriptor, without a timeout: the
    /// thread sleeps in the kernel until an edge or a wake-up. 1: edges are ready, 0: woken,
    /// else the failure's `errno`, negated.
    static func wait(lineDescriptor: Int32, wakeDescriptor: Int32) -> Int32 {
        var descriptors = [
            pollfd(fd: lineDescriptor, events: Int16(POLLIN), revents: 0),
            pollfd(fd: wakeDescriptor, events: Int16(POLLIN), revents: 0),
        ]
        while true {
            let ready = poll(&descriptors, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return -errno
            }
            // Waking wins: a service being stopped should not read one more batch.
            if descriptors[1].revents != 0 { return 0 }
            if descriptors[0].revents & Int16(POLLIN) != 0 { return 1 }
            // POLLERR/POLLHUP without data: the line went away (chip unbound).
            if descriptors[0].revents != 0 { return -ENODEV }
        }
    }

    /// A kernel `timespec` as time since boot.
    static func duration(_ time: timespec) -> Duration {
        .seconds(Int64(time.tv_sec)) + .nanoseconds(Int64(time.tv_nsec))
    }
}
