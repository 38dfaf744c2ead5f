import DedicatedThread

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An input line requested for both-edge events, read on a thread of its own that sleeps in
/// the kernel (`poll` on the line's event descriptor) until an edge arrives: no polling, and
/// each edge keeps the kernel's timestamp.
///
/// `onEdge` is called on that thread, in order, once per edge. When waiting or reading fails
/// (the chip was unbound, say) `onFailure` is called once and the thread ends. `stop()` wakes
/// the thread through a pipe, waits for it, and releases the line.
public final class EdgeWatcher: Sendable {
    public let chip: GPIOChip
    public let offset: UInt32
    /// The line's logical value right after it was requested (true: active, i.e. pressed).
    public let initialValue: Bool
    private let handle: LineHandle
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let thread: DedicatedThread

    public init(chip: GPIOChip, request: LineRequest,
                onEdge: @escaping @Sendable (EdgeEvent) -> Void,
                onFailure: @escaping @Sendable (GPIOError) -> Void) throws(GPIOError) {
        self.chip = chip
        self.offset = request.offset
        let driver = chip.driver
        let line: LineHandle
        do {
            line = try driver.requestInput(chip.handle, request)
            initialValue = try driver.getValue(line)
        } catch {
            throw error.on(chip: chip.name)
        }
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else {
            driver.release(line)
            throw GPIOError(code: errno, operation: .waitForEvents, chip: chip.name, line: request.offset)
        }
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        handle = line
        wakeRead = descriptors[0]
        wakeWrite = descriptors[1]
        let name = chip.name
        thread = DedicatedThread(name: "hark-gpio-\(request.offset)") { [wakeRead = descriptors[0]] in
            do throws(GPIOError) {
                while try driver.waitForEdges(line, wakeRead) {
                    for edge in try driver.readEdges(line) { onEdge(edge) }
                }
            } catch {
                onFailure(error.on(chip: name))
            }
        }
    }

    /// Wakes the thread, waits until it has ended, and releases the line. Call once.
    public func stop() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        thread.waitUntilExited()
        chip.driver.release(handle)
        close(wakeRead)
        close(wakeWrite)
    }
}
