#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Why a GPIO chip or line could not be used: the `errno` libgpiod left, what Hark was doing,
/// and, for the failures a person can fix, the fix.
///
/// libgpiod reports failures as a null pointer or `-1` with `errno` set, like a system call.
/// The cases a board meets in practice are a wrong chip name (`ENOENT`), missing permission on
/// `/dev/gpiochipN` (`EACCES`/`EPERM`), a line another program holds (`EBUSY`) and a line number
/// the chip does not have (`EINVAL`).
public struct GPIOError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What was being done.
    public enum Operation: String, Sendable, Hashable {
        case openChip = "open the chip"
        case requestLine = "request the line"
        case waitForEvents = "wait for edge events"
        case readEvents = "read edge events"
        case getValue = "read the line's value"
        case setValue = "set the line's value"
    }

    /// The positive `errno` value.
    public let code: Int32
    public let operation: Operation
    /// The chip as configured (`gpio.chip`).
    public let chip: String
    /// The line offset, nil for chip-level operations.
    public let line: UInt32?

    public init(code: Int32, operation: Operation, chip: String, line: UInt32? = nil) {
        self.code = code < 0 ? -code : code
        self.operation = operation
        self.chip = chip
        self.line = line
    }

    /// The chip does not exist.
    public var isChipMissing: Bool { operation == .openChip && (code == ENOENT || code == ENODEV) }
    /// The process may not open the chip's device file.
    public var isPermissionDenied: Bool { code == EACCES || code == EPERM }

    /// What to do about it, in words, or nil when there is nothing specific to say.
    public var fix: String? {
        if isChipMissing {
            return "check gpio.chip; `gpiodetect` lists chips"
        }
        if isPermissionDenied {
            return "add the user to the gpio group, or install a udev rule giving the group access to /dev/gpiochip* (board/ ships one)"
        }
        switch code {
        case EBUSY: return "another program holds the line (`gpioinfo \(chip)` shows its consumer); stop it or pick another line"
        case EINVAL where operation == .requestLine:
            return "check gpio.button_line / gpio.led_line: `gpioinfo \(chip)` lists the chip's lines"
        default: return nil
        }
    }

    public var description: String {
        let what = line.map { "line \($0) of \(chip)" } ?? chip
        var text = isChipMissing
            ? "\(chip) not found"
            : "cannot \(operation.rawValue) (\(what)): \(String(cString: strerror(code)))"
        if let fix { text += ": " + fix }
        return text
    }
}
