import ALSA

#if canImport(Glibc)
import Glibc
#endif

/// A capture or playback device that cannot be used, with a message that names the PCM and
/// says what to do about it.
public struct AudioDeviceError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, for code that reacts differently to each.
    public enum Kind: Sendable, Equatable {
        /// The PCM name is not defined in the ALSA configuration (or its card is absent).
        case notFound
        /// Another program holds the hardware exclusively (`-EBUSY`).
        case busy
        /// The device is not there (`-ENODEV`, `-ENXIO`).
        case unavailable
        /// The device refused the sample format, rate or channel count.
        case unsupportedFormat
        /// Any other alsa-lib failure.
        case failed
        /// The stream was stopped (`stop()`), so the write or finish did not complete.
        case stopped
        /// `write` or `finish` before `begin(format:)`.
        case notStarted
    }

    public var kind: Kind
    /// The PCM name (`hark_capture`, `pulse`, `hw:1,0`).
    public var device: String
    /// `.capture` or `.playback`.
    public var stream: PCMStream
    /// The alsa-lib error behind it, if any.
    public var alsaError: ALSAError?
    /// One line for the user: what failed, with which device, and the fix.
    public var message: String

    public init(kind: Kind, device: String, stream: PCMStream, alsaError: ALSAError? = nil, message: String) {
        self.kind = kind
        self.device = device
        self.stream = stream
        self.alsaError = alsaError
        self.message = message
    }

    public var description: String { message }

    /// The error for a failed open or setup of `device`, with the fix for the common causes.
    static func opening(_ device: String, _ stream: PCMStream, _ error: ALSAError) -> AudioDeviceError {
        let what = "\(stream) device '\(device)'"
        let shipped = stream == .capture ? "hark_capture (dsnoop)" : "hark_playback (dmix)"
        let lister = stream == .capture ? "arecord -L" : "aplay -L"
        switch -error.code {
        case EBUSY:
            return AudioDeviceError(kind: .busy, device: device, stream: stream, alsaError: error, message:
                "\(what) is busy (\(error)): another program holds the sound card without sharing it. "
                + "Use the shipped \(shipped) PCM, which lets several programs share the card "
                + "(see asound.conf.d/README.md), or stop the other program.")
        case ENOENT:
            return AudioDeviceError(kind: .notFound, device: device, stream: stream, alsaError: error, message:
                "\(what) is not defined in the ALSA configuration, or its card is absent (\(error)). "
                + "Run `hark audio devices` or `\(lister)` to list the PCMs, or install the shipped "
                + "asound.conf.d fragments.")
        case ENODEV, ENXIO:
            return AudioDeviceError(kind: .unavailable, device: device, stream: stream, alsaError: error, message:
                "\(what) is not present (\(error)): check the card is plugged in (`hark audio devices`).")
        case EINVAL:
            return AudioDeviceError(kind: .unsupportedFormat, device: device, stream: stream, alsaError: error, message:
                "\(what) refused the format (\(error)). Use a PCM that converts through plug, such as "
                + "\(shipped) or plughw:CARD instead of hw:CARD.")
        default:
            return AudioDeviceError(kind: .failed, device: device, stream: stream, alsaError: error, message:
                "\(what) could not be opened (\(error)). Run `hark audio devices` to check the device.")
        }
    }

    /// The device gave another rate or channel count than asked for (a `hw:` PCM without plug).
    static func format(_ device: String, _ stream: PCMStream, wanted: PCMHardwareParameters, got: PCMHardwareParameters) -> AudioDeviceError {
        let shipped = stream == .capture ? "hark_capture" : "hark_playback"
        return AudioDeviceError(kind: .unsupportedFormat, device: device, stream: stream, message:
            "\(stream) device '\(device)' runs at \(got.sampleRate) Hz with \(got.channels) channel(s), not "
            + "\(wanted.sampleRate) Hz with \(wanted.channels). Use a PCM that converts through plug, "
            + "such as \(shipped) or plughw:CARD instead of hw:CARD.")
    }

    static func stopped(_ device: String, _ stream: PCMStream) -> AudioDeviceError {
        AudioDeviceError(kind: .stopped, device: device, stream: stream, message: "\(stream) on '\(device)' was stopped.")
    }

    static func notStarted(_ device: String, _ stream: PCMStream) -> AudioDeviceError {
        AudioDeviceError(kind: .notStarted, device: device, stream: stream, message:
            "\(stream) on '\(device)' has not begun: call begin(format:) first.")
    }
}
