import XCTest
import TurnsCore
import TurnsTestSupport
@testable import TurnsUI

/// A transcript pane of a fixed size, driven like the app drives it.
private struct Pane {
    var transcript: Transcript
    var layout: TranscriptLayout

    init(width: Int, height: Int, _ transcript: Transcript = Transcript()) {
        self.transcript = transcript
        layout = TranscriptLayout(width: width, height: height)
        layout.reload(transcript)
    }

    mutating func add(_ role: Role, _ text: String) {
        transcript.turns.append(Turn(role: role, text: text))
        layout.turnsAppended(transcript)
    }

    mutating func stream(_ piece: String) {
        transcript.turns[transcript.turns.count - 1].text += piece
        layout.lastTurnGrew(transcript)
    }

    mutating func scroll(_ action: ScrollAction) { layout.scroll(action, transcript) }

    mutating func resize(_ width: Int, _ height: Int) { layout.resize(width: width, height: height, transcript) }

    var screen: ScreenBuffer {
        var screen = ScreenBuffer(width: layout.width, height: layout.height)
        TranscriptView.draw(layout, transcript, theme: .default, into: &screen, area: screen.area)
        return screen
    }
}

private func conversation(_ count: Int) -> Transcript {
    Transcript(turns: (0..<count).map { i in
        Turn(role: i % 2 == 0 ? .human : .assistant, text: "message \(i) with a few words to wrap")
    })
}

final class TranscriptLayoutTests: XCTestCase {
    func testAStreamedAnswerAppearsAndWraps() {
        var pane = Pane(width: 16, height: 6)
        pane.add(.human, "Hello there")
        pane.add(.assistant, "")
        assertScreen(pane.screen, ["Human", "Hello there", "", "Assistant", "", ""])
        pane.stream("Hi! How ")
        pane.stream("can I help you tod")
        assertScreen(pane.screen, ["Human", "Hello there", "", "Assistant", "Hi! How can I", "help you tod"])
        pane.stream("ay?")
        assertScreen(pane.screen, ["Human", "Hello there", "", "Assistant", "Hi! How can I", "help you today?"])
        pane.stream(" Ask away.")
        assertScreen(pane.screen, ["Hello there", "", "Assistant", "Hi! How can I", "help you today?", "Ask away."],
                     "the view follows the end")
    }

    func testTheViewFollowsTheEndWhileAtTheBottom() {
        var pane = Pane(width: 12, height: 3)
        pane.add(.human, "q")
        pane.add(.assistant, "one")
        pane.stream("\ntwo\nthree\nfour")
        assertScreen(pane.screen, ["two", "three", "four"])
        XCTAssertTrue(pane.layout.isFollowing)
    }

    func testTheSystemTextIsShownAtTheTopAndTurnsAreSeparatedByABlankRow() {
        let pane = Pane(width: 20, height: 8, Transcript(system: "Be brief.", turns: [
            Turn(role: .human, text: "Hi"), Turn(role: .assistant, text: "Hello."),
        ]))
        assertScreen(pane.screen, ["System", "Be brief.", "", "Human", "Hi", "", "Assistant", "Hello."])
        XCTAssertEqual(pane.screen[0, 0].style, Theme.default[.systemLabel])
        XCTAssertEqual(pane.screen[0, 3].style, Theme.default[.humanLabel])
        XCTAssertEqual(pane.screen[0, 6].style, Theme.default[.assistantLabel])
    }

    func testInterruptedAndFailedAnswersAreMarked() {
        let settings = SamplingSettings()
        let pane = Pane(width: 24, height: 9, Transcript(turns: [
            Turn(role: .human, text: "a"),
            Turn(role: .assistant, text: "partial",
                 reply: ReplyInfo(backend: "local", model: "m", settings: settings, interrupted: true)),
            Turn(role: .human, text: "b"),
            Turn(role: .assistant, text: "",
                 reply: ReplyInfo(backend: "local", model: "m", settings: settings, error: "rate limited")),
        ]))
        assertScreen(pane.screen, ["Assistant", "partial", "[interrupted]", "", "Human", "b", "", "Assistant",
                                   "[error] rate limited"], "an empty answer shows no empty text row")
        XCTAssertEqual(pane.screen[0, 2].style, Theme.default[.interrupted])
        XCTAssertEqual(pane.screen[0, 8].style, Theme.default[.error])
    }

    func testCodeBlocksKeepTheirLinesAndAreStyledApart() {
        let pane = Pane(width: 14, height: 7, Transcript(turns: [
            Turn(role: .assistant, text: "Try:\n```\nlet  x = [1, 2, 3]\n```\ndone and done"),
        ]))
        assertScreen(pane.screen, ["Assistant", "Try:", "```", "let  x = [1, 2", ", 3]", "```", "done and done"])
        XCTAssertEqual(pane.screen[0, 3].style, Theme.default[.code])
        XCTAssertEqual(pane.screen[13, 4].style, Theme.default[.code], "the code background spans the pane")
        XCTAssertEqual(pane.screen[0, 1].style, Theme.default[.assistantText])
    }

