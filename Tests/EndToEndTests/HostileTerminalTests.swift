import XCTest
import TurnsCore
import TurnsTestSupport

/// The chat under abuse: resize storms, huge pastes, endless words, a 1x1 terminal, unusable TERM and LANG values.
/// It never crashes, never leaves the terminal in raw mode, and loses no text.
final class HostileTerminalTests: TmuxTestCase {
    /// The conversation the session journal holds (what would survive a crash).
    private func journaled() throws -> Transcript {
        let file = try XCTUnwrap(JournalReader.sessionFiles(in: home + "/state/turns/sessions").first)
        return try JournalReader.read(path: file).transcript
    }

    /// Ctrl-U empties the (one-line) editor, then Ctrl-D quits. (Two Ctrl-Cs would race: if the first one quits,
    /// the second reaches a terminal already back in cooked mode and becomes a SIGINT.)
    private func quit(_ session: TmuxSession, file: StaticString = #filePath, line: UInt = #line) {
        try? session.keys("C-u")
        try? session.keys("C-d")
        XCTAssertEqual(session.waitForExit(timeout: 10), 0, session.screenText, file: file, line: line)
        XCTAssertEqual(session.paneValue("alternate_on"), "0", "left the alternate screen", file: file, line: line)
    }

    func testAHundredResizesInASecondWhileAnAnswerStreams() throws {
        let session = try chat(["--tokens-per-second", "200", "--max-tokens", "300"])
        defer { session.close() }
        XCTAssertTrue(session.waitFor("offline local model"))
        try session.type("Tell me about the settings panel")
        try session.keys("Enter")
        XCTAssertTrue(session.waitFor("Assistant"), session.screenText)
        for index in 0..<100 {
            try session.resize(width: 40 + (index * 7) % 80, height: 10 + (index * 3) % 30)
            usleep(10_000)
        }
        try session.resize(width: 100, height: 30)
        XCTAssertTrue(session.waitUntil(timeout: 20) { $0.joined().contains("done: ") }, session.screenText)
        usleep(200_000)
        XCTAssertEqual(session.paneValue("pane_dead"), "0", "still running")
        let transcript = try journaled()
        XCTAssertEqual(transcript.turns.map(\.role), [.human, .assistant])
        // The whole answer is on screen at 100 columns after the storm (nothing lost or doubled).
        let answer = transcript.turns[1].text.filter { !$0.isWhitespace }
        // The pane follows the end: its last rows are the answer's end (the label may have scrolled away). Waited
        // for rather than read once: under a sanitizer the last resize can still be on its way when "done:" shows.
        let end = String(answer.suffix(60))
        XCTAssertTrue(session.waitUntil(timeout: 10) { screen in
            screen.prefix(while: { !$0.hasPrefix(" local ·") }).joined().filter { !$0.isWhitespace }.hasSuffix(end)
        }, session.screenText)
        quit(session)
    }

    func testAOneMegabytePasteArrivesWholeAndIsSentOnlyOnEnter() throws {
        let session = try chat(["--tokens-per-second", "0", "--max-tokens", "5"])
        defer { session.close() }
        XCTAssertTrue(session.waitFor("offline local model"))
        let line = String(repeating: "paste ", count: 20) + "\n"
        let text = String(repeating: line, count: (1 << 20) / line.utf8.count) + "END-OF-PASTE"
        try session.paste(text)
        XCTAssertTrue(session.waitFor("END-OF-PASTE", timeout: 30), session.screenText)
        XCTAssertFalse(session.screenText.contains("Assistant"), "nothing is sent before Enter")
        try session.keys("Enter")
        XCTAssertTrue(session.waitUntil(timeout: 30) { $0.joined().contains("done: ") }, session.screenText)
        let sent = try journaled().turns.first?.text ?? ""
        XCTAssertEqual(sent, text)
        quit(session)
    }

