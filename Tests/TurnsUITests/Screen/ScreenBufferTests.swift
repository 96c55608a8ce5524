import XCTest
import TurnsTestSupport
@testable import TurnsUI

final class ScreenBufferTests: XCTestCase {
    func testDrawnTextAppearsAsLines() {
        var screen = ScreenBuffer(width: 8, height: 2)
        screen.draw("hello", x: 1, y: 0, style: .plain)
        screen.draw("world!!!!", x: 0, y: 1, style: .plain)
        assertScreen(screen, [" hello", "world!!!"])
    }

    func testWideCharacterOccupiesItsCellAndAContinuationCell() {
        var screen = ScreenBuffer(width: 5, height: 1)
        let end = screen.draw("界x", x: 0, y: 0, style: .plain)
        XCTAssertEqual(end, 3)
        XCTAssertEqual(screen[0, 0].symbol, "界")
        XCTAssertTrue(screen[1, 0].isContinuation)
        XCTAssertEqual(screen[2, 0].symbol, "x")
        assertScreen(screen, ["界x"])
    }

    func testWideCharacterThatWouldBeSplitAtTheRightEdgeLeavesABlank() {
        var screen = ScreenBuffer(width: 3, height: 1)
        screen.draw("ab界", x: 0, y: 0, style: .plain)
        XCTAssertEqual(screen.line(0), "ab ")
        XCTAssertFalse(screen[2, 0].isContinuation)
    }

    func testOverwritingHalfAWideCharacterBlanksTheOtherHalf() {
        var screen = ScreenBuffer(width: 4, height: 1)
        screen.draw("界界", x: 0, y: 0, style: .plain)
        screen.draw("x", x: 1, y: 0, style: .plain)
        XCTAssertEqual(screen.line(0), " x界")
        screen.draw("y", x: 2, y: 0, style: .plain)
        XCTAssertEqual(screen.line(0), " xy ")
        XCTAssertFalse(screen[3, 0].isContinuation)
    }

    func testCombiningMarkJoinsTheCellBeforeIt() {
        var screen = ScreenBuffer(width: 4, height: 1)
        screen.draw("e\u{301}x", x: 0, y: 0, style: .plain)
        XCTAssertEqual(screen[0, 0].symbol, "e\u{301}")
        XCTAssertEqual(screen[1, 0].symbol, "x")
    }

    func testControlCharactersAreNeverDrawn() {
        var screen = ScreenBuffer(width: 6, height: 1)
        screen.draw("a\u{1B}[2Jb", x: 0, y: 0, style: .plain)
        XCTAssertEqual(screen.line(0), "a[2Jb ")
    }

    func testTabAdvancesToTheNextStopCountedFromWhereDrawingStarted() {
        var screen = ScreenBuffer(width: 12, height: 1)
        let end = screen.draw("ab\tc", x: 2, y: 0, style: .plain, tabWidth: 4)
        XCTAssertEqual(end, 7)
        XCTAssertEqual(screen.line(0), "  ab  c     ")
    }

    func testDrawingStopsAtTheLimit() {
        var screen = ScreenBuffer(width: 10, height: 1)
        screen.draw("abcdefgh", x: 2, y: 0, style: .plain, limit: 5)
        XCTAssertEqual(screen.line(0), "  abc     ")
    }
}

final class ScreenDiffTests: XCTestCase {
    func testIdenticalBuffersYieldNoChanges() {
        var a = ScreenBuffer(width: 10, height: 3)
        a.draw("same", x: 0, y: 1, style: .plain)
        XCTAssertEqual(ScreenDiff.changes(from: a, to: a), [])
    }

    func testWithoutAPreviousFrameEveryRowChanges() {
        let a = ScreenBuffer(width: 3, height: 2)
        XCTAssertEqual(ScreenDiff.changes(from: nil, to: a),
                       [ScreenChange(row: 0, columns: 0..<3), ScreenChange(row: 1, columns: 0..<3)])
    }

    func testASizeChangeRedrawsEverything() {
        let a = ScreenBuffer(width: 3, height: 2)
        let b = ScreenBuffer(width: 4, height: 1)
        XCTAssertEqual(ScreenDiff.changes(from: a, to: b), [ScreenChange(row: 0, columns: 0..<4)])
    }

    func testOnlyChangedCellsAreReported() {
        var a = ScreenBuffer(width: 10, height: 2)
        a.draw("hello", x: 0, y: 0, style: .plain)
        var b = a
        b.draw("J", x: 0, y: 0, style: .plain)
        b.draw("p!", x: 3, y: 0, style: .plain)
        b.draw("x", x: 9, y: 1, style: .plain)
        let changes = ScreenDiff.changes(from: a, to: b)
        XCTAssertEqual(changes, [ScreenChange(row: 0, columns: 0..<1), ScreenChange(row: 0, columns: 3..<5),
                                 ScreenChange(row: 1, columns: 9..<10)])
        XCTAssertEqual(changes.map { b.line($0.row, columns: $0.columns) }, ["J", "p!", "x"])
    }

    func testAStyleChangeIsAChange() {
        var a = ScreenBuffer(width: 4, height: 1)
        a.draw("ab", x: 0, y: 0, style: .plain)
        var b = ScreenBuffer(width: 4, height: 1)
        b.draw("ab", x: 0, y: 0, style: Style(attributes: .bold))
        XCTAssertEqual(ScreenDiff.changes(from: a, to: b), [ScreenChange(row: 0, columns: 0..<2)])
    }

    func testAChangedWideCharacterIsSentWhole() {
        var a = ScreenBuffer(width: 6, height: 1)
        a.draw("ab界", x: 0, y: 0, style: .plain)
        var b = ScreenBuffer(width: 6, height: 1)
        b.draw("ab中", x: 0, y: 0, style: .plain)
        XCTAssertEqual(ScreenDiff.changes(from: a, to: b), [ScreenChange(row: 0, columns: 2..<4)])
        var c = ScreenBuffer(width: 6, height: 1)
        c.draw("a界", x: 0, y: 0, style: .plain)
        let changes = ScreenDiff.changes(from: a, to: c)
        XCTAssertEqual(changes, [ScreenChange(row: 0, columns: 1..<4)])
        XCTAssertEqual(c.line(changes[0].row, columns: changes[0].columns), "界 ", "the old wide character's right half is now a blank")
    }
}
