import TurnsAPI
import TurnsCore
import XCTest
@testable import TurnsUI

/// The chat over the Messages API: `/api`, the status bar naming the API, and the usage of an answer.
final class MessagesChatTests: XCTestCase {
    private let current = SamplingSettings(model: "claude-sonnet-4-5", maxTokensToSample: 300)

    func testTheStatusBarNamesTheMessagesAPIWhenItCarriesTheConversation() {
        let app = AppHarness(width: 72, backend: "anthropic", settings: current)
        XCTAssertEqual(app.status, " anthropic · claude-sonnet-4-5 · messages · max 300               ready ")
        let legacy = AppHarness(width: 72, backend: "anthropic")
        XCTAssertEqual(legacy.status, " anthropic · claude-2.1 · max 300                                 ready ")
    }

    func testSlashAPISwitchesTheAPIOfTheNextRequestsAndBack() {
        var app = AppHarness(width: 72, backend: "anthropic", settings: current)
        app.type("/api complete<Enter>")
        XCTAssertEqual(app.state.api, .complete)
        XCTAssertEqual(app.status, " anthropic · claud… API: complete (claude-sonnet-4-5 uses /v1/complete) ")
        app.type("/api messages<Enter>")
        XCTAssertEqual(app.state.api, .messages)
        app.type("/api sideways<Enter>")
        XCTAssertEqual(app.state.api, .messages)
        XCTAssertTrue(app.status.hasSuffix("usage: /api auto, /api complete or /api messages "), app.status)
    }

    func testAnAnswersTokenCountsShowWhenItEndsAndAreKeptWithTheTurn() {
        var app = AppHarness(width: 72, backend: "anthropic", settings: current)
        app.type("Name a colour.<Enter>")
        app.stream(.started(requestID: "req_1"), at: 10)
        app.stream(.text(" Blue."), at: 10.1)
        app.stream(.finished(stopReason: "end_turn", model: "claude-sonnet-4-5-20250929",
                             usage: TokenUsage(inputTokens: 31, outputTokens: 3)), at: 11)
        XCTAssertTrue(app.status.hasSuffix(" done: end_turn · 31 in, 3 out "), app.status)
        let reply = app.state.transcript.turns.last?.reply
        XCTAssertEqual(reply?.inputTokens, 31)
        XCTAssertEqual(reply?.outputTokens, 3)
        XCTAssertEqual(reply?.stopReason, "end_turn")
    }
}
