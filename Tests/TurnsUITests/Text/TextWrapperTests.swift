import XCTest
import TurnsTestSupport
@testable import TurnsUI

final class TextWrapperTests: XCTestCase {
    func testProseWrapsAtWordBoundaries() {
        XCTAssertEqual(wrappedLines("the quick brown fox jumps", width: 10),
                       ["the quick", "brown fox", "jumps"])
    }

    func testAWordLongerThanTheWidthIsBrokenByCells() {
        XCTAssertEqual(wrappedLines("go abcdefghijkl end", width: 5),
                       ["go", "abcde", "fghij", "kl", "end"])
    }

    func testExplicitNewlinesArePreserved() {
        XCTAssertEqual(wrappedLines("one\n\ntwo\r\nthree", width: 20), ["one", "", "two", "three"])
        XCTAssertEqual(wrappedLines("end\n", width: 20), ["end", ""])
    }

    func testCJKWrapsBetweenCharactersWithoutSplittingAny() {
        XCTAssertEqual(wrappedLines("日本語のテキスト", width: 5), ["日本", "語の", "テキ", "スト"])
        XCTAssertEqual(wrappedLines("ab日本語", width: 5), ["ab日", "本語"])
    }

    func testEmojiAreNeverCutAcrossRows() {
        XCTAssertEqual(wrappedLines("😀😀😀 👩‍💻🇫🇷", width: 5), ["😀😀", "😀 👩‍💻", "🇫🇷"])
    }

    func testCombiningMarksStayWithTheirLetter() {
        XCTAssertEqual(wrappedLines("cafe\u{301} cafe\u{301}", width: 4), ["cafe\u{301}", "cafe\u{301}"])
        XCTAssertEqual(wrappedLines("e\u{301}e\u{301}e\u{301}", width: 2), ["e\u{301}e\u{301}", "e\u{301}"])
    }

    func testTabsExpandFromTheStartOfTheRow() {
        XCTAssertEqual(wrappedLines("a\tb", width: 20), ["a       b"])
        XCTAssertEqual(wrappedLines("word\tnext", width: 10), ["word", "next"])
    }

    func testFencedCodeBlocksAreNotReflowed() {
        let text = "see this:\n```swift\nlet x =   1 // a long comment here\n```\nafter the block"
        XCTAssertEqual(wrappedLines(text, width: 16), [
            "see this:",
            "```swift",
            "let x =   1 // a",
            " long comment he",
            "re",
            "```",
            "after the block",
        ])
        let kinds = TextWrapper.wrap(text, options: WrapOptions(width: 16)).map(\.kind)
        XCTAssertEqual(kinds, [.prose, .fenceOpen, .code, .code, .code, .fenceClose, .prose])
    }

    func testFencesAreIgnoredWhenNotAsked() {
        let rows = TextWrapper.wrap("```\nx", options: WrapOptions(width: 10, codeFences: false))
        XCTAssertEqual(rows.map(\.kind), [.prose, .prose])
    }

    func testRowsRecordTheirCells() {
        let rows = TextWrapper.wrap("界x hello", options: WrapOptions(width: 5))
        XCTAssertEqual(rows.map(\.cells), [4, 5])
    }

    func testAWideCharacterAtWidthOneGetsARowOfItsOwn() {
        let rows = TextWrapper.wrap("a界b", options: WrapOptions(width: 1))
        XCTAssertEqual(rows.map(\.cells), [1, 2, 1])
    }

    func testRewrappingTheTailGivesTheSameRowsAsWrappingEverything() {
        let pieces = ["Here is ", "some code:\n`", "``py", "thon\nprint('hé", "\u{301}llo')  # a comment that is long",
                      "\n``", "`\nand 日本", "語 text 👩", "\u{200D}💻 done\r", "\nlast"]
        for width in [1, 3, 7, 12, 40] {
            let options = WrapOptions(width: width)
            var text = ""
            var rows: [WrappedRow] = []
            for piece in pieces {
                text += piece
                TextWrapper.rewrapTail(text, rows: &rows, options: options)
                XCTAssertEqual(rows, TextWrapper.wrap(text, options: options), "width \(width) after \(piece.debugDescription)")
            }
        }
    }

