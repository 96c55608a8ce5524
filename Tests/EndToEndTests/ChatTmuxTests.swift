import XCTest
import TurnsTestSupport

/// The real binary in a real terminal (tmux), against the offline local backend.
final class ChatTmuxTests: TmuxTestCase {
    private func statusLine(_ session: TmuxSession) -> String {
        let lines = session.screen()
        return lines.count >= 2 ? lines[lines.count - 2] : ""
    }

    func testAConversationSettingsAndQuitInARealTerminal() throws {
        // With colours whatever the environment running the tests says (an empty NO_COLOR counts as unset).
        let session = try chat(env: ["NO_COLOR": ""])
        defer { session.close() }
        let recording = home + "/terminal.raw"
        try session.record(to: recording)
        XCTAssertTrue(session.waitFor("This is the offline local model"), session.screenText)
        XCTAssertTrue(session.screenText.contains("local backend, model turns-local"), session.screenText)

        try session.type("How do I change the temperature?")
        try session.keys("Enter")
        XCTAssertTrue(session.waitFor("Assistant"), session.screenText)
        XCTAssertTrue(session.waitUntil(timeout: 20) { $0.joined().contains("done: ") }, session.screenText)
        let answerRows = session.screen().drop(while: { $0 != "Assistant" }).dropFirst().prefix(while: { !$0.isEmpty })
        XCTAssertFalse(answerRows.isEmpty, session.screenText)

        try session.keys("F2")
        XCTAssertTrue(session.waitFor("Settings (Esc or F2 closes)"), session.screenText)
        try session.keys("Down")
        try session.type("0.3")
        try session.keys("Enter")
        try session.keys("Escape")
        XCTAssertTrue(session.waitUntil { !$0.joined(separator: "\n").contains("Settings (Esc") }, session.screenText)
        XCTAssertTrue(statusLine(session).contains("temp 0.3"), session.screenText)

        try session.type("/set top_k 5")
        try session.keys("Enter")
        XCTAssertTrue(session.waitUntil { _ in self.statusLine(session).contains("top_k 5") }, session.screenText)

        // /theme lists the themes, then switches them: the status bar says so and the labels are redrawn in the
        // light theme's colours (its Human label is #005fd7, colour 26 of the 256; the dark theme has no colour 26).
        try session.type("/theme")
        try session.keys("Enter")
        XCTAssertTrue(session.waitUntil { _ in self.statusLine(session).contains("themes: [dark], high-contrast, light") },
                      session.screenText)
        let writtenBefore = FileManager.default.contents(atPath: recording)?.count ?? 0
        try session.type("/theme light")
        try session.keys("Enter")
        XCTAssertTrue(session.waitUntil { _ in self.statusLine(session).contains("theme light (for every chat") },
                      session.screenText)
        let switched = String(decoding: (FileManager.default.contents(atPath: recording) ?? Data()).dropFirst(writtenBefore),
                              as: UTF8.self)
        XCTAssertTrue(switched.contains("38;5;26m"), switched.debugDescription)

        try session.keys("C-d")
        XCTAssertEqual(session.waitForExit(), 0)
        XCTAssertEqual(session.paneValue("alternate_on"), "0", "the terminal is back on its main screen")
        // What the program wrote last: leave the alternate screen, turn bracketed paste off, then the session note.
        // (The note is checked in the bytes: tmux may paint its "Pane is dead" line over it once the program ends.)
        let written = String(decoding: FileManager.default.contents(atPath: recording) ?? Data(), as: UTF8.self)
        let tail = String(written.suffix(300))
        let leaveAlternate = try XCTUnwrap(tail.range(of: "\u{1B}[?1049l"), tail.debugDescription)
        let pasteOff = try XCTUnwrap(tail.range(of: "\u{1B}[?2004l"), tail.debugDescription)
        let note = try XCTUnwrap(tail.range(of: "turns --resume"), tail.debugDescription)
        XCTAssertTrue(leaveAlternate.upperBound <= pasteOff.lowerBound && pasteOff.upperBound <= note.lowerBound,
                      tail.debugDescription)
    }
}
