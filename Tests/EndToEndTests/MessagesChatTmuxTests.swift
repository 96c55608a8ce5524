import Foundation
import TurnsTestSupport
import XCTest

/// The real chat in a real terminal (tmux) talking to `turns serve` as a user with a key would talk to Claude: the
/// default model goes over the Messages API, `/api complete` and back switch it mid-conversation, and the saved
/// `.txt` is the Text Completions prompt.
final class MessagesChatTmuxTests: TmuxTestCase {
    func testAConversationOverTheMessagesAPISwitchesToCompleteAndBackAndSavesThePrompt() throws {
        let server = try ServeProcess(home: home, tokensPerSecond: 200)
        defer { server.stop() }
        let session = try chat(["--backend", "anthropic", "--base-url", server.baseURL, "--temperature", "0"],
                               env: ["ANTHROPIC_API_KEY": server.apiKey])
        defer { session.close() }
        func status() -> String { let lines = session.screen(); return lines.count >= 2 ? lines[lines.count - 2] : "" }

        XCTAssertTrue(session.waitUntil { _ in status().contains("anthropic · claude-sonnet-4-5 · messages") }, session.screenText)
        try session.type("How do I save?")
        try session.keys("Enter")
        XCTAssertTrue(session.waitUntil(timeout: 20) { _ in status().contains("done: end_turn · ") }, session.screenText)
        XCTAssertTrue(status().contains(" in, ") && status().contains(" out"), status())

        try session.type("/api complete")
        try session.keys("Enter")
        try session.type("How do I quit?")
        try session.keys("Enter")
        XCTAssertTrue(session.waitUntil(timeout: 20) { _ in status().contains("done: stop_sequence") }, session.screenText)
        XCTAssertFalse(status().contains("messages"), status())

        try session.type("/api auto")
        try session.keys("Enter")
        XCTAssertTrue(session.waitUntil { _ in status().contains("API: auto") }, session.screenText)
        try session.type("/save \(home)/chat.txt")
        try session.keys("Enter")
        XCTAssertTrue(session.waitUntil { _ in status().contains("saved") }, session.screenText)
        let saved = try String(contentsOfFile: home + "/chat.txt", encoding: .utf8)
        XCTAssertTrue(saved.hasPrefix("\n\nHuman: How do I save?\n\nAssistant: "), saved)
        XCTAssertTrue(saved.contains("\n\nHuman: How do I quit?\n\nAssistant: "), saved)
        try session.keys("C-d")
        XCTAssertEqual(session.waitForExit(), 0)
    }

    func testSlashModelsListsTheEmbeddedServersModelsAndTabCompletesSlashModel() throws {
        // No key: the embedded local server answers, `GET /v1/models` included.
        let session = try chat()
        defer { session.close() }
        XCTAssertTrue(session.waitFor("local backend, model turns-local"), session.screenText)
        try session.type("/model turns-l")
        try session.keys("Tab")
        XCTAssertTrue(session.waitFor("/model turns-local"), session.screenText)
        try session.keys("Enter")
        try session.type("/models")
        try session.keys("Enter")
        XCTAssertTrue(session.waitFor("Models (/model NAME picks one"), session.screenText)
        XCTAssertTrue(session.screenText.contains("* turns-local"), session.screenText)
        try session.keys("Escape")
        XCTAssertTrue(session.waitUntil { !$0.joined().contains("Models (/model") }, session.screenText)
        try session.keys("C-d")
        XCTAssertEqual(session.waitForExit(), 0)
    }
}
