@testable import TurnsAPI
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

    func testAModelsRefusalOfASettingIsShownWholeWithTheCommandToChangeIt() {
        var app = AppHarness(width: 60, height: 14, backend: "anthropic",
                             settings: SamplingSettings(model: "claude-sonnet-4-5", maxTokensToSample: 300, temperature: 0.5, topP: 0.9))
        app.type("Hi<Enter>")
        app.stream(.failed(APIError(kind: .badRequest, status: 400, requestID: "req_011", errorType: "invalid_request_error",
                                    message: "`temperature` and `top_p` cannot both be specified for this model. Please use only one.")))
        let expected = "bad request: `temperature` and `top_p` cannot both be specified for this model. Please use only one. "
            + "(HTTP 400, invalid_request_error, request req_011). This model takes only one of them: /unset top_p (or /unset temperature)"
        XCTAssertEqual(app.state.transcript.turns.last?.reply?.error, expected)
        let screen = app.render().lines.map { $0.trimmingTrailingSpaces }.joined(separator: "\n")
        XCTAssertTrue(screen.contains("/unset top_p (or /unset temperature)"), screen)
        app.type("/unset top_p<Enter>")
        XCTAssertNil(app.state.settings.topP)
    }
}
