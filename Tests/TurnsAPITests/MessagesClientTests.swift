import Foundation
@testable import TurnsAPI
import TurnsCore
import TurnsHTTP
import TurnsTestSupport
import XCTest

/// The client over the Messages API: the request it sends, the stream and whole answers it reads (PROTOCOL.md E).
final class MessagesClientTests: XCTestCase {
    private let apiKey = "sk-ant-FAKE-KEY-0123456789-must-never-show"
    private let prompt = "Be terse.\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: Name a colour.\n\nAssistant: The colour is "

    private func client(_ responses: [ScriptedResponse]) -> (CompletionsClient, ScriptedTransport) {
        let transport = ScriptedTransport(responses)
        var configuration = ClientConfiguration(backend: .anthropic(apiKey: apiKey, baseURL: "http://127.0.0.1:9/"))
        configuration.retryPolicy = RetryPolicy(now: { 1_696_004_797 }, random: { 0 }, sleep: { _ in })
        return (CompletionsClient(configuration, transport: transport), transport)
    }

    private func messagesRequest(maxTokens: Int) -> CompletionRequest {
        var request = CompletionRequest(model: "claude-sonnet-4-5", prompt: prompt, maxTokensToSample: maxTokens)
        request.api = .messages
        return request
    }

    /// The documented stream of one answer, each event one read.
    private let stream: [String] = [
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}\n\n",
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
        "event: ping\ndata: {\"type\": \"ping\"}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" blue\"}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hidden\"}}\n\n",
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\", like \\\"sky\\\".\\n\"}}\n\n",
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}\n\n",
        "event: some_future_event\ndata: {\"type\":\"some_future_event\"}\n\n",
        "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n",
    ]

    func testAModelAfterClaude2SendsTheMappedBodyToV1Messages() async throws {
        var request = CompletionRequest(model: "claude-sonnet-4-5", prompt: prompt, maxTokensToSample: 300,
                                        stopSequences: ["\n\nObservation:"], temperature: 0.5, topK: 5, userID: "u-9f2")
        request.api = .auto
        let (client, transport) = client([.reads(stream)])
        _ = await collect(client.stream(request))
        let sent = try XCTUnwrap(transport.requests.first)
        XCTAssertEqual(sent.method, "POST")
        XCTAssertEqual(sent.url, "http://127.0.0.1:9/v1/messages")
        XCTAssertEqual(sent.headers.value(for: "anthropic-version"), "2023-06-01")
        XCTAssertEqual(String(decoding: sent.body, as: UTF8.self),
                       #"{"max_tokens":300,"messages":[{"content":"Hi","role":"user"},{"content":"Hello!","role":"assistant"},{"content":"Name a colour.","role":"user"},{"content":"The colour is","role":"assistant"}],"metadata":{"user_id":"u-9f2"},"model":"claude-sonnet-4-5","stop_sequences":["\n\nObservation:"],"stream":true,"system":"Be terse.","temperature":0.5,"top_k":5}"#)
    }

    func testClaude2UnderAutoAndTheLibrarysDefaultChoiceUseV1Complete() async throws {
        // The library's completions surface posts to /v1/complete unless told otherwise, as the SDK's does.
        let complete = CompletionRequest(model: "claude-sonnet-4-5", prompt: "\n\nHuman: Hi\n\nAssistant:", maxTokensToSample: 5)
        var legacy = CompletionRequest(model: "claude-2.1", prompt: "\n\nHuman: Hi\n\nAssistant:", maxTokensToSample: 5)
        legacy.api = .auto
        let (client, transport) = client([.text("{}"), .text("{}")])
        _ = try? await client.create(complete)
        _ = try? await client.create(legacy)
        XCTAssertEqual(transport.requests.map(\.url), ["http://127.0.0.1:9/v1/complete", "http://127.0.0.1:9/v1/complete"])
        XCTAssertEqual(String(decoding: transport.requests[1].body, as: UTF8.self),
                       #"{"max_tokens_to_sample":5,"model":"claude-2.1","prompt":"\n\nHuman: Hi\n\nAssistant:"}"#)
    }

    func testTheStreamGivesTheTextTheStopReasonAndTheUsageAtMessageStop() async {
        let (client, _) = client([.reads(stream)])
        let request = messagesRequest(maxTokens: 300)
        let (deltas, error) = await collect(client.stream(request))
        XCTAssertNil(error)
        XCTAssertEqual(deltas.map(\.text).joined(), " blue, like \"sky\".\n")
        XCTAssertEqual(deltas.last?.stopReason, "end_turn")
        XCTAssertEqual(deltas.last?.model, "claude-sonnet-4-5-20250929")
        XCTAssertEqual(deltas.last?.id, "msg_01")
        XCTAssertEqual(deltas.last?.usage, TokenUsage(inputTokens: 25, outputTokens: 15))
        XCTAssertEqual(deltas.dropLast().compactMap(\.stopReason), [])
    }

    func testEverySplitOfTheStreamGivesTheSameAnswer() async {
        let bytes = Array(stream.joined().utf8)
        for size in [1, 2, 3, 7, 64, 1000] {
            let (client, _) = client([ScriptedResponse(chunks: ScriptedResponse.split(bytes, size: size))])
            let request = messagesRequest(maxTokens: 300)
            let (deltas, error) = await collect(client.stream(request))
            XCTAssertNil(error, "reads of \(size)")
            XCTAssertEqual(deltas.map(\.text).joined(), " blue, like \"sky\".\n", "reads of \(size)")
            XCTAssertEqual(deltas.last?.stopReason, "end_turn", "reads of \(size)")
        }
    }

    func testAStreamEndingBeforeMessageStopKeepsTheTextAndIsAConnectionError() async {
        let (client, _) = client([.reads(Array(stream.prefix(8)))])
        let request = messagesRequest(maxTokens: 300)
        let (deltas, error) = await collect(client.stream(request))
        XCTAssertEqual(deltas.map(\.text).joined(), " blue, like \"sky\".\n")
        XCTAssertEqual(error?.kind, .connection)
        XCTAssertEqual(error?.message, "the stream ended before the answer was complete")
    }

    func testAnErrorEventAfterTheTextIsTheAPIErrorItNames() async {
        let reads = Array(stream.prefix(4)) + [
            "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n",
        ]
        let (client, _) = client([.reads(reads)])
        let request = messagesRequest(maxTokens: 300)
        let (deltas, error) = await collect(client.stream(request))
        XCTAssertEqual(deltas.map(\.text).joined(), " blue")
        XCTAssertEqual(error?.kind, .overloaded)
        XCTAssertEqual(error?.message, "Overloaded")
    }

    func testAWholeAnswerReadsTheTextBlocksAndUsage() async throws {
        let body = #"{"id":"msg_02","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"thinking","thinking":"x"},{"type":"text","text":"Red"},{"type":"text","text":"."}],"stop_reason":"max_tokens","stop_sequence":null,"usage":{"input_tokens":9,"output_tokens":2}}"#
        let (client, transport) = client([.text(body)])
        let completion = try await client.create(messagesRequest(maxTokens: 2))
        XCTAssertEqual(completion, Completion(id: "msg_02", completion: "Red.", stopReason: "max_tokens", stop: nil,
                                              model: "claude-sonnet-4-5-20250929",
                                              usage: TokenUsage(inputTokens: 9, outputTokens: 2)))
        XCTAssertFalse(String(decoding: transport.requests[0].body, as: UTF8.self).contains("stream"))
    }

    func testAPromptTheMessagesAPICannotTakeIsRefusedBeforeSending() async {
        let (client, transport) = client([])
        var request = CompletionRequest(model: "claude-sonnet-4-5", prompt: "\n\nHuman: a\n\nHuman: b\n\nAssistant:",
                                        maxTokensToSample: 5)
        request.api = .messages
        let (_, error) = await collect(client.stream(request))
        XCTAssertEqual(error?.kind, .invalidRequest)
        XCTAssertEqual(error?.message,
                       "the prompt cannot be sent to the Messages API: turns 1 and 2 are both Human turns; they must alternate")
        XCTAssertEqual(transport.requests.count, 0)
    }

    func testTheModelListIsReadPageByPage() async throws {
        let first = #"{"data":[{"type":"model","id":"claude-sonnet-4-5-20250929","display_name":"Claude Sonnet 4.5","created_at":"2025-09-29T00:00:00Z"}],"has_more":true,"first_id":"claude-sonnet-4-5-20250929","last_id":"claude-sonnet-4-5-20250929"}"#
        let second = #"{"data":[{"type":"model","id":"claude-haiku-4-5","display_name":"Claude Haiku 4.5","created_at":"2025-10-01T00:00:00Z"}],"has_more":false,"first_id":"claude-haiku-4-5","last_id":"claude-haiku-4-5"}"#
        let (client, transport) = client([.text(first), .text(second)])
        let models = try await client.models()
        XCTAssertEqual(models.map(\.id), ["claude-sonnet-4-5-20250929", "claude-haiku-4-5"])
        XCTAssertEqual(models.first?.displayName, "Claude Sonnet 4.5")
        XCTAssertEqual(transport.requests.map(\.method), ["GET", "GET"])
        XCTAssertEqual(transport.requests.map(\.url), [
            "http://127.0.0.1:9/v1/models?limit=1000",
            "http://127.0.0.1:9/v1/models?limit=1000&after_id=claude-sonnet-4-5-20250929",
        ])
        XCTAssertEqual(transport.requests[0].headers.value(for: "x-api-key"), apiKey)
    }

    func testAnOverloadedModelListIsRetriedAndAWrongKeyIsNot() async throws {
        let overloaded = #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#
        let page = #"{"data":[{"type":"model","id":"claude-haiku-4-5"}],"has_more":false}"#
        let (retrying, transport) = client([.text(overloaded, status: 529), .failure(.connectionLost("reset by peer")),
                                            .text(page)])
        let models = try await retrying.models()
        XCTAssertEqual(models.map(\.id), ["claude-haiku-4-5"])
        XCTAssertEqual(transport.requests.count, 3)

        let refused = #"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#
        let (once, onceTransport) = client([.text(refused, status: 401), .text(page)])
        do throws(APIError) {
            _ = try await once.models()
            XCTFail("no error")
        } catch {
            XCTAssertEqual(error.kind, .authentication)
            XCTAssertEqual(error.message, "invalid x-api-key")
        }
        XCTAssertEqual(onceTransport.requests.count, 1)
    }
}
