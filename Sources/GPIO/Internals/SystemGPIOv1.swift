#if !GPIOD_API_V2
import CGPIOD

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `GPIODriver.system` over the libgpiod 1.x API (Debian 12, Raspberry Pi OS bookworm).
/// Everything v1-specific is in this file; `SystemGPIOv2.swift` is the same over libgpiod 2.
enum SystemGPIO {
    static let apiVersion = 1

    static let driver = GPIODriver(
        openChip: { name throws(GPIOError) in
            // gpiod_chip_open_lookup takes a name, path, label or number, like the tools.
            guard let chip = gpiod_chip_open_lookup(name) else {
                throw GPIOError(code: errno, operation: .openChip, chip: name)
            }
            return ChipHandle(chip)
        },
        closeChip: { chip in gpiod_chip_close(chip.pointer) },
        requestInput: { chip, request throws(GPIOError) in
            let line = try line(chip, request.offset)
            let result = gpiod_line_request_both_edges_events_flags(line, request.consumer, flags(request))
            guard result == 0 else { throw GPIOError(code: errno, operation: .requestLine, chip: "", line: request.offset) }
            return LineHandle(line, offset: request.offset)
        },
        requestOutput: { chip, request, initial throws(GPIOError) in
            let line = try line(chip, request.offset)
            // Bias means nothing for a push-pull output; only the polarity applies.
            let flags = request.activeLow ? Int32(GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW) : 0
            guard gpiod_line_request_output_flags(line, request.consumer, flags, initial ? 1 : 0) == 0 else {
                throw GPIOError(code: errno, operation: .requestLine, chip: "", line: request.offset)
            }
            return LineHandle(line, offset: request.offset)
        },
        waitForEdges: { line, wake throws(GPIOError) in
            let descriptor = gpiod_line_event_get_fd(line.pointer)
            guard descriptor >= 0 else { throw GPIOError(code: EBADF, operation: .waitForEvents, chip: "", line: line.offset) }
            let result = EdgeWait.wait(lineDescriptor: descriptor, wakeDescriptor: wake)
            guard result >= 0 else { throw GPIOError(code: -result, operation: .waitForEvents, chip: "", line: line.offset) }
            return result == 1
        },
        readEdges: { line throws(GPIOError) in
            // 16 at a time: a bouncing contact queues a burst; the kernel keeps the rest.
            var events = [gpiod_line_event](repeating: gpiod_line_event(), count: 16)
            let count = gpiod_line_event_read_multiple(line.pointer, &events, UInt32(events.count))
            guard count >= 0 else { throw GPIOError(code: errno, operation: .readEvents, chip: "", line: line.offset) }
            return events.prefix(Int(count)).map { event in
                EdgeEvent(active: event.event_type == Int32(GPIOD_LINE_EVENT_RISING_EDGE), timestamp: EdgeWait.duration(event.ts))
            }
        },
        getValue: { line throws(GPIOError) in
            let value = gpiod_line_get_value(line.pointer)
            guard value >= 0 else { throw GPIOError(code: errno, operation: .getValue, chip: "", line: line.offset) }
            return value == 1
        },
        setValue: { line, value throws(GPIOError) in
            guard gpiod_line_set_value(line.pointer, value ? 1 : 0) == 0 else {
                throw GPIOError(code: errno, operation: .setValue, chip: "", line: line.offset)
            }
        },
        release: { line in gpiod_line_release(line.pointer) }
    )

    /// `gpiod_chip_get_line`: the line object the chip owns (freed with the chip).
    private static func line(_ chip: ChipHandle, _ offset: UInt32) throws(GPIOError) -> OpaquePointer {
        guard let line = gpiod_chip_get_line(chip.pointer, offset) else {
            throw GPIOError(code: errno, operation: .requestLine, chip: "", line: offset)
        }
        return line
    }

    /// Polarity and bias as v1 request flags.
    private static func flags(_ request: LineRequest) -> Int32 {
        var flags: Int32 = request.activeLow ? Int32(GPIOD_LINE_REQUEST_FLAG_ACTIVE_LOW) : 0
        switch request.bias {
        case .pullUp: flags |= Int32(GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_UP)
        case .pullDown: flags |= Int32(GPIOD_LINE_REQUEST_FLAG_BIAS_PULL_DOWN)
        case .disabled: flags |= Int32(GPIOD_LINE_REQUEST_FLAG_BIAS_DISABLE)
        case .asIs: break
        }
        return flags
    }
}
#endif
