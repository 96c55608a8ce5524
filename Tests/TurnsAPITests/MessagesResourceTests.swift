import Foundation
@testable import TurnsAPI
import TurnsHTTP
import TurnsTestSupport
import XCTest

/// `client.messages`, the SDK's Messages surface: the body it sends, the typed message and the typed events.
final class MessagesResourceTests: XCTestCase {
    private func client(_ responses: [ScriptedResponse]) -> (CompletionsClient, ScriptedTransport) {
        let transport = ScriptedTransport(responses)
        var configuration = ClientConfiguration(backend: .anthropic(apiKey: "sk-test-key", baseURL: "http://127.0.0.1:9"))
        configuration.retryPolicy = RetryPolicy(random: { 0 }, sleep: { _ in })
        return (CompletionsClient(configuration, transport: transport), transport)
    }

    private let conversation = [MessageParam(role: .user, content: "Hi\n\nHuman: not a marker"),
                                MessageParam(role: .assistant, content: "Hello!"),
                                MessageParam(role: .user, content: "Name a colour.")]

    func testCreateSendsTheMessagesAsTheyAreAndReturnsATypedMessage() async throws {
        let body = #"{"id":"msg_01","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"Blue."}],"stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":3}}"#
        let (client, transport) = client([.text(body)])
        let message = try await client.messages.create(model: "claude-sonnet-4-5", maxTokens: 100, messages: conversation,
                                                       system: "Be terse.", temperature: 0.5)
        XCTAssertEqual(message, Message(id: "msg_01", model: "claude-sonnet-4-5-20250929", content: [TextBlock(text: "Blue.")],
                                        stopReason: "end_turn", usage: TokenUsage(inputTokens: 25, outputTokens: 3)))
        let sent = try XCTUnwrap(transport.requests.first)
        XCTAssertEqual(sent.url, "http://127.0.0.1:9/v1/messages")
        XCTAssertEqual(String(decoding: sent.body, as: UTF8.self),
                       #"{"max_tokens":100,"messages":[{"content":"Hi\n\nHuman: not a marker","role":"user"},{"content":"Hello!","role":"assistant"},{"content":"Name a colour.","role":"user"}],"model":"claude-sonnet-4-5","system":"Be terse.","temperature":0.5}"#)
    }

    func testStreamYieldsStartTextDeltaAndStopEvents() async throws {
        let events = [
            #"event: message_start"# + "\n" + #"data: {"type":"message_start","message":{"id":"msg_02","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":25,"output_tokens":1}}}"# + "\n\n",
            #"event: content_block_delta"# + "\n" + #"data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Blue"}}"# + "\n\n",
            #"event: content_block_delta"# + "\n" + #"data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" sky."}}"# + "\n\n",
            #"event: message_delta"# + "\n" + #"data: {"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"END"},"usage":{"output_tokens":4}}"# + "\n\n"
                + #"event: message_stop"# + "\n" + #"data: {"type":"message_stop"}"# + "\n\n",
        ]
        let (client, transport) = client([.reads(events)])
        let (received, error) = await collect(client.messages.stream(model: "claude-sonnet-4-5", maxTokens: 100,
                                                                     messages: conversation, stopSequences: ["END"]))
        XCTAssertNil(error)
        XCTAssertEqual(received, [
            .messageStart(Message(id: "msg_02", model: "claude-sonnet-4-5-20250929",
                                  usage: TokenUsage(inputTokens: 25, outputTokens: 1))),
            .textDelta("Blue"),
            .textDelta(" sky."),
            .messageDelta(stopReason: "stop_sequence", stopSequence: "END", usage: TokenUsage(inputTokens: 25, outputTokens: 4)),
            .messageStop,
        ])
        let sent = try XCTUnwrap(transport.requests.first)
        XCTAssertTrue(String(decoding: sent.body, as: UTF8.self).hasSuffix(#""stop_sequences":["END"],"stream":true}"#))
    }

    func testAFailureIsThrownAsTheSDKsErrorKind() async {
        let (client, _) = client([.text(#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#, status: 401)])
        do {
            _ = try await client.messages.create(model: "claude-sonnet-4-5", maxTokens: 5, messages: conversation)
            XCTFail("no error")
        } catch {
            XCTAssertEqual(error.kind.sdkClassName, "AuthenticationError")
        }
    }
}
