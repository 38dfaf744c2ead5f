/// An output line (the LED): requested in `init`, driven with `set`, released when the last
/// reference goes. `set` is called from one task at a time (the LED service's).
public final class OutputLine: Sendable {
    public let chip: GPIOChip
    public let offset: UInt32
    private let handle: LineHandle

    /// Requests `request.offset` as an output driven to `initial` (logical, polarity applied).
    public init(chip: GPIOChip, request: LineRequest, initial: Bool = false) throws(GPIOError) {
        self.chip = chip
        self.offset = request.offset
        do {
            handle = try chip.driver.requestOutput(chip.handle, request, initial)
        } catch {
            throw error.on(chip: chip.name)
        }
    }

    /// Drives the line to `active` (logical): `GPIODriver.setValue`.
    public func set(_ active: Bool) throws(GPIOError) {
        do {
            try chip.driver.setValue(handle, active)
        } catch {
            throw error.on(chip: chip.name)
        }
    }

    deinit {
        chip.driver.release(handle)
    }
}
