/// How many terminal cells text takes: the pure-Swift equivalent of `wcwidth`, per grapheme cluster.
///
/// CJK wide and fullwidth characters and emoji take two cells; combining marks, zero-width characters and
/// controls take none; everything else takes one. A tab is not a fixed width: it reaches the next tab stop
/// from the current column (see `tabAdvance`). ASCII is answered without any table lookup.
public enum DisplayWidth {
    /// The default distance between tab stops.
    public static let defaultTabWidth = 8

    /// The cells a tab takes when it starts at `column`: up to the next multiple of `tabWidth`.
    @inlinable
    public static func tabAdvance(atColumn column: Int, tabWidth: Int = defaultTabWidth) -> Int {
        let stop = max(1, tabWidth)
        return stop - (column % stop)
    }

    /// The cells one grapheme cluster takes (0, 1 or 2); a tab counts as 1 here, callers expand it by column.
    public static func of(_ cluster: Character) -> Int {
        if let ascii = cluster.asciiValue { return asciiWidth(ascii) }
        let scalars = cluster.unicodeScalars
        guard let first = scalars.first else { return 0 }
        let rest = scalars.dropFirst()
        // A flag is a pair of regional indicators; an emoji followed by VS16 asks for emoji presentation;
        // a ZWJ sequence of emoji renders as one picture. All of them take two cells.
        let isEmojiSequence = first.properties.isEmoji && rest.contains("\u{FE0F}")
        if !rest.isEmpty && (isRegionalIndicator(first) || isEmojiSequence) { return 2 }
        return scalars.reduce(0) { max($0, of($1)) }
    }

    /// The cells one Unicode scalar takes on its own (0, 1 or 2).
    public static func of(_ scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v < 0x80 { return asciiWidth(UInt8(v)) }
        if v < 0xA0 { return 0 }  // C1 controls
        if v < 0x300 { return 1 }  // Latin-1 and Latin Extended: no marks, nothing wide
        if isZeroWidth(scalar) { return 0 }
        if isWide(v) { return 2 }
        if v >= 0x2300 && scalar.properties.isEmojiPresentation { return 2 }
        return 1
    }

    /// The cells a string takes when drawn from `column` (tabs expanded from there), not counting `column` itself.
    public static func of<S: StringProtocol>(_ text: S, startingAt column: Int = 0,
                                             tabWidth: Int = defaultTabWidth) -> Int {
        var col = column
        let utf8 = text.utf8
        // Fast path: ASCII has one cell per byte except tabs and controls.
        if utf8.allSatisfy({ $0 < 0x80 }) {
            for byte in utf8 {
                if byte == 0x09 { col += tabAdvance(atColumn: col, tabWidth: tabWidth) } else { col += asciiWidth(byte) }
            }
            return col - column
        }
        for cluster in text {
            if cluster == "\t" { col += tabAdvance(atColumn: col, tabWidth: tabWidth) } else { col += of(cluster) }
        }
        return col - column
    }

    /// The width of an ASCII byte: printable characters 1, controls (including tab and newline) 0.
    @inlinable
    static func asciiWidth(_ byte: UInt8) -> Int {
        (byte >= 0x20 && byte < 0x7F) ? 1 : 0
    }

    /// Regional indicator symbols (the halves of a flag).
    static func isRegionalIndicator(_ scalar: Unicode.Scalar) -> Bool {
        (0x1F1E6...0x1F1FF).contains(scalar.value)
    }

    /// Combining marks, format characters, variation selectors, Hangul medial/final jamo and other zero-width scalars.
    static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if (0x1160...0x11FF).contains(v) || (0xD7B0...0xD7FF).contains(v) { return true }  // Hangul jamo that join
        if v == 0x200B { return true }  // zero width space
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format, .control, .lineSeparator, .paragraphSeparator:
            return true
        default:
            return false
        }
    }

    /// East Asian Wide and Fullwidth ranges (Unicode 15 `EastAsianWidth.txt`, W and F, grouped).
    private static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0...0x23F0, 0x23F3...0x23F3,
        0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F...0x267F, 0x2693...0x2693, 0x26A1...0x26A1,
        0x26AA...0x26AB, 0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE...0x26CE, 0x26D4...0x26D4, 0x26EA...0x26EA,
        0x26F2...0x26F3, 0x26F5...0x26F5, 0x26FA...0x26FA, 0x26FD...0x26FD, 0x2705...0x2705, 0x270A...0x270B,
        0x2728...0x2728, 0x274C...0x274C, 0x274E...0x274E, 0x2753...0x2755, 0x2757...0x2757, 0x2795...0x2797,
        0x27B0...0x27B0, 0x27BF...0x27BF, 0x2B1B...0x2B1C, 0x2B50...0x2B50, 0x2B55...0x2B55,
        0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
        0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
        0xFF00...0xFF60, 0xFFE0...0xFFE6,
        0x16FE0...0x16FE4, 0x16FF0...0x16FF1, 0x17000...0x187F7, 0x18800...0x18CD5, 0x18D00...0x18D08,
        0x1AFF0...0x1AFFE, 0x1B000...0x1B2FB,
        0x1F004...0x1F004, 0x1F0CF...0x1F0CF, 0x1F18E...0x1F18E, 0x1F191...0x1F19A, 0x1F200...0x1F202,
        0x1F210...0x1F23B, 0x1F240...0x1F248, 0x1F250...0x1F251, 0x1F260...0x1F265,
        0x1F300...0x1F320, 0x1F32D...0x1F335, 0x1F337...0x1F37C, 0x1F37E...0x1F393, 0x1F3A0...0x1F3CA,
        0x1F3CF...0x1F3D3, 0x1F3E0...0x1F3F0, 0x1F3F4...0x1F3F4, 0x1F3F8...0x1F43E, 0x1F440...0x1F440,
        0x1F442...0x1F4FC, 0x1F4FF...0x1F53D, 0x1F54B...0x1F54E, 0x1F550...0x1F567, 0x1F57A...0x1F57A,
        0x1F595...0x1F596, 0x1F5A4...0x1F5A4, 0x1F5FB...0x1F64F, 0x1F680...0x1F6C5, 0x1F6CC...0x1F6CC,
        0x1F6D0...0x1F6D2, 0x1F6D5...0x1F6D7, 0x1F6DC...0x1F6DF, 0x1F6EB...0x1F6EC, 0x1F6F4...0x1F6FC,
        0x1F7E0...0x1F7EB, 0x1F7F0...0x1F7F0, 0x1F90C...0x1F93A, 0x1F93C...0x1F945, 0x1F947...0x1F9FF,
        0x1FA70...0x1FAFF, 0x20000...0x2FFFD, 0x30000...0x3FFFD,
    ]

    /// True for scalars in the East Asian Wide or Fullwidth ranges (binary search over `wideRanges`).
    static func isWide(_ value: UInt32) -> Bool {
        if value < 0x1100 { return false }
        var low = 0
        var high = wideRanges.count - 1
        while low <= high {
            let mid = (low + high) / 2
            let range = wideRanges[mid]
            if value < range.lowerBound { high = mid - 1 } else if value > range.upperBound { low = mid + 1 } else { return true }
        }
        return false
    }
}
