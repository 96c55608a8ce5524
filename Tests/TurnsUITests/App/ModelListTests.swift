@testable import TurnsAPI
import TurnsCore
import XCTest
@testable import TurnsUI

/// `/models` lists what `GET /v1/models` returns, fetched once by the run loop (an effect, never on the UI thread),
/// and Tab after `/model ` completes a name from that list.
final class ModelListTests: XCTestCase {
    private let listed = [ModelInfo(id: "claude-sonnet-4-5-20250929", displayName: "Claude Sonnet 4.5"),
                          ModelInfo(id: "claude-sonnet-4-6", displayName: "Claude Sonnet 4.6"),
                          ModelInfo(id: "claude-opus-4-5-20251101", displayName: "Claude Opus 4.5"),
                          ModelInfo(id: "claude-haiku-4-5-20251001", displayName: "Claude\u{1B}[2J Haiku")]

    private func chat() -> AppHarness {
        AppHarness(width: 72, height: 12, backend: "anthropic",
                   settings: SamplingSettings(model: "claude-sonnet-4-6", maxTokensToSample: 300))
    }

    func testSlashModelsAsksTheRunLoopOnceThenShowsTheListOverTheTranscript() {
        var app = chat()
        app.type("/models<Enter>")
        XCTAssertEqual(app.effects, [.listModels])
        XCTAssertTrue(app.status.hasSuffix(" asking the API for its models… "), app.status)
        app.type("/models<Enter>")
        XCTAssertEqual(app.effects, [.listModels], "a fetch under way is not asked again")

        app.send(.modelsListed(.success(listed)))
        XCTAssertEqual(app.render().lines.prefix(7).map { $0.trimmingTrailingSpaces }, [
            "Models (/model NAME picks one, Tab completes it; any key closes)",
            "",
            "  claude-sonnet-4-5-20250929  Claude Sonnet 4.5",
            "* claude-sonnet-4-6           Claude Sonnet 4.6",
            "  claude-opus-4-5-20251101    Claude Opus 4.5",
            "  claude-haiku-4-5-20251001   Claude\\u{1b}[2J Haiku",
            "",
        ])
        app.type("x")
        XCTAssertNil(app.state.overlay, "any key closes the list")
        XCTAssertEqual(app.state.editor.text, "", "the key that closes it is not typed")
        app.type("/models<Enter>")
        XCTAssertEqual(app.effects, [.listModels], "the list is kept: no second fetch")
        XCTAssertEqual(app.state.overlay?.count, 6)
    }

    func testAFailedFetchIsShownAndTheNextAskTriesAgain() {
        var app = AppHarness(width: 72, backend: "bedrock")
        app.type("/models<Enter>")
        app.send(.modelsListed(.failure(APIError(kind: .notFound, status: 404, errorType: "not_found_error",
                                                 message: "Not found"))))
        XCTAssertNil(app.state.overlay)
        XCTAssertTrue(app.status.hasSuffix(" models: not found: Not found (HTTP 404, not_found_error) "), app.status)
        app.type("/models<Enter>")
        XCTAssertEqual(app.effects, [.listModels, .listModels])
    }

    func testTabAfterSlashModelFetchesTheListThenCompletesTheName() {
        var app = chat()
        app.type("/model claude-o<Tab>")
        XCTAssertEqual(app.effects, [.listModels])
        app.send(.modelsListed(.success(listed)))
        XCTAssertEqual(app.state.editor.text, "/model claude-opus-4-5-20251101", "one match: the whole name")
        app.type("<Enter>")
        XCTAssertEqual(app.state.settings.model, "claude-opus-4-5-20251101")
    }

    func testTabCompletesTheCommonPrefixAndShowsTheCandidates() {
        var app = chat()
        app.send(.modelsListed(.success(listed)))
        app.type("/models<Enter>x")
        app.type("<C-u>/model claude-s<Tab>")
        XCTAssertEqual(app.state.editor.text, "/model claude-sonnet-4-")
        XCTAssertTrue(app.status.hasSuffix(" claude-sonnet-4-5-20250929  claude-sonnet-4-6 "), app.status)
        app.type("6<Tab>")
        XCTAssertEqual(app.state.editor.text, "/model claude-sonnet-4-6")
        app.type("<C-u>/model gpt<Tab>")
        XCTAssertEqual(app.state.editor.text, "/model gpt")
        XCTAssertTrue(app.status.hasSuffix(" no model starts with \"gpt\" (/models lists them) "), app.status)
    }

    func testTabElsewhereDoesNothing() {
        var app = chat()
        app.type("hello<Tab>")
        XCTAssertEqual(app.state.editor.text, "hello")
        XCTAssertEqual(app.effects, [])
    }

    func testTheLongestCommonPrefix() {
        XCTAssertEqual(TabCompletion.complete("c", among: ["claude-a1", "claude-a2", "other"]).text, "claude-a")
        XCTAssertEqual(TabCompletion.complete("claude-a1", among: ["claude-a1", "claude-a10"]).matches, ["claude-a1", "claude-a10"])
        XCTAssertEqual(TabCompletion.complete("x", among: ["claude"]).text, "x")
        XCTAssertEqual(TabCompletion.complete("", among: ["ab", "ac"]).text, "a")
    }
}
