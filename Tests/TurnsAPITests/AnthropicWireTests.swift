import TurnsAPI
import TurnsCore
import TurnsHTTP
import XCTest

final class AnthropicWireTests: XCTestCase {
    private let wire = AnthropicWire(apiKey: "sk-test-key", baseURL: "https://api.example.com/")
    private let prompt = "\n\nHuman: Hi\n\nAssistant:"

    private func bodyText(_ request: HTTPRequest) -> String { String(decoding: request.body, as: UTF8.self) }

    // MARK: - Requests

    func testAStreamingRequestHasTheDocumentedHeadersURLAndOnlyTheRequiredFields() throws {
        let request = try wire.makeRequest(CompletionRequest(model: "claude-2.1", prompt: prompt, maxTokensToSample: 256),
                                           stream: true)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.url, "https://api.example.com/v1/complete")
        XCTAssertEqual(request.headers, [
            HTTPHeader("x-api-key", "sk-test-key"),
            HTTPHeader("anthropic-version", "2023-06-01"),
            HTTPHeader("content-type", "application/json"),
            HTTPHeader("accept", "application/json"),
        ])
        XCTAssertEqual(bodyText(request),
                       #"{"max_tokens_to_sample":256,"model":"claude-2.1","prompt":"\n\nHuman: Hi\n\nAssistant:","stream":true}"#)
    }

