import XCTest
import TurnsCore
import TurnsTestSupport

/// Saving, loading and crash recovery with the real binary in a real terminal.
final class TranscriptTmuxTests: TmuxTestCase {
    /// The rows of the last Assistant turn on screen, joined without white space (wrapping moves spaces).
    private func lastAnswer(_ screen: [String]) -> String {
        guard let start = screen.lastIndex(of: "Assistant") else { return "" }
        return screen[(start + 1)...].prefix(while: { !$0.isEmpty && !$0.hasPrefix(" local ·") })
            .joined().filter { !$0.isWhitespace }
    }

    func testSaveQuitAndLoadShowTheSameConversation() throws {
        let path = home + "/chat.json"
        let first = try chat(["--temperature", "0"])
        defer { first.close() }
        XCTAssertTrue(first.waitFor("offline local model"))
        try first.type("What are themes?")
        try first.keys("Enter")
        XCTAssertTrue(first.waitUntil(timeout: 20) { $0.joined().contains("done: ") }, first.screenText)
        let conversation = first.screen().prefix(while: { !$0.hasPrefix(" local ·") })
        try first.type("/save \(path)")
        try first.keys("Enter")
        XCTAssertTrue(first.waitFor("saved \(path)"), first.screenText)
        try first.type("/save \(path)")
        try first.keys("Enter")
        XCTAssertTrue(first.waitFor("exists. Overwrite it? (y/n)"), first.screenText)
        try first.type("n")
        XCTAssertTrue(first.waitFor("not saved"), first.screenText)
        try first.keys("C-d")
        XCTAssertEqual(first.waitForExit(), 0)

        let second = try chat(["--load", path])
        defer { second.close() }
        XCTAssertTrue(second.waitFor("Assistant"), second.screenText)
        XCTAssertEqual(Array(second.screen().prefix(conversation.count)), Array(conversation))
        try second.keys("C-d")
        XCTAssertEqual(second.waitForExit(), 0)
    }

    func testAHandWrittenTxtPromptLoadsAsItsTurnsAndIsAnswered() throws {
        let path = home + "/prompt.txt"
        try "You are a helpful guide to turns.\n\nHuman: Hi\n\nAssistant: Hello! Ask me about turns.\n\nHuman: How do I quit?\n\nAssistant:"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let session = try chat(["--load", path, "--tokens-per-second", "0"])
        defer { session.close() }
        XCTAssertTrue(session.waitUntil(timeout: 20) { $0.joined().contains("done: ") }, session.screenText)
        let screen = session.screen()
        XCTAssertTrue(screen.contains("You are a helpful guide to turns."), session.screenText)
        XCTAssertEqual(screen.filter { $0 == "Human" }.count, 2, session.screenText)
        XCTAssertEqual(screen.filter { $0 == "Assistant" }.count, 2, session.screenText)
        XCTAssertEqual(screen.firstIndex(of: "How do I quit?").map { $0 < screen.lastIndex(of: "Assistant")! }, true)
        XCTAssertFalse(lastAnswer(screen).isEmpty, "the open Assistant turn was answered")
        try session.keys("C-d")
        XCTAssertEqual(session.waitForExit(), 0)
    }

    func testAfterKill9ResumeRestoresTheTurnsAndTheTextUpToASecondBeforeTheKill() throws {
        // A server that keeps answering until max_tokens, so the answer is surely still streaming at the kill.
        let server = try ProcessRunner.start(turns, ["serve", "--port", "0", "--tokens-per-second", "20", "--continuous"],
                                             environment: ProcessRunner.isolatedEnvironment(home: home))
        defer { server.signal(SIGTERM); _ = server.wait(timeout: 10) }
        XCTAssertTrue(server.waitForOutput(containing: "listening on ", timeout: 10))
        let base = try XCTUnwrap(server.stdoutSoFar.split(separator: "\n").first?.replacingOccurrences(of: "listening on ", with: ""))
        let first = try chat(["--backend", "anthropic", "--base-url", base, "--max-tokens", "400"],
                             env: ["ANTHROPIC_API_KEY": "test-key"])
        defer { first.close() }
        XCTAssertTrue(first.waitFor("anthropic backend"), first.screenText)
        try first.type("Tell me about the settings panel and sampling")
        try first.keys("Enter")
        XCTAssertTrue(first.waitUntil(timeout: 10) { self.lastAnswer($0).count > 40 }, first.screenText)
        let oneSecondBefore = lastAnswer(first.screen())
        usleep(1_000_000)
        XCTAssertTrue(first.screenText.contains("streaming"), "the answer must still be streaming at the kill")
        let pid = try XCTUnwrap(Int32(first.paneValue("pane_pid")))
        kill(pid, SIGKILL)
        XCTAssertNotNil(first.waitForExit())

        let sessions = home + "/state/turns/sessions"
        let journal = try XCTUnwrap(JournalReader.sessionFiles(in: sessions).first)
        let recovered = try JournalReader.read(path: journal)
        XCTAssertEqual(recovered.transcript.turns.map(\.role), [.human, .assistant])
        XCTAssertEqual(recovered.transcript.turns.first?.text, "Tell me about the settings panel and sampling")
        let restored = recovered.transcript.turns.last?.text.filter { !$0.isWhitespace } ?? ""
        XCTAssertTrue(restored.hasPrefix(oneSecondBefore),
                      "restored \(restored.count) characters; \(oneSecondBefore.count) were on screen a second before the kill")
        XCTAssertEqual(recovered.transcript.turns.last?.reply?.interrupted, true)

        let second = try chat(["--resume"])
        defer { second.close() }
        XCTAssertTrue(second.waitFor("Tell me about the settings panel and sampling"), second.screenText)
        XCTAssertTrue(second.waitFor("interrupted"), second.screenText)
        XCTAssertTrue(lastAnswer(second.screen()).hasPrefix(String(oneSecondBefore.prefix(20))), second.screenText)
        try second.keys("C-d")
        XCTAssertEqual(second.waitForExit(), 0)

        let listing = try ProcessRunner.run(turns, ["sessions"], environment: ProcessRunner.isolatedEnvironment(home: home))
        XCTAssertEqual(listing.status, 0)
        XCTAssertTrue(listing.stdout.contains("Tell me about the settings panel"), listing.stdout)
    }
}
