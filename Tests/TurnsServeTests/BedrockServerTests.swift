import Foundation
import NIOCore
import TurnsAPI
import TurnsCore
import TurnsHTTP
import TurnsLocal
@testable import TurnsServe
import TurnsTestSupport
import XCTest

/// The Bedrock half of `turns serve`, over raw sockets: `invoke` and `invoke-with-response-stream` answered
/// from the local model, event-stream frames read with the project's own decoder, AWS-shaped errors, and
/// SigV4 checks when the server has a key pair.
final class BedrockServerTests: ServerTestCase {
    private let prompt = "\n\nHuman: How do I change the temperature?\n\nAssistant:"
    private let modelPath = "/model/anthropic.claude-v2%3A1"
    private let keyID = "AKIDBEDROCKTEST"
    private let secret = "bedrock-SECRET-never-shown-" + UUID().uuidString

    // MARK: - Helpers

    /// Options with the test's key pair.
    private func signedOptions(tokensPerSecond: Double = 0) -> CompletionServer.Options {
        .init(tokensPerSecond: tokensPerSecond, seed: 1, awsAccessKeyID: keyID, awsSecretAccessKey: secret)
    }

    /// A Bedrock text-completion body.
    private func body(maxTokens: Int = 40, extra: [(String, TestJSON)] = [("temperature", .number(0))]) -> String {
        TestJSON.object([("prompt", .string(prompt)), ("max_tokens_to_sample", .number(Double(maxTokens)))] + extra).jsonText
    }