    func testANonStreamingRequestLeavesStreamOut() throws {
        let request = try wire.makeRequest(CompletionRequest(model: "m", prompt: "p", maxTokensToSample: 1), stream: false)
        XCTAssertEqual(bodyText(request), #"{"max_tokens_to_sample":1,"model":"m","prompt":"p"}"#)
    }

    func testEverySetOptionalFieldIsSentInTheDocumentedForm() throws {
        let completion = CompletionRequest(model: "m", prompt: "p", maxTokensToSample: 5, stopSequences: ["END", "\n\n"],
                                           temperature: 0.7, topK: 40, topP: 0.95, userID: "u-1")
        XCTAssertEqual(bodyText(try wire.makeRequest(completion, stream: true)),
                       #"{"max_tokens_to_sample":5,"metadata":{"user_id":"u-1"},"model":"m","prompt":"p","#
                       + #""stop_sequences":["END","\n\n"],"stream":true,"temperature":0.7,"top_k":40,"top_p":0.95}"#)
    }

    func testARequestBuiltFromSettingsOmitsAnEmptyStopList() throws {
        let settings = SamplingSettings(model: "m", maxTokensToSample: 9, temperature: 0)
        XCTAssertEqual(bodyText(try wire.makeRequest(CompletionRequest(prompt: "p", settings: settings), stream: false)),
                       #"{"max_tokens_to_sample":9,"model":"m","prompt":"p","temperature":0}"#)
    }

    func testBaseURLsWithAndWithoutTrailingSlashesOrAPathGiveTheRightEndpoint() {
        XCTAssertEqual(AnthropicWire(apiKey: nil, baseURL: "http://127.0.0.1:8080").url(), "http://127.0.0.1:8080/v1/complete")
        XCTAssertEqual(AnthropicWire(apiKey: nil, baseURL: "http://h//").url(), "http://h/v1/complete")
        XCTAssertEqual(AnthropicWire(apiKey: nil, baseURL: "https://proxy/anthropic/").url(), "https://proxy/anthropic/v1/complete")
    }

    func testExtraHeadersAreAddedAndReplaceAStandardHeaderOfTheSameName() throws {
        let custom = AnthropicWire(apiKey: "k", baseURL: "http://h",
                                   extraHeaders: [HTTPHeader("anthropic-beta", "a,b"), HTTPHeader("Accept", "text/event-stream")])
        let request = try custom.makeRequest(CompletionRequest(model: "m", prompt: "p", maxTokensToSample: 1), stream: true)
        XCTAssertEqual(request.headers.value(for: "accept"), "text/event-stream")
        XCTAssertEqual(request.headers.filter { $0.name.lowercased() == "accept" }.count, 1)
        XCTAssertEqual(request.headers.last, HTTPHeader("anthropic-beta", "a,b"))
    }

    func testTheTimeoutsAreCarriedOnTheRequest() throws {
        let limits = HTTPTimeouts(connect: 1, idle: 2, total: 3)
        let request = try wire.makeRequest(CompletionRequest(model: "m", prompt: "p", maxTokensToSample: 1),
                                           stream: true, timeouts: limits)
        XCTAssertEqual(request.timeouts, limits)
    }

    func testAMissingOrEmptyKeyIsAnAuthenticationErrorNamingTheVariable() {
        for key in [nil, ""] as [String?] {
            XCTAssertThrowsError(try AnthropicWire(apiKey: key, baseURL: "http://h")
                .makeRequest(CompletionRequest(model: "m", prompt: "p", maxTokensToSample: 1), stream: true)) { error in
                let apiError = error as? APIError
                XCTAssertEqual(apiError?.kind, .authentication)
                XCTAssertTrue(apiError?.message.contains("ANTHROPIC_API_KEY") ?? false)
            }
        }
    }

    // MARK: - Whole responses

    func testTheDocumentedNonStreamingResponseDecodes() throws {
        let body = #"{"id":"compl_018CKm6gsux7P8yMcwZbeCPw","completion":" Hello! My name is Claude.","model":"claude-2.1","stop_reason":"stop_sequence","type":"completion"}"#
        XCTAssertEqual(try wire.decodeCompletion(Array(body.utf8)),
                       Completion(id: "compl_018CKm6gsux7P8yMcwZbeCPw", completion: " Hello! My name is Claude.",
                                  stopReason: "stop_sequence", model: "claude-2.1"))
    }

    func testANonStreamingBodyThatIsNotJSONIsMalformed() {
        XCTAssertThrowsError(try wire.decodeCompletion(Array("<html>oops</html>".utf8))) { error in
            XCTAssertEqual((error as? APIError)?.kind, .malformedResponse)
        }
    }

    // MARK: - Errors

    private func error(_ status: Int, _ body: String, requestID: String? = "req_1") -> APIError {
        let headers = requestID.map { [HTTPHeader("Request-Id", $0)] } ?? []
        return wire.decodeError(status: status, headers: headers, body: Array(body.utf8))
    }

    private func body(_ type: String, _ message: String) -> String {
        #"{"type":"error","error":{"type":"\#(type)","message":"\#(message)"},"request_id":"req_1"}"#
    }

    func testEveryDocumentedStatusMapsToItsKindWithRequestIDTypeAndMessage() {
        let table: [(Int, String, APIError.Kind)] = [
            (400, "invalid_request_error", .badRequest), (401, "authentication_error", .authentication),
            (403, "permission_error", .permissionDenied), (404, "not_found_error", .notFound),
            (413, "request_too_large", .requestTooLarge), (429, "rate_limit_error", .rateLimit),
            (500, "api_error", .internalServer), (529, "overloaded_error", .overloaded),
            (503, "api_error", .internalServer), (418, "invalid_request_error", .apiStatus),
            (409, "invalid_request_error", .conflict), (422, "invalid_request_error", .unprocessableEntity),
            (504, "timeout_error", .internalServer),
        ]
        for (status, type, kind) in table {
            XCTAssertEqual(error(status, body(type, "details \(status)")),
                           APIError(kind: kind, status: status, requestID: "req_1", errorType: type, message: "details \(status)"),
                           "status \(status)")
        }
    }

    func testTheOlderErrorBodyWithoutTopLevelTypeIsRead() {
        let body = #"{"error":{"type":"invalid_request_error","message":"prompt must end with \"\n\nAssistant:\" turn"}}"#
        XCTAssertEqual(error(400, body, requestID: nil),
                       APIError(kind: .badRequest, status: 400, errorType: "invalid_request_error",
                                message: "prompt must end with \"\n\nAssistant:\" turn"))
    }

    func testAnHTMLBodyOf413GivesThePageTitleAsMessage() {
        let html = "<html>\r\n<head><title>413 Request Entity Too Large</title></head>\r\n<body>\r\n<center><h1>413 Request Entity Too Large</h1></center>\r\n<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n"
        XCTAssertEqual(error(413, html, requestID: nil),
                       APIError(kind: .requestTooLarge, status: 413, message: "413 Request Entity Too Large"))
    }

    func testAPlainTextBodyBecomesTheMessageCollapsedAndCutToASaneLength() {
        XCTAssertEqual(error(502, "Bad   gateway\n  try later").message, "Bad gateway try later")
        let long = String(repeating: "x", count: 5000)
        XCTAssertEqual(error(500, long).message, String(repeating: "x", count: 300) + "…")
    }

    func testJSONWithoutAnErrorObjectKeepsItsTextAsMessage() {
        XCTAssertEqual(error(500, #"{"detail":"boom"}"#).message, #"{"detail":"boom"}"#)
        XCTAssertEqual(error(500, "").message, "")
    }

    func testTheErrorDescriptionSaysWhatHappenedWithStatusTypeAndRequestID() {
        XCTAssertEqual(error(529, body("overloaded_error", "Overloaded")).description,
                       "the API is overloaded: Overloaded (HTTP 529, overloaded_error, request req_1). Wait a moment and try again")
    }
}