    func testATenThousandCharacterWordWrapsWithoutCuttingAnything() throws {
        let session = try chat(["--tokens-per-second", "0", "--max-tokens", "5"], width: 80, height: 24)
        defer { session.close() }
        XCTAssertTrue(session.waitFor("offline local model"))
        let word = (0..<10_000).map { String(UnicodeScalar(UInt8(97 + $0 % 26))) }.joined()
        try session.paste(word)
        try session.keys("Enter")
        XCTAssertTrue(session.waitUntil(timeout: 30) { $0.joined().contains("done: ") }, session.screenText)
        XCTAssertEqual(try journaled().turns.first?.text, word)
        try session.keys("C-Home")
        XCTAssertTrue(session.waitUntil { $0.first == "Human" }, session.screenText)
        let rows = session.screen().dropFirst().prefix(while: { !$0.isEmpty && !$0.hasPrefix(" local ·") })
        XCTAssertTrue(rows.dropLast().allSatisfy { $0.count == 80 }, "full rows of 80 cells")
        XCTAssertTrue(word.hasPrefix(rows.joined()), "the rows are the word, in order")
        quit(session)
    }

    func testShrinkingToOneByOneShowsNothingBrokenAndRecovers() throws {
        let session = try chat()
        defer { session.close() }
        XCTAssertTrue(session.waitFor("offline local model"))
        try session.type("draft kept")
        try session.resize(width: 1, height: 1)
        usleep(200_000)
        try session.resize(width: 30, height: 6)
        XCTAssertTrue(session.waitFor("too small"), session.screenText)
        try session.resize(width: 100, height: 30)
        XCTAssertTrue(session.waitFor("> draft kept"), session.screenText)
        XCTAssertEqual(session.paneValue("pane_dead"), "0")
        quit(session)
    }

    func testSIGTERMAtAnyMomentOfTheStartEndsTheChatAndLeavesTheTerminalRestored() throws {
        // Threads start early (the embedded server's, curl's): a signal one of them takes must still end the chat.
        for round in 0..<12 {
            let session = try chat()
            defer { session.close() }
            if round.isMultiple(of: 2) {
                XCTAssertTrue(session.waitFor("ready"), session.screenText)
            } else {
                usleep(UInt32(round) * 15_000)
            }
            let pid = try XCTUnwrap(Int32(session.paneValue("pane_pid")))
            kill(pid, SIGTERM)
            let status = session.waitForExit(timeout: 5)
            // Before the chat watches for it, SIGTERM ends the process as it would any other (143).
            XCTAssertTrue(status == 0 || status == 143, "round \(round): \(String(describing: status))")
            XCTAssertEqual(session.paneValue("alternate_on"), "0", "round \(round) left the alternate screen")
        }
    }

    func testTermDumbAndAnUnknownTermAreClearErrorsThatLeaveTheTerminalAlone() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "script(1) gives the pty")
        for (term, message) in [("dumb", "turns: TERM=dumb cannot show the chat"),
                                ("no-such-terminal-xyz", "turns: the terminal type TERM=no-such-terminal-xyz is unknown")] {
            var env = ProcessRunner.isolatedEnvironment(home: home, ["LANG": "C.UTF-8"])
            env["TERM"] = term
            // script(1) runs the chat on a pseudo-terminal and copies everything it writes.
            let result = try ProcessRunner.run("/usr/bin/script", ["-qec", TmuxSession.shellQuote(turns), "/dev/null"],
                                               environment: env, timeout: 20)
            XCTAssertEqual(result.status, 2, result.output)
            XCTAssertTrue(result.stdout.contains(message), result.stdout.debugDescription)
            // Nothing was sent to the terminal before the refusal: no alternate screen, no modes switched.
            XCTAssertFalse(result.stdout.contains("\u{1B}["), result.stdout.debugDescription)
        }
    }

    func testUTF8IsDrawnCorrectlyEvenWithLangC() throws {
        let session = try chat(env: ["LANG": "C", "LC_ALL": "C"])
        defer { session.close() }
        XCTAssertTrue(session.waitFor("offline local model"), session.screenText)
        try session.type("界面 😀 café")
        XCTAssertTrue(session.waitFor("> 界面 😀 café"), session.screenText)
        quit(session)
    }
}
