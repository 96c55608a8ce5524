import XCTest
import TurnsCore
import TurnsTestSupport
@testable import TurnsUI

final class SettingsPanelTests: XCTestCase {
    private func panelLines(_ app: inout AppHarness) -> [String] {
        app.render().lines.map { $0.trimmingTrailingSpaces }
    }

    func testF2OpensThePanelOverTheChatAndEscClosesIt() {
        var app = AppHarness(width: 60, height: 24)
        app.type("<F2>")
        XCTAssertNotNil(app.state.panel)
        let lines = panelLines(&app)
        XCTAssertTrue(lines.contains(" Settings (Esc or F2 closes)"), "\(lines)")
        XCTAssertTrue(lines.contains(" model        claude-2.1"), "\(lines)")
        XCTAssertTrue(lines.contains(" temperature  default"), "\(lines)")
        XCTAssertTrue(lines.contains(" max_tokens   300"), "\(lines)")
        XCTAssertTrue(lines.contains(" streaming    on"), "\(lines)")
        app.type("<Esc>")
        XCTAssertNil(app.state.panel)
        app.type("/settings<Enter><F2>")
        XCTAssertNil(app.state.panel, "F2 closes it too")
    }

    func testLeftAndRightStepNumbersAndTheStatusBarShowsThemAtOnce() {
        var app = AppHarness(width: 72, height: 24)
        app.type("<F2><Down><Left><Left>")
        XCTAssertEqual(app.state.settings.temperature, 0.9)
        XCTAssertTrue(app.status.contains("temp 0.9"), app.status)
        app.type("<Right><Right><Right>")
        XCTAssertEqual(app.state.settings.temperature, 1, "clamped at 1")
        app.type("<Down><Right><S-Right>")
        XCTAssertEqual(app.state.settings.topK, 11)
        app.type("<Down><Down><S-Left><Left>")
        XCTAssertEqual(app.state.settings.maxTokensToSample, 289)
    }

    func testLeftAndRightOnTheModelFieldCycleThroughTheBackendsModels() {
        var app = AppHarness(width: 72, height: 24, backend: "bedrock",
                             settings: SamplingSettings(model: "anthropic.claude-v2:1", maxTokensToSample: 300))
        app.type("<F2><Right>")
        XCTAssertEqual(app.state.settings.model, "anthropic.claude-v2")
        app.type("<Right>")
        XCTAssertEqual(app.state.settings.model, "anthropic.claude-instant-v1")
        app.type("<Right>")
        XCTAssertEqual(app.state.settings.model, "global.anthropic.claude-sonnet-4-5-20250929-v1:0")
        app.type("<Right>")
        XCTAssertEqual(app.state.settings.model, "anthropic.claude-v2:1", "the list wraps around")
        app.type("<Left>")
        XCTAssertEqual(app.state.settings.model, "global.anthropic.claude-sonnet-4-5-20250929-v1:0")
        XCTAssertTrue(app.status.contains("global.anthropic.claude-sonnet-4-5"), app.status)
    }

    func testTypingAValueSetsIt() {
        var app = AppHarness(width: 72, height: 24)
        app.type("<F2><Down>0.35<Enter>")
        XCTAssertEqual(app.state.settings.temperature, 0.35)
        app.type("<Down><Down><Down>1000<Enter>")
        XCTAssertEqual(app.state.settings.maxTokensToSample, 1000)
        app.type("<Up><Up><Up><Up><Enter><C-u>")
        XCTAssertEqual(app.state.settings.model, "claude-2.1", "Enter starts editing the current value")
    }

    func testAnInvalidValueShowsItsErrorAndIsNotApplied() {
        var app = AppHarness(width: 72, height: 24)
        app.type("<F2><Down>1.5<Enter>")
        XCTAssertNil(app.state.settings.temperature)
        XCTAssertEqual(app.state.panel?.error, "invalid temperature 1.5: must be a number from 0 to 1")
        XCTAssertTrue(panelLines(&app).contains(" invalid temperature 1.5: must be a number from 0 to 1"))
        app.type("<BS><BS><BS>0.5<Enter>")
        XCTAssertEqual(app.state.settings.temperature, 0.5)
        XCTAssertNil(app.state.panel?.error)
        app.type("<Down>abc<Enter>")
        XCTAssertEqual(app.state.panel?.error, "top_k must be a whole number, not \"abc\"")
        app.type("<Esc>")
        XCTAssertNotNil(app.state.panel, "Esc first abandons the typed value")
        XCTAssertNil(app.state.settings.topK)
    }

