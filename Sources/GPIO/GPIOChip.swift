/// An open GPIO chip (`/dev/gpiochipN`): opened in `init`, closed when the last reference goes.
/// Lines requested from it keep it alive.
public final class GPIOChip: Sendable {
    /// The chip as configured (`gpio.chip`): a name, path, label or number.
    public let name: String
    let driver: GPIODriver
    let handle: ChipHandle

    /// Opens the chip through `driver.openChip`; the error names the chip and says how to
    /// find the right one.
    public init(_ name: String, driver: GPIODriver = .system) throws(GPIOError) {
        self.name = name
        self.driver = driver
        do {
            handle = try driver.openChip(name)
        } catch {
            throw error.on(chip: name)
        }
    }

    deinit {
        driver.closeChip(handle)
    }
}

extension GPIOError {
    /// The same error, naming the chip (the drivers do not know the configured name).
    func on(chip: String) -> GPIOError {
        GPIOError(code: code, operation: operation, chip: chip, line: line)
    }
}
