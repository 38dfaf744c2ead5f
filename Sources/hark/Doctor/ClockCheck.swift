#if canImport(Glibc)
import Glibc
#endif

/// Whether the wall clock is plausible. A Raspberry Pi has no RTC: before NTP syncs it runs
/// from 1970 or from fake-hwclock's last saved time, and every TLS certificate then looks
/// not-yet-valid or expired.
enum ClockCheck {
    static let name = "clock"
    /// 2025-01-01T00:00:00Z: no board running this firmware can truly be earlier.
    static let earliestPlausible = 1_735_689_600
    /// 2100-01-01T00:00:00Z: later than any certificate or board lifetime.
    static let latestPlausible = 4_102_444_800

    /// `now` is seconds since the epoch (`time(nil)` in `hark doctor`).
    static func run(now: Int) -> DoctorCheck {
        let text = utc(now)
        if now < earliestPlausible || now > latestPlausible {
            return .failed(name, "the system clock says \(text), which cannot be right",
                           fix: "let the board sync its time: `timedatectl set-ntp true` (systemd-timesyncd) and check the network; install fake-hwclock on boards without an RTC",
                           exitCode: Sysexits.temporaryFailure)
        }
        return .passed(name, "\(text) is plausible")
    }

    /// `YYYY-MM-DD HH:MM:SS UTC` (`gmtime_r` + `strftime`).
    static func utc(_ seconds: Int) -> String {
        var value = time_t(seconds)
        var parts = tm()
        guard gmtime_r(&value, &parts) != nil else { return "\(seconds) s after 1970" }
        var buffer = [CChar](repeating: 0, count: 32)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S UTC", &parts)
        return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