    func testDeleteUnsetsAnOptionalFieldShownAsDefault() {
        var app = AppHarness(width: 72, height: 24)
        app.type("/set top_p 0.5<Enter><F2><Down><Down><Down><Del>")
        XCTAssertNil(app.state.settings.topP)
        XCTAssertTrue(panelLines(&app).contains(" top_p        default"))
        app.type("<Down><Del>")
        XCTAssertEqual(app.state.settings.maxTokensToSample, 300)
        XCTAssertEqual(app.state.panel?.error, "max_tokens has no default to return to")
    }

    func testChangingBothTemperatureAndTopPShowsTheAdvice() {
        var app = AppHarness(width: 72, height: 24)
        app.type("<F2><Down><Left>")
        XCTAssertFalse(panelLines(&app).contains(" " + SamplingSettings.temperatureTopPAdvice))
        app.type("<Down><Down><Left>")
        XCTAssertTrue(panelLines(&app).contains(" " + SamplingSettings.temperatureTopPAdvice))
    }

    func testStopSequencesCanBeAddedEditedAndDeletedWithEscapes() {
        var app = AppHarness(width: 72, height: 24)
        app.type("<F2><Down><Down><Down><Down><Down>\\n\\nEND<Enter>")
        XCTAssertEqual(app.state.settings.stopSequences, ["\n\nEND"])
        XCTAssertTrue(panelLines(&app).contains(" stop 1       \\n\\nEND"), "\(panelLines(&app))")
        app.type("<Enter><BS><BS><BS>STOP<Enter>")
        XCTAssertEqual(app.state.settings.stopSequences, ["\n\nSTOP"])
        app.type("<Del>")
        XCTAssertEqual(app.state.settings.stopSequences, [])
    }

    func testSystemTextAndStreamingAreInThePanel() {
        var app = AppHarness(width: 72, height: 24)
        app.type("<F2><Down><Down><Down><Down><Down><Down>Be terse.<Enter><Down><Right>")
        XCTAssertEqual(app.state.transcript.system, "Be terse.")
        XCTAssertFalse(app.state.streaming)
        app.type("<Esc>q<Enter>")
        guard case .send(_, let prompt, _, let stream)? = app.effects.last else { return XCTFail() }
        XCTAssertEqual(prompt, "Be terse.\n\nHuman: q\n\nAssistant:")
        XCTAssertFalse(stream)
    }

    func testThePanelOpensWhileAnAnswerStreams() {
        var app = AppHarness(width: 72, height: 24)
        app.type("q<Enter><F2><Down><Left>")
        app.stream(.text("still arriving"))
        XCTAssertEqual(app.state.transcript.turns.last?.text, "still arriving")
        XCTAssertEqual(app.state.settings.temperature, 0.95)
        XCTAssertEqual(app.state.activeRequest, 1)
    }
    func testTheRejectedValueStaysInItsFieldWithTheErrorBelow() {
        var app = AppHarness(width: 72, height: 18)
        app.type("<F2><Down>1.5<Enter>")
        assertScreen(app.render(), [
            "turns: local backend, model claude-2.1.",
            " Settings (Esc or F2 closes)",
            " model        claude-2.1",
            " temperature  1.5",
            " top_k        default",
            " top_p        default",
            " max_tokens   300",
            " stop +       (type to add)",
            " system       none",
            " streaming    on",
            " api          auto (/v1/complete)",
            "",
            " invalid temperature 1.5: must be a number from 0 to 1",
            " Up/Down field  Left/Right step (Shift x10)  Del unset  Esc close",
            "",
            "",
            " local · claude-2.1 · max 300                                     ready",
            ">",
        ])
        XCTAssertEqual(app.screen[1, 3].style, Theme.monochrome[.panelSelected])
    }

    func testTheAPIRowCyclesAutoCompleteMessagesAndSaysWhichEndpointTheModelGets() {
        var app = AppHarness(width: 72, height: 24, backend: "anthropic",
                             settings: SamplingSettings(model: "claude-sonnet-4-5", maxTokensToSample: 300))
        app.type("<F2>" + String(repeating: "<Down>", count: 8))
        XCTAssertTrue(app.render().lines.contains { $0.hasPrefix(" api          auto (/v1/messages)") })
        app.type("<Right>")
        XCTAssertEqual(app.state.api, .complete)
        XCTAssertTrue(app.render().lines.contains { $0.hasPrefix(" api          complete (/v1/complete)") })
        app.type("<Enter>")
        XCTAssertEqual(app.state.api, .messages)
        app.type("<Left>")
        XCTAssertEqual(app.state.api, .complete)
        XCTAssertTrue(app.status.contains("claude-sonnet-4-5 · max 300"), app.status)
        app.type("<Left>")
        XCTAssertEqual(app.state.api, .auto)
        XCTAssertTrue(app.status.contains("claude-sonnet-4-5 · messages · max 300"), app.status)
    }
}
