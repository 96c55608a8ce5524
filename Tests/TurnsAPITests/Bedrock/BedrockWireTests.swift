import Foundation
@testable import TurnsAPI
import TurnsServe
import TurnsCore
import TurnsHTTP
import TurnsTestSupport
import XCTest

/// The Bedrock wire through `CompletionsClient` and `ScriptedTransport`.
final class BedrockWireTests: XCTestCase {
    private let accessKeyID = "AKIDBEDROCKTEST"
    private let secret = "bedrock-secret-key-0123456789-never-shown"
    private let signingTime: Double = 1_700_000_000
    private let request = CompletionRequest(model: "anthropic.claude-v2:1", prompt: "\n\nHuman: Hi\n\nAssistant:",
                                            maxTokensToSample: 50, stopSequences: ["\n\nHuman:"], temperature: 0.5, topK: 5,
                                            topP: 0.9, userID: "user-1")

    /// Records the waits the client asked for instead of sleeping.
    final class SleepLog: @unchecked Sendable {
        private let lock = NSLock()
        private var delays: [Double] = []
        var recorded: [Double] { lock.withLock { delays } }
        func record(_ delay: Double) { lock.withLock { delays.append(delay) } }
    }

    private func makeClient(_ responses: [ScriptedResponse], authentication: AWSAuthentication? = nil)
        -> (client: CompletionsClient, transport: ScriptedTransport, sleeps: SleepLog) {
        let transport = ScriptedTransport(responses)
        let sleeps = SleepLog()
        let auth = authentication ?? .sigV4(AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret))
        var configuration = ClientConfiguration(backend: .bedrock(BedrockOptions(
            region: "us-west-2", authentication: auth, baseURL: "http://127.0.0.1:9/")))
        let time = signingTime
        configuration.retryPolicy = RetryPolicy(now: { time }, random: { 0 }, sleep: { sleeps.record($0) })
        return (CompletionsClient(configuration, transport: transport), transport, sleeps)
    }


    private func chunk(_ text: String, stop: String? = nil, metrics: Bool = false) -> [UInt8] {
        let reason = stop.map { TestJSON.quoted($0) } ?? "null"
        let stopText = stop == nil ? "null" : TestJSON.quoted("\n\nHuman:")
        let extra = metrics ? #","amazon-bedrock-invocationMetrics":{"inputTokenCount":12,"outputTokenCount":3,"invocationLatency":400,"firstByteLatency":100}"# : ""
        return EventStreamTesting.chunkFrame("{\"completion\":\(TestJSON.quoted(text)),\"stop_reason\":\(reason),\"stop\":\(stopText)\(extra)}")
    }

    private func exception(_ type: String, _ message: String) -> [UInt8] {
        try! EventStreamEncoder.encode(BedrockServer.exceptionMessage(type: type, message: message))
    }

    private let streamHeaders = [HTTPHeader("x-amzn-RequestId", "req-stream-1"),
                                 HTTPHeader("Content-Type", "application/vnd.amazon.eventstream")]

    private func text(of events: [CompletionEvent]) -> String {
        events.map { if case .delta(let delta) = $0 { return delta.text } else { return "" } }.joined()
    }

    // MARK: - The request

    func testTheStreamingRequestHasTheExactPathHeadersAndBodyAndAValidSignature() async throws {
        let body = chunk(" Hi", stop: "stop_sequence")
        let (client, transport, _) = makeClient([ScriptedResponse(headers: streamHeaders, chunks: [body])])
        let (_, error) = await collect(client.events(request))
        XCTAssertNil(error)
        let sent = try XCTUnwrap(transport.requests.first)
        XCTAssertEqual(sent.method, "POST")
        XCTAssertEqual(sent.url, "http://127.0.0.1:9/model/anthropic.claude-v2%3A1/invoke-with-response-stream")
        XCTAssertEqual(String(decoding: sent.body, as: UTF8.self),
                       #"{"anthropic_version":"bedrock-2023-05-31","max_tokens_to_sample":50,"prompt":"\n\nHuman: Hi\n\nAssistant:","stop_sequences":["\n\nHuman:"],"temperature":0.5,"top_k":5,"top_p":0.9}"#)
        let authorization = try XCTUnwrap(sent.headers.value(for: "authorization"))
        XCTAssertEqual(Array(sent.headers.map(\.name)), ["Content-Type", "X-Amzn-Bedrock-Accept", "X-Amz-Date", "Authorization"])
        XCTAssertEqual(sent.headers.value(for: "content-type"), "application/json")
        XCTAssertEqual(sent.headers.value(for: "x-amzn-bedrock-accept"), "application/json")
        XCTAssertEqual(sent.headers.value(for: "x-amz-date"), "20231114T221320Z")
        XCTAssertTrue(authorization.hasPrefix("AWS4-HMAC-SHA256 Credential=AKIDBEDROCKTEST/20231114/us-west-2/bedrock/aws4_request, "
            + "SignedHeaders=content-type;host;x-amz-date;x-amzn-bedrock-accept, Signature="), authorization)
        // The server sees the Host header the transport adds for this URL.
        let received = try SigV4Request(sent)
        XCTAssertEqual(received.headers.value(for: "host"), "127.0.0.1:9")
        let verifier = SigV4Verifier(accessKeyID: accessKeyID, secretAccessKey: secret, region: "us-west-2")
        XCTAssertNoThrow(try verifier.verify(received, now: signingTime + 30))
    }

    func testTheNonStreamingRequestAsksForJSONOnTheInvokePath() async throws {
        let answer = #"{"completion":" Hello!","stop_reason":"stop_sequence","stop":"\n\nHuman:"}"#
        let (client, transport, _) = makeClient([.text(answer, headers: [HTTPHeader("x-amzn-RequestId", "req-1")])])
        let completion = try await client.create(request)
        XCTAssertEqual(completion, Completion(completion: " Hello!", stopReason: "stop_sequence", stop: "\n\nHuman:"))
        let sent = try XCTUnwrap(transport.requests.first)
        XCTAssertEqual(sent.url, "http://127.0.0.1:9/model/anthropic.claude-v2%3A1/invoke")
        XCTAssertEqual(sent.headers.value(for: "accept"), "application/json")
        XCTAssertNil(sent.headers.value(for: "x-amzn-bedrock-accept"))
        XCTAssertNoThrow(try SigV4Verifier(accessKeyID: accessKeyID, secretAccessKey: secret)
            .verify(SigV4Request(sent), now: signingTime))
    }

    func testModelIDsAndARNsAreEncodedAsBotocoreDoes() {
        XCTAssertEqual(BedrockWire.path(model: "anthropic.claude-v2:1", stream: false), "/model/anthropic.claude-v2%3A1/invoke")
        XCTAssertEqual(BedrockWire.path(model: "anthropic.claude-instant-v1", stream: true),
                       "/model/anthropic.claude-instant-v1/invoke-with-response-stream")
        XCTAssertEqual(BedrockWire.path(model: "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/jf2sje1c0jnb",
                                        stream: false),
                       "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fjf2sje1c0jnb/invoke")
        XCTAssertEqual(BedrockWire.path(model: "a b+é", stream: false), "/model/a%20b%2B%C3%A9/invoke")
    }

    func testEveryBodyCarriesTheAnthropicVersionAndTheBetaHeaderAsTheSDKAddsThem() async throws {
        // Source: anthropic 0.125.0 lib/bedrock/_client.py:34,44-49 (setdefault anthropic_version; anthropic-beta split on ",").
        let plain = CompletionRequest(model: "m", prompt: "p", maxTokensToSample: 1)
        XCTAssertEqual(try BedrockWire.body(plain), #"{"anthropic_version":"bedrock-2023-05-31","max_tokens_to_sample":1,"prompt":"p"}"#)
        XCTAssertEqual(try BedrockWire.body(plain, anthropicVersion: "v"), #"{"anthropic_version":"v","max_tokens_to_sample":1,"prompt":"p"}"#)
        var configuration = ClientConfiguration(backend: .bedrock(BedrockOptions(
            region: "us-west-2", authentication: .bearer("token-0123456789"), baseURL: "http://127.0.0.1:9")))
        configuration.extraHeaders = [HTTPHeader("anthropic-beta", "beta-a,beta-b")]
        let transport = ScriptedTransport([.text(#"{"completion":"ok","stop_reason":"stop_sequence"}"#)])
        _ = try await CompletionsClient(configuration, transport: transport).create(plain)
        let sent = try XCTUnwrap(transport.requests.first)
        XCTAssertEqual(String(decoding: sent.body, as: UTF8.self),
                       #"{"anthropic_beta":["beta-a","beta-b"],"anthropic_version":"bedrock-2023-05-31","max_tokens_to_sample":1,"prompt":"p"}"#)
        XCTAssertEqual(sent.headers.value(for: "anthropic-beta"), "beta-a,beta-b")
    }

    func testBearerTokenModeSendsTheTokenAndNoSignature() async throws {
        let token = "bedrock-api-key-ABCDEFGHIJ0123456789"
        let (client, transport, _) = makeClient([ScriptedResponse(headers: streamHeaders, chunks: [chunk("ok", stop: "stop_sequence")])],
                                                authentication: .bearer(token))
        let (deltas, error) = await collect(client.stream(request))
        XCTAssertNil(error)
        XCTAssertEqual(deltas.map(\.text).joined(), "ok")
        let sent = try XCTUnwrap(transport.requests.first)
        XCTAssertEqual(sent.headers.value(for: "authorization"), "Bearer \(token)")
        XCTAssertNil(sent.headers.value(for: "x-amz-date"))
    }

    // MARK: - Streaming

    func testAStreamSplitAtEveryByteAssemblesTheSameAnswer() async {
        let body = chunk(" Hello") + chunk(", wörld 😀") + chunk("", stop: "stop_sequence", metrics: true)
        for reads in [[body], body.map { [$0] }] + (1..<body.count).map({ [Array(body[..<$0]), Array(body[$0...])] }) {
            let (client, _, _) = makeClient([ScriptedResponse(headers: streamHeaders, chunks: reads)])
            let (events, error) = await collect(client.events(request))
            XCTAssertNil(error, "\(reads.count) reads")
            XCTAssertEqual(text(of: events), " Hello, wörld 😀", "\(reads.count) reads")
            guard case .delta(let last)? = events.last else { return XCTFail("no delta") }
            XCTAssertEqual(last.stopReason, "stop_sequence")
            XCTAssertEqual(last.stop, "\n\nHuman:")
            XCTAssertEqual(events.first, .responseStarted(ResponseInfo(status: 200, requestID: "req-stream-1")))
        }
    }

    func testTheTokenCountsOfTheHeadersAndOfTheInvocationMetricsAreTheAnswersUsage() async throws {
        // Source: PROTOCOL.md C.2 (x-amzn-bedrock-*-token-count, boto3 traces) and E.4 (AWS "Anthropic Claude Messages API" page).
        let counts = [HTTPHeader("X-Amzn-Bedrock-Input-Token-Count", "12"), HTTPHeader("X-Amzn-Bedrock-Output-Token-Count", "3")]
        let (whole, _, _) = makeClient([.text(#"{"completion":" Hi","stop_reason":"stop_sequence"}"#, headers: counts)])
        let completion = try await whole.create(request)
        XCTAssertEqual(completion.usage, TokenUsage(inputTokens: 12, outputTokens: 3))
        let body = chunk(" Hi") + chunk("", stop: "stop_sequence", metrics: true)
        let (streamed, _, _) = makeClient([ScriptedResponse(headers: streamHeaders, chunks: [body])])
        let (deltas, error) = await collect(streamed.stream(request))
        XCTAssertNil(error)
        XCTAssertEqual(deltas.last?.usage, TokenUsage(inputTokens: 12, outputTokens: 3))
    }

    func testChunksOfOneReadArriveMergedIntoOneDelta() async {
        let body = chunk(" a") + chunk(" b") + chunk(" c", stop: "max_tokens")
        let (client, _, _) = makeClient([ScriptedResponse(headers: streamHeaders, chunks: [body])])
        let (events, error) = await collect(client.events(request))
        XCTAssertNil(error)
        XCTAssertEqual(events.last, .delta(CompletionDelta(text: " a b c", stopReason: "max_tokens", stop: "\n\nHuman:")))
    }

    func testUnknownEventTypesAreSkipped() async {
        let unknown = try! EventStreamEncoder.encode(EventStreamMessage(headers: [
            EventStreamHeader(":event-type", .string("somethingNew")), EventStreamHeader(":message-type", .string("event")),
        ], payload: Array("{}".utf8)))
        let (client, _, _) = makeClient([ScriptedResponse(headers: streamHeaders, chunks: [unknown, chunk("x", stop: "stop_sequence")])])
        let (deltas, error) = await collect(client.stream(request))
        XCTAssertNil(error)
        XCTAssertEqual(deltas.map(\.text).joined(), "x")
    }

    func testAThrottlingExceptionAfterSomeTextKeepsTheTextAndThrowsRateLimit() async {
        let (client, transport, sleeps) = makeClient([ScriptedResponse(headers: streamHeaders, chunks: [
            chunk(" Partial"), chunk(" answer"), exception("throttlingException", "Too many requests, please wait before trying again."),
        ])])
        let (events, error) = await collect(client.events(request))
        XCTAssertEqual(text(of: events), " Partial answer")
        XCTAssertEqual(error, APIError(kind: .rateLimit, status: 200, requestID: "req-stream-1", errorType: "throttlingException",
                                       message: "Too many requests, please wait before trying again."))
        XCTAssertEqual(error?.exitCode, 4)
        XCTAssertEqual(transport.requests.count, 1, "nothing is retried once text has streamed")
        XCTAssertEqual(sleeps.recorded, [])
    }

    func testAThrottlingExceptionBeforeAnyTextIsRetried() async {
        let (client, transport, sleeps) = makeClient([
            ScriptedResponse(headers: streamHeaders, chunks: [exception("throttlingException", "slow down")]),
            ScriptedResponse(headers: streamHeaders, chunks: [chunk("fine", stop: "stop_sequence")]),
        ])
        let (events, error) = await collect(client.events(request))
        XCTAssertNil(error)
        XCTAssertEqual(text(of: events), "fine")
        XCTAssertEqual(transport.requests.count, 2)
        XCTAssertEqual(sleeps.recorded, [0.5])
    }

    func testTheModelErrorsHaveKindsOfTheirOwnAndAStreamErrorKeepsTheOriginalStatusAndMessage() {
        // Source: botocore 1.44.18 data/bedrock-runtime/2023-09-30/service-2.json:4003,4029,4046,4440 (the four shapes).
        let cases: [(Int, String, APIError.Kind, sdkClass: String, retried: Bool, exit: Int32)] = [
            (400, "ServiceQuotaExceededException", .serviceQuotaExceeded, "BadRequestError", false, 4),
            (429, "ModelNotReadyException", .modelNotReady, "RateLimitError", true, 4),
            (424, "ModelErrorException", .modelError, "APIStatusError", false, 6),
            // The SDK's Bedrock client gives 408 no class of its own (lib/bedrock/_client.py:97-130); its retry policy
            // retries 408 (_base_client.py:854).
            (408, "ModelTimeoutException", .modelTimeout, "APIStatusError", true, 5),
        ]
        for (status, code, kind, sdkClass, retried, exit) in cases {
            let error = BedrockErrors.decodeError(status: status, headers: [HTTPHeader("x-amzn-ErrorType", code)],
                                                  body: Array(#"{"message":"m"}"#.utf8))
            XCTAssertEqual(error, APIError(kind: kind, status: status, errorType: code, message: "m"))
            XCTAssertEqual(error.kind.sdkClassName, sdkClass, code)
            XCTAssertEqual(RetryPolicy().shouldRetry(error), retried, code)
            XCTAssertEqual(error.exitCode, exit, code)
        }
        var decoder = BedrockStreamDecoder()
        let frame = try! EventStreamEncoder.encode(EventStreamMessage(headers: [
            EventStreamHeader(":message-type", .string("exception")),
            EventStreamHeader(":exception-type", .string("modelStreamErrorException")),
        ], payload: Array(#"{"message":"Model stream failed","originalStatusCode":500,"originalMessage":"boom"}"#.utf8)))
        XCTAssertEqual(decoder.feed(frame).error?.message, "Model stream failed (original status 500: boom)")
    }

    func testEveryStreamExceptionMapsToItsKind() {
        let expected: [String: APIError.Kind] = [
            "throttlingException": .rateLimit, "validationException": .badRequest, "internalServerException": .internalServer,
            "serviceUnavailableException": .serviceUnavailable, "modelTimeoutException": .modelTimeout,
            "modelStreamErrorException": .apiStatus, "somethingElseException": .apiStatus,
        ]
        for (type, kind) in expected {
            var decoder = BedrockStreamDecoder()
            let batch = decoder.feed(exception(type, "the server's words"))
            XCTAssertEqual(batch.error, APIError(kind: kind, status: 200, errorType: type, message: "the server's words"), type)
        }
    }

    func testAnErrorMessageCarriesItsCodeAndMessage() {
        let frame = try! EventStreamEncoder.encode(EventStreamMessage(headers: [
            EventStreamHeader(":message-type", .string("error")), EventStreamHeader(":error-code", .string("code")),
            EventStreamHeader(":error-message", .string("message")),
        ]))
        XCTAssertEqual(frame.count, 82, "botocore's ERROR_EVENT_MESSAGE is 82 bytes")
        var decoder = BedrockStreamDecoder()
        XCTAssertEqual(decoder.feed(frame).error, APIError(kind: .apiStatus, status: 200, errorType: "code", message: "message"))
    }

    func testACorruptFrameMidStreamIsAMalformedResponseAfterTheTextBeforeIt() async {
        var bad = chunk(" more")
        bad[bad.count - 10] ^= 0x01
        let (client, transport, _) = makeClient([ScriptedResponse(headers: streamHeaders, chunks: [chunk("Good"), bad])])
        let (events, error) = await collect(client.events(request))
        XCTAssertEqual(text(of: events), "Good")
        XCTAssertEqual(error?.kind, .malformedResponse)
        XCTAssertTrue(error?.message.hasPrefix("the event stream could not be read: Message checksum mismatch") ?? false,
                      error?.message ?? "")
        XCTAssertEqual(transport.requests.count, 1)
    }

    func testAStreamEndingWithoutAStopReasonIsAConnectionError() async {
        let (client, _, _) = makeClient([ScriptedResponse(headers: streamHeaders, chunks: [chunk("cut")]),
                                         ScriptedResponse(headers: streamHeaders, chunks: [chunk("cut")])])
        let (events, error) = await collect(client.events(request))
        XCTAssertEqual(text(of: events), "cut")
        XCTAssertEqual(error?.kind, .connection)
        XCTAssertEqual(error?.message, CompletionStreamParser.incompleteStreamMessage)
    }

    func testAStreamEndingInsideAFrameSaysSo() {
        var decoder = BedrockStreamDecoder()
        let frame = chunk("x")
        XCTAssertNil(decoder.feed(Array(frame[0..<20])).delta)
        XCTAssertEqual(decoder.finish(), APIError(kind: .connection, message: CompletionStreamParser.incompleteStreamMessage
            + " (Truncated message: the stream ended 20 bytes into a message)"))
    }

    func testAChunkWhosePayloadIsNotBase64IsMalformed() {
        let frame = try! EventStreamEncoder.encode(EventStreamMessage(headers: [
            EventStreamHeader(":event-type", .string("chunk")), EventStreamHeader(":message-type", .string("event")),
        ], payload: Array(#"{"bytes":"not base64!"}"#.utf8)))
        var decoder = BedrockStreamDecoder()
        XCTAssertEqual(decoder.feed(frame).error?.kind, .malformedResponse)
    }

    func testAChunkPayloadWithExtraKeysOrEscapesIsRead() {
        let inner = Data(#"{"completion":"hi","stop_reason":null}"#.utf8).base64EncodedString().replacingOccurrences(of: "/", with: "\\/")
        let frame = try! EventStreamEncoder.encode(EventStreamMessage(headers: [
            EventStreamHeader(":event-type", .string("chunk")), EventStreamHeader(":message-type", .string("event")),
        ], payload: Array("{ \"p\": \"abcdef\", \"bytes\" : \"\(inner)\" }".utf8)))
        var decoder = BedrockStreamDecoder()
        XCTAssertEqual(decoder.feed(frame).delta, CompletionDelta(text: "hi"))
    }

    // MARK: - Errors over HTTP

    func testANonStreaming400ValidationExceptionIsABadRequestAndNotRetried() async {
        let (client, transport, _) = makeClient([.text(#"{"message":"Malformed input request: required key [prompt] not found"}"#,
                                                      status: 400, headers: [
                                                        HTTPHeader("x-amzn-RequestId", "req-400"),
                                                        HTTPHeader("x-amzn-ErrorType", "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/"),
                                                      ])])
        do {
            _ = try await client.create(request)
            XCTFail("no error")
        } catch {
            XCTAssertEqual(error, APIError(kind: .badRequest, status: 400, requestID: "req-400",
                                           errorType: "ValidationException",
                                           message: "Malformed input request: required key [prompt] not found"))
        }
        XCTAssertEqual(transport.requests.count, 1)
    }

    func testA429ThrottlingExceptionIsRetriedThenSucceeds() async throws {
        let (client, transport, sleeps) = makeClient([
            .text(#"{"Message":"Rate exceeded"}"#, status: 429, headers: [HTTPHeader("x-amzn-ErrorType", "ThrottlingException")]),
            .text(#"{"completion":"ok","stop_reason":"stop_sequence","stop":null}"#),
        ])
        let completion = try await client.create(request)
        XCTAssertEqual(completion.completion, "ok")
        XCTAssertEqual(transport.requests.count, 2)
        XCTAssertEqual(sleeps.recorded, [0.5])
    }

    func testACurrentModelSendsTheMessagesBodyAndReadsMessagesEventsFromTheChunks() async throws {
        var messages = CompletionRequest(model: "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
                                         prompt: "Be brief.\n\nHuman: Hi\n\nAssistant:", maxTokensToSample: 20)
        messages.api = .auto
        let events = [
            #"{"type":"message_start","message":{"id":"msg_b","model":"claude-sonnet-4-5-20250929","usage":{"input_tokens":7,"output_tokens":1}}}"#,
            #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"},"p":"abcdefgh"}"#,
            #"{"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":20}}"#,
            #"{"type":"message_stop","amazon-bedrock-invocationMetrics":{"inputTokenCount":7,"outputTokenCount":20}}"#,
        ]
        let (client, transport, _) = makeClient([ScriptedResponse(chunks: events.map(EventStreamTesting.chunkFrame))])
        let (deltas, error) = await collect(client.stream(messages))
        XCTAssertNil(error)
        XCTAssertEqual(deltas.map(\.text).joined(), "Hello")
        XCTAssertEqual(deltas.last?.stopReason, "max_tokens")
        XCTAssertEqual(deltas.last?.usage, TokenUsage(inputTokens: 7, outputTokens: 20))
        let sent = try XCTUnwrap(transport.requests.first)
        XCTAssertEqual(sent.url, "http://127.0.0.1:9/model/us.anthropic.claude-sonnet-4-5-20250929-v1%3A0/invoke-with-response-stream")
        XCTAssertEqual(String(decoding: sent.body, as: UTF8.self),
                       #"{"anthropic_version":"bedrock-2023-05-31","max_tokens":20,"messages":[{"content":"Hi","role":"user"}],"system":"Be brief."}"#)
    }

    func testEachRetryIsSignedAfreshAtItsOwnTime() async throws {
        // Bedrock refuses a signature older than five minutes, so a retry must not resend the first one.
        final class Clock: @unchecked Sendable {
            private let lock = NSLock()
            private var time: Double = 1_696_004_797
            func read() -> Double { lock.withLock { time += 400; return time } }
        }
        let clock = Clock()
        let transport = ScriptedTransport([
            .text(#"{"Message":"Rate exceeded"}"#, status: 429, headers: [HTTPHeader("x-amzn-ErrorType", "ThrottlingException")]),
            .text(#"{"completion":"ok","stop_reason":"stop_sequence","stop":null}"#),
        ])
        var configuration = ClientConfiguration(backend: .bedrock(BedrockOptions(
            region: "us-west-2", authentication: .sigV4(AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret)),
            baseURL: "http://127.0.0.1:9/")))
        configuration.retryPolicy = RetryPolicy(now: { clock.read() }, random: { 0 }, sleep: { _ in })
        _ = try await CompletionsClient(configuration, transport: transport).create(request)
        let sent = transport.requests
        XCTAssertEqual(sent.count, 2)
        let dates = sent.map { $0.headers.value(for: "X-Amz-Date") }
        XCTAssertNotEqual(dates[0], dates[1])
        XCTAssertNotEqual(sent[0].headers.value(for: "Authorization"), sent[1].headers.value(for: "Authorization"))
        let verifier = SigV4Verifier(accessKeyID: accessKeyID, secretAccessKey: secret, region: "us-west-2")
        for (request, date) in zip(sent, dates) {
            let signedAt = try XCTUnwrap(AWSTimestamp.parse(try XCTUnwrap(date)))
            XCTAssertNoThrow(try verifier.verify(try SigV4Request(request), now: signedAt))
        }
    }

    func testAThrottlingExceptionWith400IsRetriedAsBotocoreDoes() async throws {
        let (client, transport, _) = makeClient([
            .text(#"{"message":"Rate exceeded"}"#, status: 400, headers: [HTTPHeader("x-amzn-ErrorType", "ThrottlingException")]),
            .text(#"{"completion":"ok","stop_reason":"stop_sequence","stop":null}"#),
        ])
        _ = try await client.create(request)
        XCTAssertEqual(transport.requests.count, 2)
    }

    func testHTTPErrorsMapByCodeThenStatus() {
        let cases: [(Int, String?, String, APIError.Kind)] = [
            (400, "ValidationException", #"{"message":"bad"}"#, .badRequest),
            (403, "AccessDeniedException", #"{"Message":"no access"}"#, .permissionDenied),
            (403, "InvalidSignatureException", #"{"message":"sig"}"#, .permissionDenied),
            (404, "ResourceNotFoundException", #"{"message":"no model"}"#, .notFound),
            (408, "ModelTimeoutException", #"{"message":"slow"}"#, .modelTimeout),
            (424, "ModelErrorException", #"{"message":"model"}"#, .modelError),
            (429, "ModelNotReadyException", #"{"message":"warming"}"#, .modelNotReady),
            (400, "ServiceQuotaExceededException", #"{"message":"quota"}"#, .serviceQuotaExceeded),
            (413, nil, "Request Entity Too Large", .apiStatus), (529, nil, "", .internalServer),
            (500, "InternalServerException", #"{"message":"oops"}"#, .internalServer),
            (503, "ServiceUnavailableException", #"{"message":"down"}"#, .serviceUnavailable),
            (502, nil, "<html><title>Bad Gateway</title></html>", .internalServer),
        ]
        for (status, code, body, kind) in cases {
            let headers = code.map { [HTTPHeader("x-amzn-ErrorType", $0)] } ?? []
            let error = BedrockErrors.decodeError(status: status, headers: headers, body: Array(body.utf8))
            XCTAssertEqual(error.kind, kind, "\(status) \(code ?? "-")")
            XCTAssertEqual(error.errorType, code)
        }
        let tidy = BedrockErrors.decodeError(status: 502, headers: [], body: Array("<html><title>Bad Gateway</title></html>".utf8))
        XCTAssertEqual(tidy.message, "Bad Gateway")
        let fromBody = BedrockErrors.decodeError(status: 400, headers: [], body: Array(#"{"__type":"com.amazon#ValidationException","message":"m"}"#.utf8))
        XCTAssertEqual(fromBody.errorType, "ValidationException")
    }
}
