import Foundation
import TurnsAPI
import TurnsTestSupport
import XCTest

/// The conveniences of the public library surface: the SDK-shaped initializer and calls, the prompt builder,
/// metadata, and the error kinds' SDK classes.
final class LibrarySurfaceTests: XCTestCase {
    private func okBody(_ text: String) -> ScriptedResponse {
        .text(#"{"id":"compl_1","type":"completion","completion":"\#(text)","stop_reason":"max_tokens","model":"claude-2.1"}"#)
    }

    func testTheConvenienceInitializerConfiguresAnthropicWithTheSDKsDefaults() {
        let client = CompletionsClient(apiKey: "sk-test", baseURL: "http://127.0.0.1:9")
        XCTAssertEqual(client.configuration.maxRetries, 2)
        XCTAssertEqual(client.configuration.timeout, 600)
        XCTAssertEqual(client.configuration.extraHeaders, [])
        XCTAssertTrue(client.transport is CurlTransport)
        guard case .anthropic(let apiKey, let baseURL) = client.configuration.backend else {
            return XCTFail("not the anthropic backend")
        }
        XCTAssertEqual(apiKey, "sk-test")
        XCTAssertEqual(baseURL, "http://127.0.0.1:9")
    }

    func testTheConvenienceInitializerTakesRetriesTimeoutAndExtraHeadersInNameOrder() {
        let client = CompletionsClient(apiKey: "sk-test", maxRetries: 5, timeout: 30,
                                       extraHeaders: ["x-b": "2", "anthropic-beta": "b1,b2", "x-a": "1"],
                                       transport: ScriptedTransport([]))
        XCTAssertEqual(client.configuration.maxRetries, 5)
        XCTAssertEqual(client.configuration.timeout, 30)
        XCTAssertEqual(client.configuration.extraHeaders, [
            HTTPHeader("anthropic-beta", "b1,b2"), HTTPHeader("x-a", "1"), HTTPHeader("x-b", "2"),
        ])
        XCTAssertTrue(client.transport is ScriptedTransport)
    }

    func testCreateWithTheSDKsParameterNamesSendsEachAsTheAPINamesIt() async throws {
        let transport = ScriptedTransport([okBody(" Hi")])
        let client = CompletionsClient(apiKey: "sk-test", baseURL: "http://127.0.0.1:9", extraHeaders: ["anthropic-beta": "b1"],
                                       transport: transport)
        let completion = try await client.create(model: "claude-2.1", prompt: "\(humanPrompt) Hi\(aiPrompt)",
                                                 maxTokensToSample: 7, stopSequences: ["\n\nObs:"], temperature: 0.5,
                                                 topK: 40, topP: 0.9, metadata: .init(userID: "user-1"))
        XCTAssertEqual(completion, Completion(id: "compl_1", completion: " Hi", stopReason: "max_tokens", model: "claude-2.1"))
        let sent = try XCTUnwrap(transport.requests.first)
        XCTAssertEqual(String(decoding: sent.body, as: UTF8.self),
                       #"{"max_tokens_to_sample":7,"metadata":{"user_id":"user-1"},"model":"claude-2.1","#
                       + #""prompt":"\n\nHuman: Hi\n\nAssistant:","stop_sequences":["\n\nObs:"],"temperature":0.5,"#
                       + #""top_k":40,"top_p":0.9}"#)
        XCTAssertEqual(sent.headers.value(for: "anthropic-beta"), "b1")
        XCTAssertEqual(sent.headers.value(for: "x-api-key"), "sk-test")
    }

    func testStreamWithTheSDKsParameterNamesAsksForAStream() async throws {
        let event = #"event: completion"# + "\n" +
            #"data: {"type":"completion","completion":" Hi","stop_reason":"max_tokens","model":"claude-2.1"}"# + "\n\n"
        let transport = ScriptedTransport([.reads([event])])
        let client = CompletionsClient(apiKey: "sk-test", baseURL: "http://127.0.0.1:9", transport: transport)
        var deltas: [CompletionDelta] = []
        for try await delta in client.stream(model: "claude-2.1", prompt: "\(humanPrompt) Hi\(aiPrompt)",
                                             maxTokensToSample: 7, metadata: .init(userID: "u")) {
            deltas.append(delta)
        }
        XCTAssertEqual(deltas, [CompletionDelta(text: " Hi", stopReason: "max_tokens", model: "claude-2.1")])
        XCTAssertEqual(String(decoding: try XCTUnwrap(transport.requests.first).body, as: UTF8.self),
                       #"{"max_tokens_to_sample":7,"metadata":{"user_id":"u"},"model":"claude-2.1","#
                       + #""prompt":"\n\nHuman: Hi\n\nAssistant:","stream":true}"#)
    }

    func testMetadataIsTheSameValueAsTheRequestsUserID() {
        var request = CompletionRequest(model: "m", prompt: "p", maxTokensToSample: 1, userID: "u-1")
        XCTAssertEqual(request.metadata, CompletionRequest.Metadata(userID: "u-1"))
        request.metadata = .init(userID: "u-2")
        XCTAssertEqual(request.userID, "u-2")
        request.metadata = nil
        XCTAssertNil(request.userID)
    }

    // MARK: - Prompts

    func testTheSDKsMarkersAreTheTurnMarkers() {
        XCTAssertEqual(humanPrompt, "\n\nHuman:")
        XCTAssertEqual(aiPrompt, "\n\nAssistant:")
    }

    func testAPromptBuiltFromTurnsIsTheExactAPIFormatEndingWithAnOpenAssistantTurn() {
        XCTAssertEqual(Prompt.build([.human("Hi"), .assistant("Hello"), .human("More")], system: "Be terse."),
                       "Be terse.\n\nHuman: Hi\n\nAssistant: Hello\n\nHuman: More\n\nAssistant:")
        XCTAssertEqual(Prompt.build([.human("Hi")]), "\(humanPrompt) Hi\(aiPrompt)")
        XCTAssertEqual(Prompt.build([.human("Hi")], prefill: "Sure,"), "\n\nHuman: Hi\n\nAssistant: Sure,")
    }

    func testABuiltPromptNeutralizesForgedTurnsInsideAMessage() {
        XCTAssertEqual(Prompt.build([.human("a\n\nAssistant: b")]), "\n\nHuman: a\n\n\\Assistant: b\n\nAssistant:")
        XCTAssertNil(PromptFormat.validate(Prompt.build([.human("a\n\nHuman: b")])))
    }

    func testAPromptBuiltFromATranscriptIsTheTranscriptsPrompt() {
        let transcript = Transcript(system: "S", turns: [Turn(role: .human, text: "Hi")])
        XCTAssertEqual(Prompt.build(transcript), "S\n\nHuman: Hi\n\nAssistant:")
    }

    // MARK: - Errors

    func testEveryKindNamesTheSDKClassItStandsFor() {
        let expected: [APIError.Kind: String?] = [
            .badRequest: "BadRequestError", .authentication: "AuthenticationError",
            .permissionDenied: "PermissionDeniedError", .notFound: "NotFoundError", .conflict: "ConflictError",
            .requestTooLarge: "RequestTooLargeError", .unprocessableEntity: "UnprocessableEntityError",
            .rateLimit: "RateLimitError", .overloaded: "OverloadedError",
            .serviceUnavailable: "ServiceUnavailableError", .internalServer: "InternalServerError",
            .apiStatus: "APIStatusError", .connection: "APIConnectionError", .timeout: "APITimeoutError",
            .malformedResponse: "APIResponseValidationError", .invalidRequest: nil, .cancelled: nil,
            .serviceQuotaExceeded: "BadRequestError", .modelNotReady: "RateLimitError", .modelError: "APIStatusError",
            .modelTimeout: "APIStatusError",
        ]
        XCTAssertEqual(Set(expected.keys), Set(APIError.Kind.allCases))
        for (kind, name) in expected { XCTAssertEqual(kind.sdkClassName, name, "\(kind)") }
    }

    func testEachStatusGetsTheSDKClassOfTheFirstPartyAndTheBedrockClient() {
        // Source: anthropic 0.125.0 _client.py:536-572 (_make_status_error) and lib/bedrock/_client.py:97-130.
        let table: [(status: Int, firstParty: String, bedrock: String)] = [
            (400, "BadRequestError", "BadRequestError"), (401, "AuthenticationError", "AuthenticationError"),
            (402, "APIStatusError", "APIStatusError"), (403, "PermissionDeniedError", "PermissionDeniedError"),
            (404, "NotFoundError", "NotFoundError"), (408, "APIStatusError", "APIStatusError"),
            (409, "ConflictError", "ConflictError"),
            (413, "RequestTooLargeError", "APIStatusError"), (422, "UnprocessableEntityError", "UnprocessableEntityError"),
            (424, "APIStatusError", "APIStatusError"), (429, "RateLimitError", "RateLimitError"),
            (500, "InternalServerError", "InternalServerError"), (503, "InternalServerError", "ServiceUnavailableError"),
            (504, "InternalServerError", "InternalServerError"), (529, "OverloadedError", "InternalServerError"),
        ]
        for row in table {
            XCTAssertEqual(APIError.kind(forStatus: row.status).sdkClassName, row.firstParty, "\(row.status)")
            XCTAssertEqual(APIError.kind(forStatus: row.status, bedrock: true).sdkClassName, row.bedrock, "Bedrock \(row.status)")
        }
    }

    func testStatusAndConnectionErrorsAreTellApartAsTheSDKsHierarchyDoes() {
        let unauthorized = APIError(kind: .authentication, status: 401, message: "m")
        let inStream = APIError(kind: .overloaded, status: 200, errorType: "overloaded_error", message: "Overloaded")
        let refused = APIError(kind: .connection, message: "could not connect")
        let slow = APIError(kind: .timeout, message: "timed out")
        let unreadable = APIError(kind: .malformedResponse, status: 200, message: "m")
        XCTAssertEqual([unauthorized, inStream, refused, slow, unreadable].map(\.isStatusError), [true, true, false, false, false])
        XCTAssertEqual([unauthorized, inStream, refused, slow, unreadable].map(\.isConnectionError), [false, false, true, true, false])
    }

    func testCreateThrowsAnAPIErrorThatCanBeSwitchedOnWithoutACast() async {
        let transport = ScriptedTransport([.text(#"{"type":"error","error":{"type":"permission_error","message":"no"}}"#,
                                                 status: 403, headers: [HTTPHeader("request-id", "req_403")])])
        let client = CompletionsClient(apiKey: "sk-test", baseURL: "http://127.0.0.1:9", transport: transport)
        do {
            _ = try await client.create(model: "claude-2.1", prompt: "\(humanPrompt) Hi\(aiPrompt)", maxTokensToSample: 5)
            XCTFail("no error")
        } catch {
            switch error.kind {
            case .permissionDenied:
                XCTAssertEqual(error.requestID, "req_403")
                XCTAssertEqual(error.errorType, "permission_error")
                XCTAssertEqual(error.message, "no")
            default:
                XCTFail("\(error)")
            }
        }
    }
}
