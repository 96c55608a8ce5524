import XCTest
import TurnsTestSupport
@testable import TurnsUI

final class InputEditorTests: XCTestCase {
    private func editor(_ text: String, width: Int = 20, maxHeight: Int = 5) -> InputEditor {
        var editor = InputEditor(width: width, maxHeight: maxHeight)
        editor.insert(text)
        return editor
    }

    private func textWithCursor(_ editor: InputEditor) -> String {
        var text = editor.text
        text.insert("|", at: text.utf8.index(text.utf8.startIndex, offsetBy: editor.cursor))
        return text
    }

    func testTypingInsertsAtTheCursor() {
        var e = editor("helo")
        e.moveLeft()
        e.insert("l")
        XCTAssertEqual(textWithCursor(e), "hell|o")
    }

    func testBackspaceAndDeleteRemoveWholeGraphemes() {
        var e = editor("a👩‍💻e\u{301}🇫🇷")
        e.deleteBackward()
        XCTAssertEqual(textWithCursor(e), "a👩‍💻e\u{301}|")
        e.moveLeft()
        e.moveLeft()
        e.deleteForward()
        XCTAssertEqual(textWithCursor(e), "a|e\u{301}")
        e.moveToLineStart()
        e.deleteBackward()
        XCTAssertEqual(textWithCursor(e), "|ae\u{301}", "nothing before the start")
    }

    func testArrowsMoveByGrapheme() {
        var e = editor("界e\u{301}")
        e.moveLeft()
        XCTAssertEqual(textWithCursor(e), "界|e\u{301}")
        e.moveLeft()
        e.moveLeft()
        XCTAssertEqual(textWithCursor(e), "|界e\u{301}")
        e.moveRight()
        XCTAssertEqual(textWithCursor(e), "界|e\u{301}")
    }

    func testACombiningMarkTypedAfterALetterJoinsIt() {
        var e = editor("e")
        e.insert("\u{301}")
        XCTAssertEqual(e.text, "e\u{301}")
        e.moveLeft()
        XCTAssertEqual(e.cursor, 0, "one grapheme")
    }

    func testHomeAndEndWorkOnTheCurrentLine() {
        var e = editor("first\nsecond line")
        e.moveLeft()
        e.moveToLineStart()
        XCTAssertEqual(textWithCursor(e), "first\n|second line")
        e.moveToLineEnd()
        XCTAssertEqual(textWithCursor(e), "first\nsecond line|")
    }

    func testCtrlKKillsToTheEndOfTheLineThenTheNewline() {
        var e = editor("one two\nthree")
        e.setText("one two\nthree")
        e.moveUp()
        e.moveToLineStart()
        e.moveWordRight()
        e.killToLineEnd()
        XCTAssertEqual(textWithCursor(e), "one|\nthree")
        XCTAssertEqual(e.killBuffer, " two")
        e.killToLineEnd()
        XCTAssertEqual(textWithCursor(e), "one|three")
        e.yank()
        XCTAssertEqual(textWithCursor(e), "one two|three")
    }

    func testCtrlUKillsToTheStartOfTheLine() {
        var e = editor("keep\ndrop this")
        e.moveLeft()
        e.moveLeft()
        e.killToLineStart()
        XCTAssertEqual(textWithCursor(e), "keep\n|is")
    }

    func testCtrlWDeletesTheWordBeforeTheCursor() {
        var e = editor("git commit -m  ")
        e.deleteWordBackward()
        XCTAssertEqual(textWithCursor(e), "git commit |")
        e.deleteWordBackward()
        XCTAssertEqual(textWithCursor(e), "git |")
    }

    func testAltBAndAltFMoveByWords() {
        var e = editor("hello, wide 世界 world")
        e.moveWordLeft()
        XCTAssertEqual(textWithCursor(e), "hello, wide 世界 |world")
        e.moveWordLeft()
        XCTAssertEqual(textWithCursor(e), "hello, wide |世界 world")
        e.moveWordLeft()
        e.moveWordLeft()
        XCTAssertEqual(textWithCursor(e), "|hello, wide 世界 world")
        e.moveWordRight()
        XCTAssertEqual(textWithCursor(e), "hello|, wide 世界 world")
        e.moveWordRight()
        XCTAssertEqual(textWithCursor(e), "hello, wide| 世界 world")
    }

