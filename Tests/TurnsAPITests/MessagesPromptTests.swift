import TurnsAPI
import TurnsCore
import XCTest

/// The Text Completions → Messages mapping of Anthropic's migration guide ("upgrading from the Text Completions API").
final class MessagesPromptTests: XCTestCase {
    func testSystemTextAndAlternatingTurnsMapInOrderAndTheOpenAssistantIsDropped() throws {
        let prompt = "You are terse.\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: More\n\nAssistant:"
        XCTAssertEqual(try MessagesPrompt(prompt: prompt), MessagesPrompt(system: "You are terse.", messages: [
            MessageParam(role: .user, content: "Hi"),
            MessageParam(role: .assistant, content: "Hello!"),
            MessageParam(role: .user, content: "More"),
        ]))
    }

    func testNoSystemTextIsNil() throws {
        XCTAssertEqual(try MessagesPrompt(prompt: "\n\nHuman: Hi\n\nAssistant:"),
                       MessagesPrompt(system: nil, messages: [MessageParam(role: .user, content: "Hi")]))
    }

    func testSystemTextIsTrimmedAndWhiteSpaceAloneIsNone() throws {
        XCTAssertEqual(try MessagesPrompt(prompt: "  Be brief. \n\nHuman: Hi\n\nAssistant:").system, "Be brief.")
        XCTAssertNil(try MessagesPrompt(prompt: " \n\nHuman: Hi\n\nAssistant:").system)
    }

    func testAFinalAssistantTextIsAPrefillWithoutTrailingWhiteSpace() throws {
        let prompt = "\n\nHuman: Name a colour.\n\nAssistant: The colour is  \n"
        XCTAssertEqual(try MessagesPrompt(prompt: prompt).messages, [
            MessageParam(role: .user, content: "Name a colour."),
            MessageParam(role: .assistant, content: "The colour is"),
        ])
    }

    func testAFinalAssistantTurnOfWhiteSpaceAsksForAnAnswer() throws {
        XCTAssertEqual(try MessagesPrompt(prompt: "\n\nHuman: Hi\n\nAssistant:   ").messages,
                       [MessageParam(role: .user, content: "Hi")])
    }

    func testAPromptEndingWithAHumanTurnMapsAsIs() throws {
        XCTAssertEqual(try MessagesPrompt(prompt: "\n\nHuman: Hi").messages, [MessageParam(role: .user, content: "Hi")])
    }

    func testTextIsSentAsTheTranscriptHoldsIt() throws {
        // Inner newlines and a neutralized marker stay as they are; only the one space after a marker goes.
        let prompt = "\n\nHuman: line one\nline two \\Human: x\n\nAssistant:"
        XCTAssertEqual(try MessagesPrompt(prompt: prompt).messages,
                       [MessageParam(role: .user, content: "line one\nline two \\Human: x")])
    }

    func testTwoHumanTurnsInARowAreRefusedSayingWhere() {
        assertRefused("\n\nHuman: a\n\nAssistant: b\n\nHuman: c\n\nHuman: d\n\nAssistant:",
                      "the prompt cannot be sent to the Messages API: turns 3 and 4 are both Human turns; they must alternate")
    }

    func testAPromptThatStartsWithAnAssistantTurnIsRefused() {
        assertRefused("System\n\nAssistant: hi\n\nHuman: x\n\nAssistant:",
                      "the prompt cannot be sent to the Messages API: turn 1 is an Assistant turn; the first turn must be a Human turn")
    }

    func testAPromptWithoutTurnsIsRefused() {
        assertRefused("just text", "the prompt cannot be sent to the Messages API: it has no \"\\n\\nHuman:\" turn")
    }

    func testAnEmptyHumanTurnIsRefused() {
        assertRefused("\n\nHuman: a\n\nAssistant: b\n\nHuman:  \n\nAssistant:",
                      "the prompt cannot be sent to the Messages API: turn 3 (Human) is empty; every message needs text")
    }

    private func assertRefused(_ prompt: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try MessagesPrompt(prompt: prompt), file: file, line: line) { error in
            XCTAssertEqual((error as? APIError)?.kind, .invalidRequest, file: file, line: line)
            XCTAssertEqual((error as? APIError)?.message, message, file: file, line: line)
        }
    }
}

/// Which API `auto` picks: Text Completions only for the models that spoke it.
final class APIChoiceTests: XCTestCase {
    func testAutoSendsTheTextCompletionsModelsToCompleteAndEveryOtherToMessages() {
        let expected: [(String, AnthropicAPI)] = [
            ("claude-2.1", .complete), ("claude-2.0", .complete), ("claude-instant-1.2", .complete),
            ("claude-1.3", .complete), ("anthropic.claude-v2:1", .complete), ("anthropic.claude-instant-v1", .complete),
            ("claude-sonnet-4-5", .messages), ("claude-3-haiku-20240307", .messages),
            ("anthropic.claude-sonnet-4-5-20250929-v1:0", .messages), ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", .messages),
            ("local", .messages),
        ]
        for (model, api) in expected {
            XCTAssertEqual(APIChoice.auto.api(forModel: model), api, model)
        }
    }

    func testAnExplicitChoiceWinsOverTheModelName() {
        XCTAssertEqual(APIChoice.complete.api(forModel: "claude-sonnet-4-5"), .complete)
        XCTAssertEqual(APIChoice.messages.api(forModel: "claude-2.1"), .messages)
    }
}
