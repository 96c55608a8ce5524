import XCTest
import TurnsCore
import TurnsTestSupport
@testable import TurnsUI

final class StatusBarTests: XCTestCase {
    private let settings = SamplingSettings(model: "claude-2.1", maxTokensToSample: 500, temperature: 0.3, topK: 40,
                                            topP: 0.9, stopSequences: ["###", "\nEND"])

    private func line(_ request: RequestState, width: Int = 100, settings: SamplingSettings? = nil) -> String {
        StatusBar.line(StatusBarModel(backend: "local", settings: settings ?? self.settings, request: request), width: width)
    }

    /// The settings on the left, `spaces` blanks, the state on the right.
    private func bar(_ left: String, _ spaces: Int, _ right: String) -> String {
        left + String(repeating: " ", count: spaces) + right
    }

    func testShowsTheBackendModelAndTheSettingsThatAreSet() {
        XCTAssertEqual(line(.idle), bar(" local · claude-2.1 · temp 0.3 · top_k 40 · top_p 0.9 · max 500 · 2 stops",
                                        21, "ready "))
        XCTAssertEqual(line(.idle, settings: SamplingSettings(model: "claude-2.1")), bar(" local · claude-2.1 · max 1024", 64, "ready "),
                       "unset settings are not shown")
    }

    func testShowsEachRequestState() {
        let states: [(RequestState, String)] = [
            (.waiting, "waiting… "),
            (.streaming(tokensPerSecond: nil), "streaming "),
            (.streaming(tokensPerSecond: 41.6), "streaming 42 tok/s "),
            (.retrying(seconds: 3, attempt: 2, maxAttempts: 4), "retrying in 3s (attempt 2/4) "),
            (.done(stopReason: "stop_sequence"), "done: stop_sequence "),
            (.done(stopReason: "max_tokens"), "done: max_tokens "),
            (.interrupted, "interrupted "),
            (.failed("rate limited (HTTP 429). Wait a moment and try again"),
             "error: rate limited (HTTP 429). Wait a moment and try again "),
        ]
        for (state, text) in states {
            XCTAssertTrue(line(state, width: 140).hasSuffix(" " + text), "\(state): \(line(state, width: 140))")
            XCTAssertTrue(line(state, width: 140).hasPrefix(" local · claude-2.1"), "\(state)")
        }
    }

    func testNarrowBarsDropSettingsFromTheRightFirst() {
        XCTAssertEqual(line(.waiting, width: 50), bar(" local · claude-2.1 · temp 0.3", 11, "waiting… "))
        XCTAssertEqual(line(.waiting, width: 30), bar(" local · claude-2.1", 2, "waiting… "))
    }

    func testThenTheModelIsShortenedAndTheStateKeepsItsPlace() {
        XCTAssertEqual(line(.waiting, width: 20), " local · … waiting… ")
        XCTAssertEqual(line(.failed("connection failed: Check the network"), width: 20), "error: connection f…")
    }

    func testACommandMessageTakesThePlaceOfTheState() {
        var model = StatusBarModel(backend: "local", settings: SamplingSettings(model: "claude-2.1"), request: .done(stopReason: nil))
        model.message = StatusMessage("unknown command /frob (try /help)", isError: true)
        let expected = bar(" local · claude-2.1 · max 1024", 6, "unknown command /frob (try /help) ")
        XCTAssertEqual(StatusBar.line(model, width: 70), expected)
        var screen = ScreenBuffer(width: 70, height: 1)
        StatusBar.draw(model, theme: .default, into: &screen, x: 0, y: 0, width: 70)
        assertScreen(screen, [expected])
        XCTAssertEqual(screen[40, 0].style.foreground, Theme.default[.error].foreground)
        XCTAssertEqual(screen[0, 0].style, Theme.default[.statusBar])
    }

    func testNumbersAreShownAsTyped() {
        XCTAssertEqual(StatusBar.formatNumber(1), "1")
        XCTAssertEqual(StatusBar.formatNumber(0.1 + 0.05), "0.15")
        XCTAssertEqual(StatusBar.formatNumber(0.7), "0.7")
    }
}