    /// For random text and widths, every row fits the width and the rows give back the text.
    func testRandomTextWrapsIntoRowsThatFitAndCoverTheText() {
        var rng = SeededGenerator(seed: 42)
        let alphabet: [String] = ["a", "b", "word", "x", " ", " ", "  ", "\t", "\n", "\r\n", "界", "語", "😀", "👩‍💻",
                                  "🇫🇷", "e\u{301}", "\u{301}", "-", "```", "\n```\n", "é", "\u{200B}", "ＡＢ"]
        for _ in 0..<400 {
            let length = Int.random(in: 0...60, using: &rng)
            let text = (0..<length).map { _ in alphabet.randomElement(using: &rng)! }.joined()
            let width = Int.random(in: 1...120, using: &rng)
            let rows = TextWrapper.wrap(text, options: WrapOptions(width: width))
            let context = "text \(text.debugDescription) width \(width)"
            XCTAssertEqual(rows.first?.start, 0, context)
            XCTAssertEqual(rows.last?.end, text.utf8.count, context)
            // No row cuts a grapheme cluster (an accent after an ASCII letter, a flag, a ZWJ sequence).
            var boundaries: Set<Int> = [text.utf8.count]
            var offset = 0
            for character in text { boundaries.insert(offset); offset += character.utf8.count }
            XCTAssertTrue(rows.allSatisfy { boundaries.contains($0.start) && boundaries.contains($0.end) }, context)
            var rebuilt = ""
            for (i, row) in rows.enumerated() {
                let shown = DisplayWidth.of(slice(text, row.start, row.end))
                let widest = slice(text, row.start, row.end).map { DisplayWidth.of($0) }.max() ?? 0
                // A row may pass the width only with whitespace that hangs at a break, or with one cluster wider
                // than the whole width.
                XCTAssertLessThanOrEqual(row.cells, max(width, widest), context)
                let visible = slice(text, row.start, row.end).reversed()
                    .drop(while: { $0 == " " || $0 == "\t" || DisplayWidth.of($0) == 0 })
                XCTAssertLessThanOrEqual(DisplayWidth.of(String(visible.reversed())), max(width, widest), context)
                XCTAssertTrue(shown >= row.cells || row.cells == width, context)
                rebuilt += slice(text, row.start, row.end)
                if i + 1 < rows.count {
                    let gap = slice(text, row.end, rows[i + 1].start)
                    XCTAssertTrue(gap.isEmpty || gap == "\n" || gap == "\r\n", context)
                    XCTAssertEqual(row.endsLine, !gap.isEmpty, context)
                    rebuilt += gap
                }
            }
            XCTAssertEqual(rebuilt, text, context)
        }
    }

    /// Streaming random text in random pieces re-wraps to exactly what wrapping the whole text gives.
    func testRandomStreamingRewrapMatchesAFullWrap() {
        var rng = SeededGenerator(seed: 7)
        let alphabet: [String] = ["ab", "c", " ", "\t", "\n", "\r", "界", "😀", "\u{200D}", "👩", "🇫", "e", "\u{301}", "`", "```"]
        for _ in 0..<200 {
            let width = Int.random(in: 1...30, using: &rng)
            let options = WrapOptions(width: width)
            var text = ""
            var rows: [WrappedRow] = []
            for _ in 0..<Int.random(in: 1...40, using: &rng) {
                text += (0..<Int.random(in: 1...3, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
                TextWrapper.rewrapTail(text, rows: &rows, options: options)
            }
            XCTAssertEqual(rows, TextWrapper.wrap(text, options: options), "text \(text.debugDescription) width \(width)")
        }
    }
}
