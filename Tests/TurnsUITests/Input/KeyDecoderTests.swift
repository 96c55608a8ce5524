import XCTest
import TurnsUI

final class KeyDecoderTests: XCTestCase {
    private func decode(_ inputs: [KeyDecoder.RawInput], flush: Bool = true) -> [InputEvent] {
        var decoder = KeyDecoder()
        var events = inputs.flatMap { decoder.feed($0) }
        if flush { events += decoder.flushEscape() }
        return events
    }

    private func chars(_ text: String) -> [KeyDecoder.RawInput] {
        text.unicodeScalars.map { .character(Character($0)) }
    }

    func testPrintableCharactersAreTypedAsThemselves() {
        XCTAssertEqual(decode(chars("a界😀")), [.key(KeyPress(.character("a"))), .key(KeyPress(.character("界"))), .key(KeyPress(.character("😀")))])
    }

    func testEnterCtrlJTabAndBackspaceAreNamedKeys() {
        // The terminal delivers one character at a time, so "\r" and "\n" never merge into one grapheme here.
        XCTAssertEqual(decode([.character("\r"), .character("\n"), .character("\t"), .character("\u{7F}")]),
                       [.key(KeyPress(.enter)), .key(.ctrl("j")), .key(KeyPress(.tab)), .key(KeyPress(.backspace))])
    }

    func testControlCharactersBecomeCtrlLetters() {
        XCTAssertEqual(decode(chars("\u{01}\u{03}\u{04}\u{17}")),
                       [.key(.ctrl("a")), .key(.ctrl("c")), .key(.ctrl("d")), .key(.ctrl("w"))])
    }

    func testAnEscapePrefixMakesAnAltCombination() {
        XCTAssertEqual(decode(chars("\u{1B}b\u{1B}\r")), [.key(.alt("b")), .key(KeyPress(.enter, .alt))])
        XCTAssertEqual(decode([.character("\u{1B}"), .key(KeyPress(.left))]), [.key(KeyPress(.left, .alt))])
    }

    func testAnEscapeWithNothingAfterItIsAPlainEsc() {
        XCTAssertEqual(decode(chars("\u{1B}")), [.key(KeyPress(.escape))])
        XCTAssertEqual(decode(chars("\u{1B}\u{1B}")), [.key(KeyPress(.escape)), .key(KeyPress(.escape))])
        XCTAssertEqual(decode(chars("\u{1B}"), flush: false), [])
    }

    func testABracketedPasteArrivesWholeWithItsNewlines() {
        let inputs: [KeyDecoder.RawInput] = [.pasteStart] + chars("line one\rline\ttwo\r") + [.key(KeyPress(.enter))]
            + chars("end") + [.pasteEnd] + chars("x")
        XCTAssertEqual(decode(inputs), [.paste("line one\nline\ttwo\n\nend"), .key(KeyPress(.character("x")))])
    }

    func testTheWheelPassesThrough() {
        XCTAssertEqual(decode([.wheel(-1)]), [.wheel(-1)])
    }

    func testKeyNamesReadLikeTheHelpScreen() {
        XCTAssertEqual(KeyPress.ctrl("a").description, "Ctrl-A")
        XCTAssertEqual(KeyPress(.enter, .alt).description, "Alt-Enter")
        XCTAssertEqual(KeyPress(.function(2)).description, "F2")
        XCTAssertEqual(KeyPress(.pageUp).description, "PgUp")
    }
}
