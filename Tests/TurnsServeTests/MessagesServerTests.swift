import TurnsCore
import TurnsLocal
import TurnsServe
import TurnsTestSupport
import XCTest

/// `turns serve` speaking the Messages API (PROTOCOL.md E) with the local model behind it.
final class MessagesServerTests: ServerTestCase {
    private let version = [("anthropic-version", "2023-06-01")]

    private func body(messages: TestJSON, stream: Bool = false, extra: [(String, TestJSON)] = []) -> String {
        TestJSON.object([("model", .string("claude-sonnet-4-5")), ("max_tokens", .number(40)), ("messages", messages),
                         ("stream", .bool(stream)), ("temperature", .number(0))] + extra).jsonText
    }

    private func user(_ text: String) -> TestJSON { .object([("role", .string("user")), ("content", .string(text))]) }
    private func assistant(_ text: String) -> TestJSON { .object([("role", .string("assistant")), ("content", .string(text))]) }

    /// What the local model answers to `prompt` at temperature 0 with the test server's seed.
    private func expected(_ prompt: String) -> (text: String, stop: LocalStop) {
        var generation = LocalModel.shared.generate(prompt: prompt, parameters: SamplingSettings(
            model: "claude-sonnet-4-5", maxTokensToSample: 40, temperature: 0), seed: 1)
        return generation.collect()
    }

    private func fetch(_ body: String, headers: [(String, String)]? = nil) throws -> RawHTTPClient.Response {
        try RawHTTPClient.fetch(port: try startServer(), path: "/v1/messages", headers: headers ?? version, body: body)
    }

    func testAWholeAnswerIsAMessageWithTheLocalModelsTextAndUsage() throws {
        let response = try fetch(body(messages: .array([user("How do I save?")]), extra: [("system", .string("Be brief."))]))
        XCTAssertEqual(response.head.status, 200, response.text)
        let json = try TestJSON.parse(response.text)
        let answer = expected("Be brief.\n\nHuman: How do I save?\n\nAssistant:")
        XCTAssertEqual(json["type"], .string("message"))
        XCTAssertEqual(json["role"], .string("assistant"))
        XCTAssertEqual(json["model"], .string("claude-sonnet-4-5"))
        XCTAssertTrue(json["id"]?.stringValue?.hasPrefix("msg_") == true)
        XCTAssertEqual(json["content"], .array([.object([("text", .string(answer.text)), ("type", .string("text"))])]))
        XCTAssertEqual(json["stop_reason"], .string(answer.stop.reason == .maxTokens ? "max_tokens" : "end_turn"))
        XCTAssertNotNil(json["usage"]?["input_tokens"]?.intValue)
        XCTAssertNotNil(json["usage"]?["output_tokens"]?.intValue)
    }

    func testAStreamSendsTheDocumentedEventsInOrderAndTheSameText() throws {
        let response = try fetch(body(messages: .array([user("How do I save?")]), stream: true))
        XCTAssertEqual(response.head.status, 200, response.text)
        XCTAssertEqual(response.head.header("content-type"), "text/event-stream; charset=utf-8")
        let blocks = response.text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        let names = blocks.map { $0.split(separator: "\n")[0].dropFirst("event: ".count) }
        XCTAssertEqual(Array(names.prefix(3)), ["message_start", "content_block_start", "ping"])
        XCTAssertEqual(Array(names.suffix(3)), ["content_block_stop", "message_delta", "message_stop"])
        XCTAssertTrue(names.dropFirst(3).dropLast(3).allSatisfy { $0 == "content_block_delta" })
        let datas = try blocks.map { try TestJSON.parse(String($0.split(separator: "\n")[1].dropFirst("data: ".count))) }
        let text = datas.compactMap { $0["type"] == .string("content_block_delta") ? $0["delta"]?["text"]?.stringValue : nil }
        let answer = expected("\n\nHuman: How do I save?\n\nAssistant:")
        XCTAssertEqual(text.joined(), answer.text)
        XCTAssertEqual(datas[datas.count - 2]["delta"]?["stop_reason"],
                       .string(answer.stop.reason == .maxTokens ? "max_tokens" : "end_turn"))
    }

    func testAFinalAssistantMessageIsContinued() throws {
        let response = try fetch(body(messages: .array([user("How do I save?"), assistant("To save")])))
        let answer = expected("\n\nHuman: How do I save?\n\nAssistant: To save")
        XCTAssertEqual(try TestJSON.parse(response.text)["content"]?.arrayValue?.first?["text"], .string(answer.text))
    }

    func testTheAPIsRefusalsAreItsOwn400s() throws {
        let cases: [(TestJSON, String)] = [
            (.array([]), "messages: at least one message is required"),
            (.array([assistant("hi")]), "messages: first message must use the \"user\" role"),
            (.array([user("a"), user("b")]),
             "messages: roles must alternate between \"user\" and \"assistant\", but found multiple \"user\" roles in a row"),
            (.array([user(" "), assistant("b")]),
             "messages: all messages must have non-empty content except for the optional final assistant message"),
            (.array([user("a"), assistant("b ")]), "messages: final assistant content cannot end with trailing whitespace"),
        ]
        for (messages, message) in cases {
            let response = try fetch(body(messages: messages))
            XCTAssertEqual(response.head.status, 400, message)
            XCTAssertEqual(try TestJSON.parse(response.text)["error"]?["message"], .string(message))
        }
    }

    func testAMissingAnthropicVersionHeaderIsA400OnBothAPIs() throws {
        // Source: the API's reply quoted in envoyproxy/ai-gateway PR #1909 and PipedreamHQ/pipedream issue #9697.
        let response = try RawHTTPClient.fetch(port: try startServer(), path: "/v1/messages",
                                                body: body(messages: .array([user("Hi")])), versioned: false)
        XCTAssertEqual(response.head.status, 400)
        XCTAssertEqual(try TestJSON.parse(response.text)["error"]?["message"], .string("anthropic-version: header is required"))
        let complete = try RawHTTPClient.fetch(port: try startServer(), path: "/v1/complete",
                                               body: #"{"model":"m","prompt":"\n\nHuman: Hi\n\nAssistant:","max_tokens_to_sample":5}"#,
                                               versioned: false)
        XCTAssertEqual(complete.head.status, 400)
        XCTAssertEqual(try TestJSON.parse(complete.text)["error"]?["type"], .string("invalid_request_error"))
        XCTAssertEqual(try TestJSON.parse(complete.text)["error"]?["message"], .string("anthropic-version: header is required"))
    }

    func testTheModelListNamesTheLocalModel() throws {
        let response = try RawHTTPClient.fetch(port: try startServer(), method: "GET", path: "/v1/models", headers: version)
        XCTAssertEqual(response.head.status, 200, response.text)
        let json = try TestJSON.parse(response.text)
        XCTAssertEqual(json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue }, ["turns-local"])
        XCTAssertEqual(json["has_more"], .bool(false))
    }
}
