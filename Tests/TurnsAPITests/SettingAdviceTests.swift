import TurnsAPI
import XCTest

/// A model's own 400 for one of its limits, shown whole, names which of our settings to change and how: as slash
/// commands in the chat, as flags on the command line. The messages are the API's, as users reported them.
final class SettingAdviceTests: XCTestCase {
    private func refusal(_ message: String, type: String? = "invalid_request_error", status: Int = 400) -> APIError {
        APIError(kind: .badRequest, status: status, requestID: "req_011", errorType: type, message: message)
    }

    func testTemperatureWithTopPNamesBothSettings() {
        let error = refusal("`temperature` and `top_p` cannot both be specified for this model. Please use only one.")
        XCTAssertEqual(SettingAdvice.advice(for: error, in: .chat),
                       "This model takes only one of them: /unset top_p (or /unset temperature)")
        XCTAssertEqual(SettingAdvice.describe(error, in: .commandLine),
                       "bad request: `temperature` and `top_p` cannot both be specified for this model. Please use only one. "
                       + "(HTTP 400, invalid_request_error, request req_011). This model takes only one of them: drop "
                       + "--top-p or --temperature (and top_p or temperature in the config file)")
    }

    func testADeprecatedOrRestrictedTemperatureIsUnset() {
        for message in ["`temperature` is deprecated for this model.",
                        "`temperature` may only be set to 1 when thinking is enabled or in adaptive mode."] {
            XCTAssertEqual(SettingAdvice.advice(for: refusal(message), in: .chat),
                           "Change our temperature setting: /unset temperature", message)
            XCTAssertEqual(SettingAdvice.advice(for: refusal(message), in: .commandLine),
                           "Change --temperature (or temperature in the config file)", message)
        }
    }

    func testTopKAndStopSequencesNameTheirCommands() {
        XCTAssertEqual(SettingAdvice.advice(for: refusal("`top_k` must be unset when thinking is enabled."), in: .chat),
                       "Change our top_k setting: /unset top_k")
        let stops = refusal("stop_sequences: each stop sequence must contain non-whitespace")
        XCTAssertEqual(SettingAdvice.advice(for: stops, in: .chat), "Change our stop_sequences setting: /stop clear")
        XCTAssertEqual(SettingAdvice.advice(for: stops, in: .commandLine), "Change --stop (or stop_sequences in the config file)")
    }

    func testTooManyTokensProposesTheModelsLimit() {
        let error = refusal("max_tokens: 128001 > 64000, which is the maximum allowed number of output tokens for claude-opus-4-5-20251101")
        XCTAssertEqual(SettingAdvice.advice(for: error, in: .chat),
                       "This model answers with at most 64000 tokens: /set max_tokens 64000")
        XCTAssertEqual(SettingAdvice.advice(for: error, in: .commandLine),
                       "This model answers with at most 64000 tokens: pass --max-tokens 64000 (or max_tokens = 64000 in the config file)")
    }

    func testAPrefillRefusalSaysHowToEndThePrompt() {
        let error = refusal("This model does not support assistant message prefill. The conversation must end with a user message.")
        XCTAssertEqual(SettingAdvice.advice(for: error, in: .commandLine),
                       #"End the --raw prompt with a bare "\n\nAssistant:" (no text after it)"#)
        XCTAssertEqual(SettingAdvice.advice(for: error, in: .chat),
                       "This model takes no prefill: the conversation must end with your message")
    }

    func testBedrocksValidationExceptionGetsTheSameAdvice() {
        let error = refusal("The model returned the following errors: `temperature` and `top_p` cannot both be specified for this model. Please use only one.",
                            type: "ValidationException")
        XCTAssertEqual(SettingAdvice.advice(for: error, in: .chat),
                       "This model takes only one of them: /unset top_p (or /unset temperature)")
    }

    func testOtherFailuresGetNoAdviceAndTheirDescriptionUnchanged() {
        let unrelated = refusal("messages: roles must alternate between \"user\" and \"assistant\"")
        XCTAssertNil(SettingAdvice.advice(for: unrelated, in: .chat))
        XCTAssertEqual(SettingAdvice.describe(unrelated, in: .chat), unrelated.description)
        XCTAssertNil(SettingAdvice.advice(for: refusal("temperature: overloaded", type: "overloaded_error", status: 529), in: .chat))
        XCTAssertNil(SettingAdvice.advice(for: refusal("`temperature` is deprecated", type: "api_error"), in: .chat))
    }
}
