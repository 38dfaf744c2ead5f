/// What a line's electrical bias is set to when it is requested.
public enum LineBias: String, Sendable, Hashable, CaseIterable {
    /// An internal pull-up: a button that connects the line to ground reads high when open.
    case pullUp = "pull-up"
    /// An internal pull-down: a button that connects the line to 3.3 V reads low when open.
    case pullDown = "pull-down"
    /// No internal bias: the board has its own resistor.
    case disabled
    /// Leave the bias as the firmware or device tree set it.
    case asIs = "as-is"
}

/// How a line is requested: which line, its polarity and bias, and the consumer name shown by
/// `gpioinfo`.
public struct LineRequest: Sendable, Hashable {
    /// The line's offset on its chip.
    public var offset: UInt32
    /// Active-low: the logical value is the inverse of the electrical one (a button to ground).
    /// The kernel applies it to values and to edge directions.
    public var activeLow: Bool
    public var bias: LineBias
    public var consumer: String

    public init(offset: UInt32, activeLow: Bool, bias: LineBias = .asIs, consumer: String = "hark") {
        self.offset = offset
        self.activeLow = activeLow
        self.bias = bias
        self.consumer = consumer
    }
}

/// One edge the kernel saw on an input line, in logical terms (active-low already applied).
public struct EdgeEvent: Sendable, Hashable {
    /// True for a rising edge: the line became active (a button press); false: inactive.
    public var active: Bool
    /// The kernel's timestamp of the edge (`CLOCK_MONOTONIC`), as time since boot.
    public var timestamp: Duration

    public init(active: Bool, timestamp: Duration) {
        self.active = active
        self.timestamp = timestamp
    }
}

/// An open `struct gpiod_chip *`. Just the pointer's address; `GPIOChip` owns and closes it.
/// Sendable as a plain address: the owners use each chip and line from one thread at a time,
/// which is all libgpiod asks. A fake driver may hand out any non-zero address.
public struct ChipHandle: Sendable, Hashable {
    public let address: UInt
    public init(_ pointer: OpaquePointer) { self.address = UInt(bitPattern: pointer) }
    public init(fake number: UInt) { self.address = number }
    /// The `struct gpiod_chip *` (only the system driver dereferences it).
    public var pointer: OpaquePointer { OpaquePointer(bitPattern: address)! }
}

/// A requested line: `struct gpiod_line *` in libgpiod v1, `struct gpiod_line_request *` in v2,
/// with the line's offset (v2 addresses values by offset). An address, like `ChipHandle`.
public struct LineHandle: Sendable, Hashable {
    public let address: UInt
    public let offset: UInt32
    public init(_ pointer: OpaquePointer, offset: UInt32) {
        self.address = UInt(bitPattern: pointer)
        self.offset = offset
    }
    public init(fake number: UInt, offset: UInt32 = 0) {
        self.address = number
        self.offset = offset
    }
    public var pointer: OpaquePointer { OpaquePointer(bitPattern: address)! }
}