    func testCJKEmojiAndCombiningMarksWrapWithoutCuttingOrOverlapping() {
        let pane = Pane(width: 7, height: 6, Transcript(turns: [
            Turn(role: .assistant, text: "日本語のテキスト 😀👩‍💻🇫🇷 cafe\u{301}s"),
        ]))
        assertScreen(pane.screen, ["Assista", "日本語", "のテキ", "スト 😀", "👩‍💻🇫🇷", "cafe\u{301}s"])
        let screen = pane.screen
        for y in 0..<screen.height {
            XCTAssertFalse(screen[0, y].isContinuation, "no row starts with half a character")
        }
    }

    func testScrolledUpTheViewStaysWhileTextArrivesBelowAndSaysSo() {
        var pane = Pane(width: 30, height: 4)
        pane.add(.human, "q")
        pane.add(.assistant, "line 1\nline 2\nline 3\nline 4\nline 5")
        assertScreen(pane.screen, ["line 2", "line 3", "line 4", "line 5"])
        pane.scroll(.rows(-2))
        XCTAssertFalse(pane.layout.isFollowing)
        assertScreen(pane.screen, ["Assistant", "line 1", "line 2", "line 3"])
        pane.stream("\nline 6")
        assertScreen(pane.screen, ["Assistant", "line 1", "line 2", "line 3" + String(repeating: " ", count: 6)
                                   + TranscriptView.newTextIndicator])
        pane.scroll(.pageDown)
        assertScreen(pane.screen, ["line 3", "line 4", "line 5", "line 6"])
        XCTAssertTrue(pane.layout.isFollowing, "reaching the bottom resumes following")
        XCTAssertFalse(pane.layout.hasNewTextBelow)
    }

    func testHomeEndAndPagesMoveThroughTheConversation() {
        var pane = Pane(width: 30, height: 3, conversation(4))
        pane.scroll(.top)
        assertScreen(pane.screen, ["Human", "message 0 with a few words to", "wrap"])
        pane.scroll(.pageDown)
        assertScreen(pane.screen, ["wrap", "", "Assistant"])
        pane.scroll(.pageUp)
        assertScreen(pane.screen, ["Human", "message 0 with a few words to", "wrap"])
        pane.scroll(.pageUp)
        assertScreen(pane.screen, ["Human", "message 0 with a few words to", "wrap"], "the top is a hard stop")
        pane.scroll(.bottom)
        assertScreen(pane.screen, ["Assistant", "message 3 with a few words to", "wrap"])
        XCTAssertTrue(pane.layout.isFollowing)
    }

    func testAShortTranscriptIsDrawnFromTheTop() {
        var pane = Pane(width: 10, height: 5)
        pane.add(.human, "hi")
        assertScreen(pane.screen, ["Human", "hi", "", "", ""])
        pane.scroll(.rows(-1))
        assertScreen(pane.screen, ["Human", "hi", "", "", ""])
        XCTAssertTrue(pane.layout.isFollowing)
    }

    func testResizeReflowsAndKeepsTheReadingPosition() {
        var pane = Pane(width: 30, height: 3, conversation(40))
        pane.scroll(.top)
        pane.scroll(.rows(4 * 20 + 1))  // turn 20's text
        assertScreen(pane.screen, ["message 20 with a few words to", "wrap", ""])
        pane.resize(12, 4)
        assertScreen(pane.screen, ["message 20", "with a few", "words to", "wrap"])
        pane.resize(80, 3)
        assertScreen(pane.screen, ["message 20 with a few words to wrap", "", "Assistant"])
        XCTAssertFalse(pane.layout.isFollowing)
    }

    func testTheReadingPositionInsideALongTurnSurvivesAResize() {
        let words = (1...60).map { "w\($0)" }.joined(separator: " ")
        var pane = Pane(width: 20, height: 2, Transcript(turns: [Turn(role: .assistant, text: words), Turn(role: .human, text: "x")]))
        pane.scroll(.top)
        pane.scroll(.rows(6))
        let before = pane.screen.lines[0].split(separator: " ").first.map(String.init)
        pane.resize(33, 2)
        let after = pane.screen.lines[0]
        XCTAssertNotNil(before)
        XCTAssertTrue(after.split(separator: " ").contains(Substring(before!)), "\(before!) still on the top row: \(after)")
    }

    func testAResizeOfAHugeTranscriptWrapsOnlyWhatIsDrawn() {
        var pane = Pane(width: 120, height: 40, conversation(50_000))
        XCTAssertLessThanOrEqual(pane.layout.blocks.filter { $0.wrapWidth == 120 }.count, 40)
        pane.resize(100, 40)
        XCTAssertLessThanOrEqual(pane.layout.blocks.filter { $0.wrapWidth == 100 }.count, 40)
        XCTAssertEqual(pane.screen.lines.last.map(trimmed), "message 49999 with a few words to wrap")
        pane.add(.assistant, "")
        for piece in ["streamed ", "text ", "arrives"] { pane.stream(piece) }
        XCTAssertLessThanOrEqual(pane.layout.blocks.filter { $0.wrapWidth == 100 }.count, 41)
        XCTAssertEqual(pane.screen.lines.last.map(trimmed), "streamed text arrives")
    }
}

private func trimmed(_ s: String) -> String {
    var t = Substring(s)
    while t.last == " " { t.removeLast() }
    return String(t)
}
