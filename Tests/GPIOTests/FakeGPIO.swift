import GPIO
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A scripted libgpiod: edges pushed by the test come out of `readEdges` after `waitForEdges`
/// wakes on a real pipe (so the watcher thread blocks in `poll` exactly as with the kernel),
/// output levels are recorded, and any call can be made to fail with an `errno`.
final class FakeGPIO: Sendable {
    struct State {
        var pending: [EdgeEvent] = []
        var outputs: [Bool] = []
        var calls: [String] = []
        var failures: [String: Int32] = [:]
        var initialValue = false
        var released = 0
        var closed = 0
    }

    let state = Mutex(State())
    private let linePipe: (read: Int32, write: Int32)

    init() {
        var descriptors: [Int32] = [-1, -1]
        precondition(pipe(&descriptors) == 0)
        linePipe = (descriptors[0], descriptors[1])
    }

    deinit {
        close(linePipe.read)
        close(linePipe.write)
    }

    /// Makes the call named `name` fail with `code` from now on.
    func fail(_ name: String, with code: Int32) {
        state.withLock { $0.failures[name] = code }
    }

    /// Queues edges as one kernel read, and wakes the watcher.
    func push(_ edges: [EdgeEvent]) {
        state.withLock { $0.pending += edges }
        var byte: UInt8 = 1
        _ = write(linePipe.write, &byte, 1)
    }

    var outputs: [Bool] { state.withLock { $0.outputs } }
    var calls: [String] { state.withLock { $0.calls } }

    private func enter(_ name: String, chip: String = "", line: UInt32? = nil, _ operation: GPIOError.Operation) throws(GPIOError) {
        let code = state.withLock { state -> Int32? in
            state.calls.append(name)
            return state.failures[name]
        }
        if let code { throw GPIOError(code: code, operation: operation, chip: chip, line: line) }
    }

    var driver: GPIODriver {
        GPIODriver(
            openChip: { name throws(GPIOError) in
                try self.enter("openChip", chip: name, .openChip)
                return ChipHandle(fake: 0x10)
            },
            closeChip: { _ in self.state.withLock { $0.closed += 1 } },
            requestInput: { _, request throws(GPIOError) in
                try self.enter("requestInput", line: request.offset, .requestLine)
                return LineHandle(fake: 0x20, offset: request.offset)
            },
            requestOutput: { _, request, initial throws(GPIOError) in
                try self.enter("requestOutput", line: request.offset, .requestLine)
                self.state.withLock { $0.outputs.append(initial) }
                return LineHandle(fake: 0x30, offset: request.offset)
            },
            waitForEdges: { line, wake throws(GPIOError) in
                try self.enter("waitForEdges", line: line.offset, .waitForEvents)
                var descriptors = [pollfd(fd: self.linePipe.read, events: Int16(POLLIN), revents: 0),
                                   pollfd(fd: wake, events: Int16(POLLIN), revents: 0)]
                while poll(&descriptors, 2, -1) < 0 {}
                return descriptors[1].revents == 0
            },
            readEdges: { line throws(GPIOError) in
                try self.enter("readEdges", line: line.offset, .readEvents)
                var byte: UInt8 = 0
                _ = read(self.linePipe.read, &byte, 1)
                return self.state.withLock { state in
                    defer { state.pending = [] }
                    return state.pending
                }
            },
            getValue: { line throws(GPIOError) in
                try self.enter("getValue", line: line.offset, .getValue)
                return self.state.withLock { $0.initialValue }
            },
            setValue: { line, value throws(GPIOError) in
                try self.enter("setValue", line: line.offset, .setValue)
                self.state.withLock { $0.outputs.append(value) }
            },
            release: { _ in self.state.withLock { $0.released += 1 } }
        )
    }
}
