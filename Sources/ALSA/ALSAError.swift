import CALSA

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An error returned by alsa-lib: the negative C code and the text `snd_strerror` gives for it.
///
/// alsa-lib reports failures as negative `errno` values (`-EPIPE` for an xrun, `-ESTRPIPE` for a
/// suspended stream, `-ENODEV` when a USB device is pulled). Like swift-system's `Errno`, this type
/// is just that value; equality compares codes only.
public struct ALSAError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The alsa-lib return code, always negative (for example `-EPIPE`).
    public let code: Int32

    /// Wraps an alsa-lib return code. A positive `errno` is accepted and negated.
    public init(code: Int32) {
        self.code = code > 0 ? -code : code
    }

    /// The text alsa-lib gives for this code (`snd_strerror`).
    public var message: String {
        String(cString: snd_strerror(code))
    }

    /// The symbolic name of the code when it is one the engine handles (`"EPIPE"`), else `nil`.
    public var symbol: String? {
        switch -code {
        case EPIPE: "EPIPE"
        case ESTRPIPE: "ESTRPIPE"
        case ENODEV: "ENODEV"
        case EBUSY: "EBUSY"
        case EAGAIN: "EAGAIN"
        case EBADFD: "EBADFD"
        case EIO: "EIO"
        case ENOENT: "ENOENT"
        case EINVAL: "EINVAL"
        case EINTR: "EINTR"
        case ENXIO: "ENXIO"
        default: nil
        }
    }

    public var description: String {
        if let symbol { "\(message) (\(symbol))" } else { "\(message) (\(code))" }
    }

    /// `-EPIPE`: overrun (capture) or underrun (playback); recovered with `snd_pcm_prepare`.
    public static let brokenPipe = ALSAError(code: -EPIPE)
    /// `-ESTRPIPE`: the stream was suspended (system sleep); resumed with `snd_pcm_resume`.
    public static let suspended = ALSAError(code: -ESTRPIPE)
    /// `-ENODEV`: the device is gone (USB device unplugged, driver unloaded).
    public static let noDevice = ALSAError(code: -ENODEV)
    /// `-EBUSY`: another program holds the hardware device exclusively.
    public static let busy = ALSAError(code: -EBUSY)
    /// `-EAGAIN`: try again (non-blocking I/O, or a resume still in progress).
    public static let tryAgain = ALSAError(code: -EAGAIN)
    /// `-EBADFD`: the PCM is in a state that does not allow the call (often: device gone).
    public static let badState = ALSAError(code: -EBADFD)
    /// `-EIO`: input/output error (the sound server went away, a broken transfer).
    public static let ioError = ALSAError(code: -EIO)
    /// `-ENOENT`: no such PCM in the ALSA configuration, or no such device node.
    public static let noEntry = ALSAError(code: -ENOENT)
    /// `-EINVAL`: a parameter the device does not support.
    public static let invalidArgument = ALSAError(code: -EINVAL)

    /// Whether the error means the device itself is gone or unusable, so the only way on is
    /// to close the PCM and open it again (`ENODEV`, `EIO`, `EBADFD`, `ENXIO`).
    public var meansDeviceGone: Bool {
        switch -code {
        case ENODEV, EIO, EBADFD, ENXIO: true
        default: false
        }
    }
}

extension ALSAError {
    /// Returns the non-negative result of an alsa-lib call, or throws its negative code.
    @inlinable
    static func check<I: BinaryInteger>(_ result: I) throws(ALSAError) -> I {
        if result < 0 { throw ALSAError(code: Int32(truncatingIfNeeded: result)) }
        return result
    }
}
