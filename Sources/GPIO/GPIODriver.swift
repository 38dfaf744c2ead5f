/// The libgpiod calls Hark makes: one `@Sendable` function per C call (or per short fixed
/// sequence of them).
///
/// This is the chokepoint between Swift and libgpiod, like `PCMDriver` for alsa-lib.
/// `GPIODriver.system` calls the libgpiod the package was built against: v1 (`SystemGPIOv1`,
/// libgpiod 1.x) or v2 (`SystemGPIOv2`, libgpiod >= 2), chosen at compile time. A test builds
/// its own value whose functions hand out scripted edge events and forced `errno` values.
/// Every throwing function throws `GPIOError`.
public struct GPIODriver: Sendable {
    /// Opens a chip by name (`gpiochip0`), path (`/dev/gpiochip0`), label or number:
    /// `gpiod_chip_open_lookup` (v1), `gpiod_chip_open` on the resolved path (v2).
    public var openChip: @Sendable (_ name: String) throws(GPIOError) -> ChipHandle
    /// `gpiod_chip_close`. Releases the chip's lines too (v1).
    public var closeChip: @Sendable (ChipHandle) -> Void
    /// Requests an input line with both-edge events, bias and polarity:
    /// `gpiod_chip_get_line` + `gpiod_line_request_both_edges_events_flags` (v1),
    /// `gpiod_chip_request_lines` with edge detection `BOTH` (v2).
    public var requestInput: @Sendable (ChipHandle, LineRequest) throws(GPIOError) -> LineHandle
    /// Requests an output line driven to `initial` (logical): `gpiod_chip_get_line` +
    /// `gpiod_line_request_output_flags` (v1), `gpiod_chip_request_lines` with direction
    /// `OUTPUT` (v2).
    public var requestOutput: @Sendable (ChipHandle, LineRequest, _ initial: Bool) throws(GPIOError) -> LineHandle
    /// Blocks until edge events are ready on the line (true) or `wakeDescriptor` is readable
    /// (false): `poll(2)` on `gpiod_line_event_get_fd` (v1) / `gpiod_line_request_get_fd` (v2)
    /// and the wake descriptor. Never times out: no polling.
    public var waitForEdges: @Sendable (LineHandle, _ wakeDescriptor: Int32) throws(GPIOError) -> Bool
    /// Reads the events that are ready (at least one after `waitForEdges` said so):
    /// `gpiod_line_event_read_multiple` (v1), `gpiod_line_request_read_edge_events` (v2).
    public var readEdges: @Sendable (LineHandle) throws(GPIOError) -> [EdgeEvent]
    /// The logical value: `gpiod_line_get_value` (v1), `gpiod_line_request_get_value` (v2).
    public var getValue: @Sendable (LineHandle) throws(GPIOError) -> Bool
    /// Sets the logical value: `gpiod_line_set_value` (v1), `gpiod_line_request_set_value` (v2).
    public var setValue: @Sendable (LineHandle, Bool) throws(GPIOError) -> Void
    /// `gpiod_line_release` (v1), `gpiod_line_request_release` (v2).
    public var release: @Sendable (LineHandle) -> Void

    public init(
        openChip: @escaping @Sendable (_ name: String) throws(GPIOError) -> ChipHandle,
        closeChip: @escaping @Sendable (ChipHandle) -> Void,
        requestInput: @escaping @Sendable (ChipHandle, LineRequest) throws(GPIOError) -> LineHandle,
        requestOutput: @escaping @Sendable (ChipHandle, LineRequest, _ initial: Bool) throws(GPIOError) -> LineHandle,
        waitForEdges: @escaping @Sendable (LineHandle, _ wakeDescriptor: Int32) throws(GPIOError) -> Bool,
        readEdges: @escaping @Sendable (LineHandle) throws(GPIOError) -> [EdgeEvent],
        getValue: @escaping @Sendable (LineHandle) throws(GPIOError) -> Bool,
        setValue: @escaping @Sendable (LineHandle, Bool) throws(GPIOError) -> Void,
        release: @escaping @Sendable (LineHandle) -> Void
    ) {
        self.openChip = openChip
        self.closeChip = closeChip
        self.requestInput = requestInput
        self.requestOutput = requestOutput
        self.waitForEdges = waitForEdges
        self.readEdges = readEdges
        self.getValue = getValue
        self.setValue = setValue
        self.release = release
    }
}

extension GPIODriver {
    /// The libgpiod this package was built against.
    public static var system: GPIODriver { SystemGPIO.driver }

    /// The libgpiod API generation compiled in: 1 or 2.
    public static var apiVersion: Int { SystemGPIO.apiVersion }
}
