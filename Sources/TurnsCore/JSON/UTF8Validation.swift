// TODO(merge): only TurnsAPI/TurnsServe use this
/// Checks that bytes are well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past U+10FFFF).
///
/// The standard library's `String(validating:as:)` reaches this through generic code that looks up type metadata on
/// every call; on the streaming hot paths (a JSON string per event) that lookup cost more than the check itself.
public enum UTF8Validation {
    /// True when `bytes` are well-formed UTF-8.
    public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var index = 0
        while index < count {
            let lead = base[index]
            if lead < 0x80 { index += 1; continue }
            // The allowed range of the second byte depends on the lead (Table 3-7 of the Unicode standard).
            let length: Int
            var low: UInt8 = 0x80, high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED: length = 3; high = 0x9F
            case 0xF0: length = 4; low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; high = 0x8F
            default: return false
            }
            guard index + length <= count else { return false }
            let second = base[index + 1]
            guard second >= low && second <= high else { return false }
            var k = 2
            while k < length {
                guard base[index + k] & 0xC0 == 0x80 else { return false }
                k += 1
            }
            index += length
        }
        return true
    }

    /// True when `bytes` are well-formed UTF-8.
    public static func isValid(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBufferPointer { isValid($0) }
    }
}