    /// The headers botocore would send for `body` to `path`, signed with `secret` by `keyID` at `time`.
    private func signedHeaders(path: String, body: String, keyID: String? = nil, secret: String? = nil,
                               at time: Double = Date().timeIntervalSince1970) -> [(String, String)] {
        let stream = path.hasSuffix("-with-response-stream")
        let unsigned = SigV4Request(method: "POST", path: path, headers: [
            HTTPHeader("host", "127.0.0.1"),
            HTTPHeader("Content-Type", "application/json"),
            stream ? HTTPHeader("X-Amzn-Bedrock-Accept", "application/json") : HTTPHeader("Accept", "application/json"),
        ], body: Array(body.utf8))
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyID: keyID ?? self.keyID,
                                                             secretAccessKey: secret ?? self.secret),
                                 region: "us-east-1", service: "bedrock")
        // RawHTTPClient sends `host: 127.0.0.1` itself.
        return signer.sign(unsigned, at: time).request.headers.filter { $0.name != "host" }.map { ($0.name, $0.value) }
    }

    /// The /v1/complete answer to the same prompt at temperature 0: (text, stop_reason, stop).
    private func completeAnswer(port: Int, maxTokens: Int = 40) throws -> TestJSON {
        let body = TestJSON.object([("model", .string("claude-2.1")), ("prompt", .string(prompt)),
                                     ("max_tokens_to_sample", .number(Double(maxTokens))), ("temperature", .number(0))])
        let response = try RawHTTPClient.fetch(port: port, body: body.jsonText)
        XCTAssertEqual(response.head.status, 200)
        return try TestJSON.parse(response.text)
    }

    /// Reads a streamed body part by part as it arrives, decoding every frame with `EventStreamDecoder`.
    private func readFrames(_ client: RawHTTPClient) throws -> [EventStreamMessage] {
        var decoder = EventStreamDecoder()
        var messages: [EventStreamMessage] = []
        while let part = try client.readBodyPart() {
            decoder.append(part)
            while let message = try decoder.next() { messages.append(message) }
        }
        try decoder.finish()
        return messages
    }

    /// The model JSON inside a `chunk` event: `{"bytes": base64}` decoded.
    private func modelJSON(_ message: EventStreamMessage) throws -> TestJSON {
        let payload = try TestJSON.parse(bytes: message.payload)
        XCTAssertEqual(payload.objectValue?.map(\.0), ["bytes"])
        let bytes = try XCTUnwrap(payload["bytes"]?.stringValue.flatMap { Data(base64Encoded: $0) }.map { Array($0) })
        return try TestJSON.parse(bytes: bytes)
    }

    private func assertAWSRequestID(_ head: RawHTTPClient.Head, file: StaticString = #filePath, line: UInt = #line) {
        let id = head.header("x-amzn-requestid") ?? ""
        XCTAssertNotNil(UUID(uuidString: id), "x-amzn-requestid \(id)", file: file, line: line)
        XCTAssertEqual(id, id.lowercased(), file: file, line: line)
    }

    /// Asserts an AWS rest-json error: status, `x-amzn-errortype`, `{"message": …}` and a request id.
    private func assertAWSError(_ response: RawHTTPClient.Response, status: Int, type: String, message: String,
                                file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(response.head.status, status, response.text, file: file, line: line)
        XCTAssertEqual(response.head.header("content-type"), "application/json", file: file, line: line)
        XCTAssertEqual(response.head.header("x-amzn-errortype"), type, file: file, line: line)
        XCTAssertEqual(response.text, TestJSON.object([("message", .string(message))]).jsonText, file: file, line: line)
        XCTAssertFalse(response.text.contains(secret), file: file, line: line)
        assertAWSRequestID(response.head, file: file, line: line)
    }

    // MARK: - Answers

    func testAStreamIsChunkEventsWhoseTextIsTheCompleteTextAtTemperatureZero() throws {
        let port = try startServer(.init(tokensPerSecond: 0))  // no seed: only temperature 0 makes them equal
        let expected = try completeAnswer(port: port)
        let client = try RawHTTPClient(port: port)
        defer { client.close() }
        try client.sendRequest(method: "POST", path: modelPath + "/invoke-with-response-stream", body: body())
        let head = try client.readHead()
        XCTAssertEqual(head.status, 200)
        XCTAssertEqual(head.header("content-type"), "application/vnd.amazon.eventstream")
        XCTAssertEqual(head.header("x-amzn-bedrock-content-type"), "application/json")
        assertAWSRequestID(head)

        let messages = try readFrames(client)
        XCTAssertGreaterThan(messages.count, 2)
        let chunkHeaders = BedrockServer.chunkMessage(Completion(completion: "")).headers
        XCTAssertTrue(messages.allSatisfy { $0.headers == chunkHeaders })
        let pieces = try messages.map(modelJSON)
        for piece in pieces.dropLast() {
            XCTAssertEqual(piece.objectValue?.map(\.0), ["completion", "stop", "stop_reason"])
            XCTAssertEqual(piece["stop_reason"], .null)
            XCTAssertNotEqual(piece["completion"], .string(""))
        }
        let text = pieces.compactMap { $0["completion"]?.stringValue }.joined()
        XCTAssertEqual(text, expected["completion"]?.stringValue)
        XCTAssertFalse(text.isEmpty)

        let last = try XCTUnwrap(pieces.last)
        XCTAssertEqual(last["completion"], .string(""))
        XCTAssertEqual(last["stop_reason"], expected["stop_reason"])
        XCTAssertEqual(last["stop"], expected["stop"])
        let metrics = try XCTUnwrap(last["amazon-bedrock-invocationMetrics"])
        XCTAssertEqual(metrics.objectValue?.map(\.0),
                       ["firstByteLatency", "inputTokenCount", "invocationLatency", "outputTokenCount"])
        var generation = LocalModel.shared.generate(prompt: prompt, parameters: SamplingSettings(
            model: "anthropic.claude-v2:1", maxTokensToSample: 40, temperature: 0))
        _ = generation.collect()
        XCTAssertEqual(metrics["outputTokenCount"]?.intValue, generation.tokenCount)
        XCTAssertEqual(metrics["inputTokenCount"]?.intValue, Tokenizer.tokens(prompt).count)
        XCTAssertLessThanOrEqual(metrics["firstByteLatency"]?.intValue ?? -1, metrics["invocationLatency"]?.intValue ?? -2)
    }

    func testTheClientsStreamDecoderReadsTheStreamIntoTheSameText() throws {
        let port = try startServer(.init(tokensPerSecond: 0))
        let expected = try completeAnswer(port: port, maxTokens: 200)
        let response = try RawHTTPClient.fetch(port: port, path: modelPath + "/invoke-with-response-stream",
                                               body: body(maxTokens: 200))
        // Fed one byte at a time, as the worst split of the network could deliver it.
        var decoder = BedrockStreamDecoder()
        var text = ""
        var deltas = 0
        for byte in response.body {
            let batch = decoder.feed([byte])
            XCTAssertNil(batch.error)
            text += batch.delta?.text ?? ""
            if batch.delta != nil { deltas += 1 }
        }
        XCTAssertNil(decoder.finish())
        XCTAssertEqual(text, expected["completion"]?.stringValue)
        XCTAssertEqual(decoder.stopReason, expected["stop_reason"]?.stringValue)
        XCTAssertGreaterThan(deltas, 2)
    }

    func testAMessagesBodyIsAnsweredWithMessagesEventsInChunksAndTheSameText() throws {
        let port = try startServer(.init(tokensPerSecond: 0))
        let expected = try completeAnswer(port: port, maxTokens: 200)
        let messages = TestJSON.object([
            ("anthropic_version", .string("bedrock-2023-05-31")), ("max_tokens", .number(200)), ("temperature", .number(0)),
            ("messages", .array([.object([("role", .string("user")),
                                          ("content", .string("How do I change the temperature?"))])])),
        ]).jsonText
        let path = "/model/global.anthropic.claude-sonnet-4-5-20250929-v1%3A0"
        let response = try RawHTTPClient.fetch(port: port, path: path + "/invoke-with-response-stream", body: messages)
        XCTAssertEqual(response.head.status, 200, response.text)
        var decoder = BedrockStreamDecoder(api: .messages)
        var text = ""
        for byte in response.body { text += decoder.feed([byte]).delta?.text ?? "" }
        XCTAssertNil(decoder.finish())
        XCTAssertEqual(text, expected["completion"]?.stringValue)
        let whole = try RawHTTPClient.fetch(port: port, path: path + "/invoke", body: messages)
        let message = try TestJSON.parse(whole.text)
        XCTAssertEqual(message["content"]?.arrayValue?.first?["text"], expected["completion"])
        XCTAssertEqual(message["type"], .string("message"))
        XCTAssertNotNil(whole.head.header("x-amzn-bedrock-output-token-count"))
        let unversioned = try RawHTTPClient.fetch(port: port, path: path + "/invoke", body: TestJSON.object([
            ("max_tokens", .number(5)), ("messages", .array([.object([("role", .string("user")), ("content", .string("Hi"))])])),
        ]).jsonText)
        assertAWSError(unversioned, status: 400, type: "ValidationException",
                       message: "Malformed input request: required key [anthropic_version] not found, please reformat your input and try again.")
    }

    func testABodyOverBedrocksLimitIsA400ValidationException() throws {
        // Source: botocore 1.44.18 data/bedrock-runtime/2023-09-30/service-2.json:582 (Body: blob, max 25000000).
        let port = try startServer(.init(tokensPerSecond: 0))
        let response = try RawHTTPClient.fetch(port: port, path: modelPath + "/invoke", body: String(repeating: " ", count: 25_000_001))
        assertAWSError(response, status: 400, type: "ValidationException",
                       message: "The request body exceeds the maximum of 25000000 bytes.")
    }

    func testInvokeAnswersOneJSONObjectAsBedrockDoes() throws {
        let port = try startServer(.init(tokensPerSecond: 0))
        let expected = try completeAnswer(port: port)
        let response = try RawHTTPClient.fetch(port: port, path: modelPath + "/invoke", body: body())
        XCTAssertEqual(response.head.status, 200)
        XCTAssertEqual(response.head.header("content-type"), "application/json")
        assertAWSRequestID(response.head)
        let json = try TestJSON.parse(response.text)
        XCTAssertEqual(json, .object([("completion", expected["completion"]!), ("stop", expected["stop"]!),
                                      ("stop_reason", expected["stop_reason"]!)]))
        XCTAssertEqual(response.head.header("x-amzn-bedrock-input-token-count"), String(Tokenizer.tokens(prompt).count))
        XCTAssertNotNil(response.head.header("x-amzn-bedrock-output-token-count").flatMap { Int($0) })
        XCTAssertNotNil(response.head.header("x-amzn-bedrock-invocation-latency").flatMap { Int($0) })
    }

    func testStopSequencesAndMaxTokensEndAnswersAsOnTheCompletePath() throws {
        let port = try startServer(.init(tokensPerSecond: 0, seed: 3, endsAnswers: false))
        let plain = try TestJSON.parse(RawHTTPClient.fetch(port: port, path: modelPath + "/invoke",
                                                            body: body(maxTokens: 7, extra: [])).text)
        XCTAssertEqual(plain["stop_reason"], .string("max_tokens"))
        XCTAssertEqual(plain["stop"], .null)
        let stopped = try TestJSON.parse(RawHTTPClient.fetch(port: port, path: modelPath + "/invoke", body: body(
            maxTokens: 200, extra: [("temperature", .number(0)), ("stop_sequences", .array([.string("temperature")]))])).text)
        XCTAssertEqual(stopped["stop_reason"], .string("stop_sequence"))
        XCTAssertEqual(stopped["stop"], .string("temperature"))
        XCTAssertFalse(stopped["completion"]?.stringValue?.contains("temperature") ?? true)
    }

    func testTheEncoderWritesTextEventsAsChunkMessages() throws {
        var encoder = AnswerEncoder(api: .complete, bedrock: true, id: "", model: "", requestID: "r", inputTokens: 3)
        // Lengths 0–5 cover every base64 padding; the rest cover JSON escapes and multi-byte characters.
        for text in ["", "a", "ab", "abc", "abcd", "Hello", " \"quoted\" \\ back\nslash\t\u{01}", "naïve ☃ 日本語 🙂"] {
            var buffer = ByteBufferAllocator().buffer(capacity: 0)
            encoder.writeTextEvent(Array(text.utf8), into: &buffer)
            XCTAssertEqual(Array(buffer.readableBytesView),
                           try EventStreamEncoder.encode(BedrockServer.chunkMessage(Completion(completion: text))),
                           "text \(text.debugDescription)")
        }
    }

    func testOneConnectionServesBedrockAndCompleteRequestsInTurn() throws {
        let port = try startServer()
        let client = try RawHTTPClient(port: port)
        defer { client.close() }
        for path in [modelPath + "/invoke", "/v1/complete", modelPath + "/invoke-with-response-stream", modelPath + "/invoke"] {
            let requestBody = path == "/v1/complete"
                ? TestJSON.object([("model", .string("m")), ("prompt", .string(prompt)), ("max_tokens_to_sample", .number(5))]).jsonText
                : body(maxTokens: 5)
            try client.sendRequest(method: "POST", path: path, body: requestBody)
            XCTAssertEqual(try client.readHead().status, 200, path)
            XCTAssertFalse(try client.readBody().isEmpty, path)
        }
    }

    func testAPacedBedrockStreamIsSpreadOverTime() throws {
        let port = try startServer(.init(tokensPerSecond: 20, seed: 1, endsAnswers: false))
        let client = try RawHTTPClient(port: port)
        defer { client.close() }
        try client.sendRequest(method: "POST", path: modelPath + "/invoke-with-response-stream", body: body(maxTokens: 8))
        XCTAssertEqual(try client.readHead().status, 200)
        let clock = ContinuousClock()
        let began = clock.now
        let messages = try readFrames(client)
        let elapsed = clock.now - began
        // Eight tokens at 20 per second take 350 ms from the first to the last; allow a wide margin either way.
        XCTAssertGreaterThan(elapsed, .milliseconds(200))
        XCTAssertLessThan(elapsed, .seconds(5))
        XCTAssertEqual(try messages.last.map(modelJSON)?["stop_reason"], .string("max_tokens"))
    }

    func testAClientLeavingABedrockStreamDoesNotDisturbTheNextRequest() throws {
        let port = try startServer(.init(tokensPerSecond: 0, seed: 1, endsAnswers: false))
        let leaving = try RawHTTPClient(port: port)
        try leaving.sendRequest(method: "POST", path: modelPath + "/invoke-with-response-stream", body: body(maxTokens: 200_000))
        XCTAssertEqual(try leaving.readHead().status, 200)
        XCTAssertNotNil(try leaving.readBodyPart())
        leaving.close()
        let response = try RawHTTPClient.fetch(port: port, path: modelPath + "/invoke", body: body(maxTokens: 5))
        XCTAssertEqual(response.head.status, 200)
    }

    // MARK: - Validation

    func testBadBodiesAreValidationExceptionsInTheAWSShape() throws {
        let port = try startServer()
        let cases: [(String, String)] = [
            (#"{"max_tokens_to_sample":5}"#,
             "Malformed input request: required key [prompt] not found, please reformat your input and try again."),
            (TestJSON.object([("prompt", .string(prompt))]).jsonText,
             "Malformed input request: required key [max_tokens_to_sample] not found, please reformat your input and try again."),
            (body(extra: [("model", .string("claude-2.1"))]),
             "Malformed input request: extraneous key [model] is not permitted, please reformat your input and try again."),
            (body(extra: [("temperature", .string("hot"))]),
             "Malformed input request: #/temperature: expected type: Number, please reformat your input and try again."),
            ("[1]", "Malformed input request: expected type: JSONObject, please reformat your input and try again."),
            (body(extra: [("temperature", .number(1.5))]), "invalid temperature 1.5: must be a number from 0 to 1"),
            (body(maxTokens: 0), "invalid max_tokens_to_sample 0: must be an integer >= 1"),
            (body(extra: [("top_k", .number(0))]), "invalid top_k 0: must be an integer >= 1"),
            (TestJSON.object([("prompt", .string("Hello")), ("max_tokens_to_sample", .number(5))]).jsonText,
             "prompt must start with \"\n\nHuman:\" turn after an optional system prompt"),
            (TestJSON.object([("prompt", .string("\n\nHuman: Hi")), ("max_tokens_to_sample", .number(5))]).jsonText,
             "prompt must end with \"\n\nAssistant:\" turn"),
        ]
        for operation in ["/invoke", "/invoke-with-response-stream"] {
            for (requestBody, message) in cases {
                let response = try RawHTTPClient.fetch(port: port, path: modelPath + operation, body: requestBody)
                assertAWSError(response, status: 400, type: "ValidationException", message: message)
            }
        }
        let notJSON = try RawHTTPClient.fetch(port: port, path: modelPath + "/invoke", body: "{\"prompt\": ")
        XCTAssertEqual(notJSON.head.header("x-amzn-errortype"), "ValidationException")
        XCTAssertTrue(notJSON.text.hasPrefix("{\"message\":\"Malformed input request: "), notJSON.text)
    }

    func testTheBedrockPathsRefuseOtherMethodsInTheAWSShape() throws {
        let port = try startServer()
        let response = try RawHTTPClient.fetch(port: port, method: "GET", path: modelPath + "/invoke")
        assertAWSError(response, status: 405, type: "UnknownOperationException",
                       message: "GET is not supported on \(modelPath)/invoke; use POST")
        XCTAssertEqual(response.head.header("allow"), "POST")
        let unknown = try RawHTTPClient.fetch(port: port, path: modelPath + "/converse", body: body())
        XCTAssertEqual(unknown.head.status, 404)
    }

    // MARK: - Signatures

    func testRequestsSignedWithTheServersKeyAreAnswered() throws {
        let port = try startServer(signedOptions())
        for operation in ["/invoke", "/invoke-with-response-stream"] {
            let path = modelPath + operation
            let requestBody = body()
            let response = try RawHTTPClient.fetch(port: port, path: path, headers: signedHeaders(path: path, body: requestBody),
                                                   body: requestBody)
            XCTAssertEqual(response.head.status, 200, response.text)
            assertAWSRequestID(response.head)
            XCTAssertFalse(response.text.contains(secret))
        }
    }

    func testAWrongSecretIsAnInvalidSignatureException() throws {
        let port = try startServer(signedOptions())
        let path = modelPath + "/invoke-with-response-stream"
        let requestBody = body()
        let response = try RawHTTPClient.fetch(port: port, path: path,
                                               headers: signedHeaders(path: path, body: requestBody, secret: "not-the-secret"),
                                               body: requestBody)
        assertAWSError(response, status: 403, type: "InvalidSignatureException",
                       message: SigV4VerificationError.signatureMismatch.awsMessage)
    }

    func testABodyChangedAfterSigningIsRefused() throws {
        let port = try startServer(signedOptions())
        let path = modelPath + "/invoke"
        let response = try RawHTTPClient.fetch(port: port, path: path, headers: signedHeaders(path: path, body: body()),
                                               body: body(maxTokens: 41))
        assertAWSError(response, status: 403, type: "InvalidSignatureException",
                       message: SigV4VerificationError.signatureMismatch.awsMessage)
    }

    func testAnUnknownKeyIsAnUnrecognizedClientException() throws {
        let port = try startServer(signedOptions())
        let path = modelPath + "/invoke"
        let requestBody = body()
        let response = try RawHTTPClient.fetch(port: port, path: path,
                                               headers: signedHeaders(path: path, body: requestBody, keyID: "AKIDSOMEONEELSE"),
                                               body: requestBody)
        assertAWSError(response, status: 403, type: "UnrecognizedClientException",
                       message: "The security token included in the request is invalid.")
    }

    func testADateMoreThanFifteenMinutesOffIsRefusedAndTenMinutesIsAccepted() throws {
        let port = try startServer(signedOptions())
        let path = modelPath + "/invoke"
        let requestBody = body()
        let now = Date().timeIntervalSince1970
        for offset in [-20.0 * 60, 20.0 * 60] {
            let response = try RawHTTPClient.fetch(port: port, path: path,
                                                   headers: signedHeaders(path: path, body: requestBody, at: now + offset),
                                                   body: requestBody)
            XCTAssertEqual(response.head.header("x-amzn-errortype"), "InvalidSignatureException")
            XCTAssertEqual(response.head.status, 403)
            let message = try TestJSON.parse(response.text)["message"]?.stringValue ?? ""
            XCTAssertTrue(message.hasPrefix("Signature expired: \(AWSTimestamp.format(now + offset)) is more than 15 minutes"),
                          message)
            assertAWSRequestID(response.head)
        }
        for offset in [-10.0 * 60, 10.0 * 60] {
            let response = try RawHTTPClient.fetch(port: port, path: path,
                                                   headers: signedHeaders(path: path, body: requestBody, at: now + offset),
                                                   body: requestBody)
            XCTAssertEqual(response.head.status, 200, response.text)
        }
    }

    func testAnUnsignedRequestIsRefusedWhenTheServerHasKeys() throws {
        let port = try startServer(signedOptions())
        let response = try RawHTTPClient.fetch(port: port, path: modelPath + "/invoke", body: body())
        assertAWSError(response, status: 403, type: "MissingAuthenticationTokenException", message: "Missing Authentication Token")
        let bearer = try RawHTTPClient.fetch(port: port, path: modelPath + "/invoke",
                                             headers: [("authorization", "Bearer \(secret)")], body: body())
        XCTAssertEqual(bearer.head.status, 403)
        XCTAssertEqual(bearer.head.header("x-amzn-errortype"), "IncompleteSignatureException")
        XCTAssertFalse(bearer.text.contains(secret))
    }

    func testWithOnlyAnAPIKeyBedrockRequestsNeedItAsABearerToken() throws {
        let key = "sk-local-KEY-0815"
        let port = try startServer(.init(apiKey: key, tokensPerSecond: 0))
        let refused = try RawHTTPClient.fetch(port: port, path: modelPath + "/invoke", body: body())
        assertAWSError(refused, status: 403, type: "UnrecognizedClientException",
                       message: "The security token included in the request is invalid.")
        let allowed = try RawHTTPClient.fetch(port: port, path: modelPath + "/invoke",
                                              headers: [("authorization", "Bearer \(key)")], body: body())
        XCTAssertEqual(allowed.head.status, 200)
    }

    func testTheOptionsNeverPrintTheSecret() throws {
        let options = signedOptions()
        var dumped = ""
        dump(options, to: &dumped)
        for text in [String(describing: options), String(reflecting: options), "\(options)", dumped] {
            XCTAssertFalse(text.contains(secret), text)
            XCTAssertTrue(text.contains("<set>"), text)
        }
        let half = CompletionServer(options: .init(awsAccessKeyID: keyID))
        XCTAssertThrowsError(try half.start()) { error in
            XCTAssertEqual(error as? CompletionServerError, .incompleteAWSKeys)
        }
    }
}
