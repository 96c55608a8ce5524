import XCTest
@testable import TurnsUI

final class DisplayWidthTests: XCTestCase {
    func testAsciiTakesOneCellPerCharacter() {
        XCTAssertEqual(DisplayWidth.of("hello, world"), 12)
    }

    func testCJKTakesTwoCells() {
        XCTAssertEqual(DisplayWidth.of("界x"), 3)
        XCTAssertEqual(DisplayWidth.of("日本語"), 6)
        XCTAssertEqual(DisplayWidth.of("한국어"), 6)
        XCTAssertEqual(DisplayWidth.of("ＡＢ"), 4, "fullwidth Latin")
    }

    func testEmojiTakesTwoCells() {
        XCTAssertEqual(DisplayWidth.of("😀x"), 3)
        XCTAssertEqual(DisplayWidth.of(Character("👍🏽")), 2, "emoji with a skin-tone modifier")
    }

    func testZeroWidthJoinerSequenceIsOnePicture() {
        XCTAssertEqual(DisplayWidth.of("👩‍💻"), 2)
        XCTAssertEqual(DisplayWidth.of("👨‍👩‍👧‍👦"), 2)
    }

    func testFlagIsOnePictureOfTwoCells() {
        XCTAssertEqual(DisplayWidth.of("🇫🇷"), 2)
        XCTAssertEqual(DisplayWidth.of("🇫🇷🇯🇵"), 4)
    }

    func testVariationSelector16AsksForEmojiPresentation() {
        XCTAssertEqual(DisplayWidth.of("\u{2764}"), 1, "a heart without VS16 is text")
        XCTAssertEqual(DisplayWidth.of("\u{2764}\u{FE0F}"), 2)
        XCTAssertEqual(DisplayWidth.of("1\u{FE0F}\u{20E3}"), 2, "keycap")
    }

    func testCombiningMarksTakeNoCells() {
        XCTAssertEqual(DisplayWidth.of("e\u{301}"), 1)
        XCTAssertEqual(DisplayWidth.of("\u{301}" as Unicode.Scalar), 0)
        XCTAssertEqual(DisplayWidth.of("a\u{200B}b"), 2, "zero width space")
        XCTAssertEqual(DisplayWidth.of("\u{200D}" as Unicode.Scalar), 0, "zero width joiner")
        XCTAssertEqual(DisplayWidth.of("\u{FE0F}" as Unicode.Scalar), 0, "variation selector")
    }

    func testControlCharactersTakeNoCells() {
        XCTAssertEqual(DisplayWidth.of("a\u{1B}b\u{7}"), 2)
        XCTAssertEqual(DisplayWidth.of("\u{85}" as Unicode.Scalar), 0)
    }

    func testTabExpandsToTheNextTabStopFromTheCurrentColumn() {
        XCTAssertEqual(DisplayWidth.of("\t"), 8)
        XCTAssertEqual(DisplayWidth.of("ab\t"), 8)
        XCTAssertEqual(DisplayWidth.of("\t", startingAt: 3), 5)
        XCTAssertEqual(DisplayWidth.of("界\tx"), 9)
        XCTAssertEqual(DisplayWidth.of("a\tb", tabWidth: 4), 5)
    }

    func testLatinWithDiacriticsTakesOneCell() {
        XCTAssertEqual(DisplayWidth.of("café naïve"), 10)
    }
}