    func testNewlinesMakeMultipleLinesWithARowAndColumnByCells() {
        var e = editor("ab")
        e.insertNewline()
        e.insert("界x")
        XCTAssertEqual(e.text, "ab\n界x")
        XCTAssertEqual(e.cursorLocation.row, 1)
        XCTAssertEqual(e.cursorLocation.column, 3)
    }

    func testTextWrapsToTheEditorWidth() {
        let e = editor("the quick brown fox", width: 10)
        XCTAssertEqual(e.rows.count, 2)
        XCTAssertEqual(e.cursorLocation.row, 1)
        XCTAssertEqual(e.cursorLocation.column, 9)
    }

    func testACursorPastAFullLastRowOpensANewRow() {
        let e = editor("abcdefghij", width: 10)
        XCTAssertEqual(e.cursorLocation.row, 1)
        XCTAssertEqual(e.cursorLocation.column, 0)
        XCTAssertEqual(e.rowCount, 2)
    }

    func testUpAndDownKeepTheColumnAcrossRows() {
        var e = editor("first line\nab\nthird line")
        e.moveUp()
        XCTAssertEqual(textWithCursor(e), "first line\nab|\nthird line")
        e.moveUp()
        XCTAssertEqual(textWithCursor(e), "first line|\nab\nthird line", "the goal column is remembered")
        e.moveDown()
        e.moveDown()
        XCTAssertEqual(textWithCursor(e), "first line\nab\nthird line|")
    }

    func testUpDownOnWideCharactersLandOnAGraphemeBoundary() {
        var e = editor("界界界\nabcde")
        e.moveLeft()
        e.moveLeft()  // column 3, between c and d
        e.moveUp()
        XCTAssertEqual(textWithCursor(e), "界|界界\nabcde")
    }

    func testUpOnTheFirstLineWalksTheHistoryAndDownReturnsToTheDraft() {
        var e = InputEditor(width: 20, maxHeight: 5)
        e.insert("first")
        XCTAssertEqual(e.submit(), "first")
        e.insert("second\nmessage")
        XCTAssertEqual(e.submit(), "second\nmessage")
        e.insert("draft")
        e.moveUp()
        XCTAssertEqual(e.text, "second\nmessage")
        e.moveUp()
        XCTAssertEqual(e.text, "second\nmessage", "Up moves to the first row of a multi-line message first")
        e.moveUp()
        XCTAssertEqual(e.text, "first")
        e.moveUp()
        XCTAssertEqual(e.text, "first", "the oldest message is the end")
        e.moveDown()
        XCTAssertEqual(e.text, "second\nmessage")
        e.moveDown()
        e.moveDown()
        XCTAssertEqual(e.text, "draft", "the draft is kept")
        XCTAssertNil(e.historyIndex)
    }

    func testSubmittingAnEmptyEditorSendsNothing() {
        var e = InputEditor()
        XCTAssertNil(e.submit())
        XCTAssertEqual(e.history, [])
    }

    func testPasteInsertsMultiLineTextAsIs() {
        var e = editor("> ")
        e.paste("line one\r\nline two\n\tindented")
        XCTAssertEqual(e.text, "> line one\nline two\n\tindented")
        XCTAssertEqual(e.history, [], "nothing is sent")
    }

    func testTheEditorGrowsToItsMaximumThenScrollsToKeepTheCursorVisible() {
        var e = editor("1\n2\n3", maxHeight: 3)
        XCTAssertEqual(e.visibleHeight, 3)
        e.insert("\n4\n5")
        XCTAssertEqual(e.visibleHeight, 3)
        XCTAssertEqual(e.scrollTop, 2)
        var screen = ScreenBuffer(width: 10, height: 3)
        let cursor = EditorView.draw(e, theme: .monochrome, into: &screen, area: screen.area)
        assertScreen(screen, ["  3", "  4", "  5"])
        XCTAssertEqual(cursor.x, 3)
        XCTAssertEqual(cursor.y, 2)
        for _ in 0..<4 { e.moveUp() }
        XCTAssertEqual(e.scrollTop, 0)
        EditorView.draw(e, theme: .monochrome, into: &screen, area: screen.area)
        assertScreen(screen, ["> 1", "  2", "  3"])
    }

    func testEditorViewWrapsAfterThePrompt() {
        var e = InputEditor(width: 8, maxHeight: 4)
        e.insert("hello wide 世界!")
        var screen = ScreenBuffer(width: 10, height: e.visibleHeight)
        EditorView.draw(e, theme: .monochrome, into: &screen, area: screen.area)
        assertScreen(screen, ["> hello", "  wide 世", "  界!"])
    }
}
