import XCTest
import TurnsCore

final class SamplingSettingsTests: XCTestCase {
    private func error(_ settings: SamplingSettings) -> String? {
        do { try settings.validate(); return nil } catch { return error.description }
    }

    func testDefaultSettingsAreValid() {
        XCTAssertNil(error(SamplingSettings()))
    }

    func testEachInvalidValueIsNamedWithItsValueAndRange() {
        XCTAssertEqual(error(SamplingSettings(maxTokensToSample: 0)),
                       "invalid max_tokens_to_sample 0: must be an integer >= 1")
        XCTAssertEqual(error(SamplingSettings(temperature: 1.5)), "invalid temperature 1.5: must be a number from 0 to 1")
        XCTAssertEqual(error(SamplingSettings(temperature: -1)), "invalid temperature -1: must be a number from 0 to 1")
        XCTAssertEqual(error(SamplingSettings(temperature: .nan)), "invalid temperature nan: must be a number from 0 to 1")
        XCTAssertEqual(error(SamplingSettings(topK: 0)), "invalid top_k 0: must be an integer >= 1")
        XCTAssertEqual(error(SamplingSettings(topP: 2)), "invalid top_p 2: must be a number from 0 to 1")
        XCTAssertEqual(error(SamplingSettings(stopSequences: ["ok", ""])),
                       "invalid stop_sequences \"\": must be non-empty strings")
        XCTAssertEqual(error(SamplingSettings(model: " ")), "invalid model \" \": must be a non-empty model name")
    }

    func testTheBoundsThemselvesAreAllowed() {
        XCTAssertNil(error(SamplingSettings(maxTokensToSample: 1, temperature: 0, topK: 1, topP: 0)))
        XCTAssertNil(error(SamplingSettings(temperature: 1, topP: 1)))
    }

    func testSettingBothTemperatureAndTopPIsFlaggedForAdvice() {
        XCTAssertTrue(SamplingSettings(temperature: 0.5, topP: 0.9).setsBothTemperatureAndTopP)
        XCTAssertFalse(SamplingSettings(temperature: 0.5).setsBothTemperatureAndTopP)
    }
}

/// Text from a server or a file, made safe for a terminal.
final class InertTextTests: XCTestCase {
    func testControlCharactersAndBidiOverridesAreShownInertAndEverythingElseIsKept() {
        XCTAssertEqual(EscapedText.inert("a\u{1b}]52;c;x\u{07}b\u{9b}2J\u{202e}é\n"), #"a\u{1b}]52;c;x\u{7}b\u{9b}2J\u{202e}é\u{a}"#)
        XCTAssertEqual(EscapedText.inert("claude-sonnet-4-5  Claude Sonnet 4.5"), "claude-sonnet-4-5  Claude Sonnet 4.5")
    }
}
