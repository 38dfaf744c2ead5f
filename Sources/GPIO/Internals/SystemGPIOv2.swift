#if GPIOD_API_V2
import CGPIOD

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `GPIODriver.system` over the libgpiod 2 API (Debian 13), selected when pkg-config reports
/// libgpiod >= 2. The counterpart of `SystemGPIOv1.swift`, written against the libgpiod 2.x
/// `gpiod.h` (line settings → line config → `gpiod_chip_request_lines`; values and edge events
/// through the `gpiod_line_request`). Not compiled or run on Debian 12, where the tests run.
enum SystemGPIO {
    static let apiVersion = 2

    static let driver = GPIODriver(
        openChip: { name throws(GPIOError) in
            // v2 opens by path only; accept the names v1 and the tools accept too.
            let path = name.hasPrefix("/") ? name : (name.allSatisfy(\.isNumber) ? "/dev/gpiochip" + name : "/dev/" + name)
            guard let chip = gpiod_chip_open(path) else {
                throw GPIOError(code: errno, operation: .openChip, chip: name)
            }
            return ChipHandle(chip)
        },
        closeChip: { chip in gpiod_chip_close(chip.pointer) },
        requestInput: { chip, request throws(GPIOError) in
            try requestLine(chip, request) { settings in
                gpiod_line_settings_set_direction(settings, GPIOD_LINE_DIRECTION_INPUT) == 0
                    && gpiod_line_settings_set_edge_detection(settings, GPIOD_LINE_EDGE_BOTH) == 0
                    && gpiod_line_settings_set_bias(settings, bias(request.bias)) == 0
                    && gpiod_line_settings_set_event_clock(settings, GPIOD_LINE_CLOCK_MONOTONIC) == 0
            }
        },
        requestOutput: { chip, request, initial throws(GPIOError) in
            try requestLine(chip, request) { settings in
                gpiod_line_settings_set_direction(settings, GPIOD_LINE_DIRECTION_OUTPUT) == 0
                    && gpiod_line_settings_set_output_value(settings, initial ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE) == 0
            }
        },
        waitForEdges: { line, wake throws(GPIOError) in
            // gpiod_line_request_get_fd never fails.
            let result = EdgeWait.wait(lineDescriptor: gpiod_line_request_get_fd(line.pointer), wakeDescriptor: wake)
            guard result >= 0 else { throw GPIOError(code: -result, operation: .waitForEvents, chip: "", line: line.offset) }
            return result == 1
        },
        readEdges: { line throws(GPIOError) in
            // 16 at a time: a bouncing contact queues a burst; the kernel keeps the rest.
            guard let buffer = gpiod_edge_event_buffer_new(16) else {
                throw GPIOError(code: errno, operation: .readEvents, chip: "", line: line.offset)
            }
            defer { gpiod_edge_event_buffer_free(buffer) }
            let count = gpiod_line_request_read_edge_events(line.pointer, buffer, 16)
            guard count >= 0 else { throw GPIOError(code: errno, operation: .readEvents, chip: "", line: line.offset) }
            return (0..<Int(count)).compactMap { index in
                // Events live in the buffer; read them out before it is freed.
                guard let event = gpiod_edge_event_buffer_get_event(buffer, UInt(index)) else { return nil }
                return EdgeEvent(active: gpiod_edge_event_get_event_type(event) == GPIOD_EDGE_EVENT_RISING_EDGE,
                                 timestamp: .nanoseconds(Int64(gpiod_edge_event_get_timestamp_ns(event))))
            }
        },
        getValue: { line throws(GPIOError) in
            let value = gpiod_line_request_get_value(line.pointer, line.offset)
            guard value != GPIOD_LINE_VALUE_ERROR else { throw GPIOError(code: errno, operation: .getValue, chip: "", line: line.offset) }
            return value == GPIOD_LINE_VALUE_ACTIVE
        },
        setValue: { line, value throws(GPIOError) in
            guard gpiod_line_request_set_value(line.pointer, line.offset, value ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE) == 0 else {
                throw GPIOError(code: errno, operation: .setValue, chip: "", line: line.offset)
            }
        },
        release: { line in gpiod_line_request_release(line.pointer) }
    )

    /// Settings (direction etc. from `configure`, polarity from the request) for one offset,
    /// a line config holding them, a request config with the consumer, then
    /// `gpiod_chip_request_lines`. The three config objects are freed before returning.
    private static func requestLine(_ chip: ChipHandle, _ request: LineRequest,
                                    configure: (OpaquePointer) -> Bool) throws(GPIOError) -> LineHandle {
        func failure() -> GPIOError { GPIOError(code: errno, operation: .requestLine, chip: "", line: request.offset) }
        guard let settings = gpiod_line_settings_new() else { throw failure() }
        defer { gpiod_line_settings_free(settings) }
        gpiod_line_settings_set_active_low(settings, request.activeLow)
        guard configure(settings) else { throw failure() }
        guard let lineConfig = gpiod_line_config_new() else { throw failure() }
        defer { gpiod_line_config_free(lineConfig) }
        var offset = request.offset
        guard gpiod_line_config_add_line_settings(lineConfig, &offset, 1, settings) == 0 else { throw failure() }
        guard let requestConfig = gpiod_request_config_new() else { throw failure() }
        defer { gpiod_request_config_free(requestConfig) }
        gpiod_request_config_set_consumer(requestConfig, request.consumer)
        guard let line = gpiod_chip_request_lines(chip.pointer, requestConfig, lineConfig) else { throw failure() }
        return LineHandle(line, offset: request.offset)
    }

    private static func bias(_ bias: LineBias) -> gpiod_line_bias {
        switch bias {
        case .pullUp: GPIOD_LINE_BIAS_PULL_UP
        case .pullDown: GPIOD_LINE_BIAS_PULL_DOWN
        case .disabled: GPIOD_LINE_BIAS_DISABLED
        case .asIs: GPIOD_LINE_BIAS_AS_IS
        }
    }
}
#endif
