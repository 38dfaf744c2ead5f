#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A board without a real-time clock (a Raspberry Pi) boots in 1970 until NTP answers, and TLS
/// refuses every certificate until then. Said once at start, in words.
public enum ClockSanity {
    /// The year this firmware was built in: a clock before it is certainly wrong.
    public static let buildYear = 2026

    /// The UTC year of the wall clock now (`clock_gettime(CLOCK_REALTIME)` + `gmtime_r`).
    public static func currentYear() -> Int {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return Int(parts.tm_year) + 1900
    }

    /// The warning to log, or nil when the clock looks right.
    public static func warning(year: Int = currentYear()) -> String? {
        guard year < buildYear else { return nil }
        return "the system clock says \(year), before this firmware was built (\(buildYear)); TLS certificates cannot be verified until the time is set: enable NTP (systemd-timesyncd) and check the network"
    }
}
