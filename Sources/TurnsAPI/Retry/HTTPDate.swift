import TurnsCore

/// Reads the date form of `retry-after` (`Fri, 29 Sep 2023 16:26:57 GMT`), as leniently as Python's
/// `email.utils.parsedate_tz`, which the SDK uses: the weekday is optional and unchecked, day and month
/// may swap, two-digit years are accepted, and the zone may be a name or `±hhmm` (none means GMT).
enum HTTPDate {
    /// Seconds since 1970 for the date, or nil when it cannot be read.
    static func parse(_ text: String) -> Double? {
        var tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map { $0.lowercased() }
        guard !tokens.isEmpty else { return nil }
        if text.drop(while: { $0 == " " || $0 == "\t" }).split(separator: " ").first?.hasSuffix(",") == true
            || weekdays.contains(tokens[0]) {
            tokens.removeFirst()
        }
        guard tokens.count >= 4 else { return nil }
        var dayText = tokens[0]
        var monthText = tokens[1]
        if month(monthText) == nil, month(dayText) != nil { swap(&dayText, &monthText) }
        guard let day = Int(dayText), (1...31).contains(day), let month = month(monthText),
              var year = Int(tokens[2]) else { return nil }
        if tokens[2].count <= 2 { year += year > 68 ? 1900 : 2000 }
        let clock = tokens[3].split(separator: ":", omittingEmptySubsequences: false)
        guard clock.count == 2 || clock.count == 3,
              let hour = Int(clock[0]), let minute = Int(clock[1]),
              (0...23).contains(hour), (0...59).contains(minute) else { return nil }
        let second = clock.count == 3 ? Int(clock[2]) : 0
        guard let second, (0...61).contains(second) else { return nil }
        var offset = 0
        if tokens.count >= 5 {
            guard let zone = zoneOffset(tokens[4]) else { return nil }
            offset = zone
        }
        let seconds = TimestampFormat.secondsSince1970(year: year, month: month, day: day, hour: hour, minute: minute,
                                                       second: second)
        return Double(seconds - offset)
    }

    private static let weekdays: Set<String> = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    private static func month(_ text: String) -> Int? {
        guard text.count >= 3 else { return nil }
        return months.firstIndex(of: String(text.prefix(3))).map { $0 + 1 }
    }

    /// The zone's offset east of GMT in seconds.
    private static func zoneOffset(_ zone: String) -> Int? {
        switch zone {
        case "gmt", "ut", "utc", "z": return 0
        case "edt": return -4 * 3600
        case "est", "cdt": return -5 * 3600
        case "cst", "mdt": return -6 * 3600
        case "mst", "pdt": return -7 * 3600
        case "pst": return -8 * 3600
        default: break
        }
        guard zone.count == 5, let sign = zone.first, sign == "+" || sign == "-",
              let value = Int(zone.dropFirst()) else { return nil }
        let seconds = (value / 100) * 3600 + (value % 100) * 60
        return sign == "-" ? -seconds : seconds
    }
}
