import TurnsTestSupport
@testable import TurnsUI

extension ScreenBuffer: TextScreen {}

/// A small deterministic random generator (SplitMix64), so that property tests replay the same cases.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The rows of `text` wrapped at `width`, each drawn as it appears on screen.
func wrappedLines(_ text: String, width: Int, codeFences: Bool = true) -> [String] {
    let rows = TextWrapper.wrap(text, options: WrapOptions(width: width, codeFences: codeFences))
    var screen = ScreenBuffer(width: width, height: rows.count)
    for (y, row) in rows.enumerated() {
        screen.draw(slice(text, row.start, row.end), x: 0, y: y, style: .plain)
    }
    return screen.lines.map { line in
        var s = Substring(line)
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}

/// The part of `text` between two UTF-8 offsets.
func slice(_ text: String, _ start: Int, _ end: Int) -> Substring {
    let utf8 = text.utf8
    return text[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: end)]
}
