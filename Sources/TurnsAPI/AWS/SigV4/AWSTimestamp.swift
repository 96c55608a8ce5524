import Foundation
import TurnsCore

/// The SigV4 timestamp `YYYYMMDDTHHMMSSZ` (UTC): `TimestampFormat`'s RFC 3339 without separators or fractions.
public enum AWSTimestamp {
    /// `20150830T123600Z` for 2015-08-30 12:36:00 UTC (`seconds` since 1970, fractions dropped).
    public static func format(_ seconds: Double) -> String {
        let rfc3339 = TimestampFormat.string(from: Date(timeIntervalSince1970: seconds.rounded(.down)))
        return rfc3339.prefix(19).filter { $0 != "-" && $0 != ":" } + "Z"
    }

    /// The seconds since 1970 of a `YYYYMMDDTHHMMSSZ` text, or nil when it is not one.
    public static func parse(_ text: String) -> Double? {
        let characters = Array(text)
        guard characters.count == 16, characters[8] == "T", characters[15] == "Z" else { return nil }
        func part(_ range: Range<Int>) -> String { String(characters[range]) }
        let rfc3339 = "\(part(0..<4))-\(part(4..<6))-\(part(6..<8))T\(part(9..<11)):\(part(11..<13)):\(part(13..<15))Z"
        // Formatting back refuses what the calendar would roll over (e.g. 20150231).
        guard let seconds = TimestampFormat.date(from: rfc3339)?.timeIntervalSince1970, format(seconds) == text else {
            return nil
        }
        return seconds
    }
}
