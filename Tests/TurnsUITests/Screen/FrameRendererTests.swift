import XCTest
import TurnsCore
@testable import TurnsUI

final class FrameRendererTests: XCTestCase {
    func testTheFirstFrameSendsEverythingAndATypedKeyOnlyItsCell() {
        var app = AppHarness()
        var renderer = FrameRenderer()
        let first = renderer.render(app.state)
        XCTAssertEqual(first.changes.count, 10, "every row")
        app.type("h")
        let second = renderer.render(app.state)
        XCTAssertEqual(second.changes, [ScreenChange(row: 9, columns: 2..<3)])
        XCTAssertEqual(renderer.shown!.line(9, columns: second.changes[0].columns), "h")
        XCTAssertEqual(second.cursor?.x, 3)
        XCTAssertEqual(second.cursor?.y, 9)
        XCTAssertEqual(renderer.render(app.state).changes, [], "nothing changed, nothing sent")
    }

    func testAStreamedPieceChangesOnlyTheCellsOfItsText() {
        var app = AppHarness()
        app.type("q<Enter>")
        app.stream(.started(requestID: nil))
        app.stream(.text("Hello"))
        var renderer = FrameRenderer()
        _ = renderer.render(app.state)
        app.stream(.text(" world"))
        let changes = renderer.render(app.state).changes
        XCTAssertEqual(changes.filter { $0.row != app.state.frame.statusRow }, [ScreenChange(row: 4, columns: 6..<11)],
                       "\"world\" only: the space before it was already blank")
    }

    func testInvalidateSendsEverythingAgain() {
        let app = AppHarness()
        var renderer = FrameRenderer()
        _ = renderer.render(app.state)
        renderer.invalidate()
        XCTAssertEqual(renderer.render(app.state).changes.count, 10)
    }
}
