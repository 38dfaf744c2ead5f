/// Wall-clock time in whole seconds since 1970-01-01 UTC, as alerts are scheduled in it.
/// Alerts need the calendar time (an alarm at 7:00 stays at 7:00 across a reboot), so the
/// owner passes the wall clock in with every input; the agent never reads it.
public struct AlertTime: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var secondsSince1970: Int64

    public init(secondsSince1970: Int64) {
        self.secondsSince1970 = secondsSince1970
    }

    public static func < (lhs: AlertTime, rhs: AlertTime) -> Bool {
        lhs.secondsSince1970 < rhs.secondsSince1970
    }

    public static func + (lhs: AlertTime, rhs: Int64) -> AlertTime {
        AlertTime(secondsSince1970: lhs.secondsSince1970 + rhs)
    }

    /// Seconds from `other` to this time (negative when this is earlier).
    public func seconds(since other: AlertTime) -> Int64 {
        secondsSince1970 - other.secondsSince1970
    }

    /// AVS's `scheduledTime` form, ISO 8601: `2026-11-29T07:00:00+0000`. Also accepts `Z`, an
    /// offset with a colon, and fractional seconds (ignored).
    public init?(iso8601 text: String) {
        let chars = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= chars.count else { return nil }
            var value: Int64 = 0
            for char in chars[range] {
                guard char >= 48, char <= 57 else { return nil }
                value = value * 10 + Int64(char - 48)
            }
            return value
        }
        guard chars.count >= 19, chars[4] == 45, chars[7] == 45, chars[10] == 84 || chars[10] == 116,
              chars[13] == 58, chars[16] == 58,
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day),
              hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        if index < chars.count, chars[index] == 46 {
            index += 1
            while index < chars.count, chars[index] >= 48, chars[index] <= 57 { index += 1 }
        }
        let zone = Array(chars[index...])
        var offset: Int64 = 0
        switch zone.count {
        case 0:
            // No zone: AVS always sends one, but UTC is the only sane reading.
            offset = 0
        case 1 where zone[0] == 90 || zone[0] == 122:
            offset = 0
        case 5, 6:
            guard zone[0] == 43 || zone[0] == 45 else { return nil }
            let digits = zone.count == 6 ? [zone[1], zone[2], zone[4], zone[5]] : Array(zone[1...4])
            guard zone.count == 5 || zone[3] == 58, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            let value = digits.map { Int64($0 - 48) }
            let hours = value[0] * 10 + value[1], minutes = value[2] * 10 + value[3]
            guard hours < 24, minutes < 60 else { return nil }
            offset = (hours * 3600 + minutes * 60) * (zone[0] == 45 ? -1 : 1)
        default:
            return nil
        }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        secondsSince1970 = days * 86_400 + hour * 3600 + minute * 60 + second - offset
    }

    /// `YYYY-MM-DDTHH:MM:SS+0000`, the form AVS sends and expects back in AlertsState.
    public var iso8601: String {
        let days = secondsSince1970 >= 0 ? secondsSince1970 / 86_400 : (secondsSince1970 - 86_399) / 86_400
        let rest = secondsSince1970 - days * 86_400
        let (year, month, day) = Self.civil(fromDays: days)
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(year)-\(two(month))-\(two(day))T\(two(rest / 3600)):\(two(rest % 3600 / 60)):\(two(rest % 60))+0000"
    }

    public var description: String { iso8601 }

    // Howard Hinnant's days-from-civil and civil-from-days, proleptic Gregorian calendar.
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysIn(month: Int64, year: Int64) -> Int64 {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
