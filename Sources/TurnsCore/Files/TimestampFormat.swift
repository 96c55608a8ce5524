import Foundation

/// RFC 3339 UTC timestamps with milliseconds ("2026-11-21T23:55:00.123Z"), stable through a round trip.
public enum TimestampFormat {
    /// Formats a date, rounded to the millisecond.
    public static func string(from date: Date) -> String {
        let totalMilliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        var seconds = totalMilliseconds / 1000
        var millis = totalMilliseconds % 1000
        if millis < 0 { millis += 1000; seconds -= 1 }
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var text: [UInt8] = []
        text.reserveCapacity(24)
        func append(_ value: Int, digits: Int, then separator: Character) {
            var divisor = 1
            for _ in 1..<digits { divisor *= 10 }
            while divisor > 0 {
                text.append(UInt8(ascii: "0") + UInt8(abs(value) / divisor % 10))
                divisor /= 10
            }
            text.append(separator.asciiValue!)
        }
        append(Int(parts.tm_year) + 1900, digits: 4, then: "-")
        append(Int(parts.tm_mon) + 1, digits: 2, then: "-")
        append(Int(parts.tm_mday), digits: 2, then: "T")
        append(Int(parts.tm_hour), digits: 2, then: ":")
        append(Int(parts.tm_min), digits: 2, then: ":")
        append(Int(parts.tm_sec), digits: 2, then: ".")
        append(Int(millis), digits: 3, then: "Z")
        return String(decoding: text, as: UTF8.self)
    }

    /// Parses a timestamp written by `string(from:)` (fractional seconds optional, `Z` or `+00:00`).
    public static func date(from text: String) -> Date? {
        let scalars = Array(text.utf8)
        guard scalars.count >= 20 else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= scalars.count else { return nil }
            var value = 0
            for k in from..<(from + count) {
                let c = scalars[k]
                guard c >= 0x30 && c <= 0x39 else { return nil }
                value = value * 10 + Int(c - 0x30)
            }
            return value
        }
        guard let year = number(0, 4), scalars[4] == 0x2D, let month = number(5, 2), scalars[7] == 0x2D,
              let day = number(8, 2), scalars[10] == 0x54 || scalars[10] == 0x74, let hour = number(11, 2),
              scalars[13] == 0x3A, let minute = number(14, 2), scalars[16] == 0x3A, let second = number(17, 2),
              (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
        var index = 19
        var millis = 0.0
        if index < scalars.count && scalars[index] == 0x2E {
            index += 1
            var scale = 0.1
            let start = index
            while index < scalars.count, scalars[index] >= 0x30 && scalars[index] <= 0x39 {
                millis += Double(scalars[index] - 0x30) * scale * 1000
                scale /= 10
                index += 1
            }
            guard index > start else { return nil }
        }
        let zone = String(decoding: scalars[index...], as: UTF8.self)
        guard zone == "Z" || zone == "z" || zone == "+00:00" else { return nil }
        let seconds = secondsSince1970(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return Date(timeIntervalSince1970: Double(seconds) + millis.rounded() / 1000)
    }

    /// Seconds since 1970 of a UTC date and time; fields past their range roll over, as `timegm` does.
    public static func secondsSince1970(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) -> Int {
        var parts = tm()
        parts.tm_year = Int32(clamping: year - 1900)
        parts.tm_mon = Int32(month - 1)
        parts.tm_mday = Int32(day)
        parts.tm_hour = Int32(hour)
        parts.tm_min = Int32(minute)
        parts.tm_sec = Int32(second)
        return timegm(&parts)
    }
}
