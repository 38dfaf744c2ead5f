/// A TOML date, time or date-time, kept as its components and its original text. There is no
/// `Date` here on purpose: a local date-time has no instant, and Foundation's calendar code is
/// what this module exists to avoid.
public struct TOMLDateTime: Sendable, Hashable, CustomStringConvertible {
    /// A calendar date (`1979-05-27`).
    public struct Date: Sendable, Hashable {
        public var year: Int
        public var month: Int
        public var day: Int
        public init(year: Int, month: Int, day: Int) {
            self.year = year
            self.month = month
            self.day = day
        }
    }

    /// A time of day (`07:32:00.999`); `nanosecond` keeps up to nine fractional digits (more are
    /// truncated, as TOML allows).
    public struct Time: Sendable, Hashable {
        public var hour: Int
        public var minute: Int
        public var second: Int
        public var nanosecond: Int
        public init(hour: Int, minute: Int, second: Int, nanosecond: Int = 0) {
            self.hour = hour
            self.minute = minute
            self.second = second
            self.nanosecond = nanosecond
        }
    }

    /// Which of TOML's four kinds this is.
    public enum Kind: Sendable, Hashable {
        case offsetDateTime, localDateTime, localDate, localTime
    }

    public var date: Date?
    public var time: Time?
    /// Minutes east of UTC (`Z` is 0); nil for local date-times, dates and times.
    public var offsetMinutes: Int?
    /// Exactly as written in the document.
    public var text: String

    public init(date: Date?, time: Time?, offsetMinutes: Int?, text: String) {
        self.date = date
        self.time = time
        self.offsetMinutes = offsetMinutes
        self.text = text
    }

    public var kind: Kind {
        switch (date, time, offsetMinutes) {
        case (.some, .some, .some): .offsetDateTime
        case (.some, .some, nil): .localDateTime
        case (.some, nil, _): .localDate
        default: .localTime
        }
    }

    public var description: String { text }

    /// Days in `month` of `year` (Gregorian leap years), 0 for a month that does not exist.
    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: 31
        case 4, 6, 9, 11: 30
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        default: 0
        }
    }
}
