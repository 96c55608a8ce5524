import TurnsTestSupport
@testable import TurnsUI

extension ScreenBuffer: TextScreen {}

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
