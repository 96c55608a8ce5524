import Foundation
import TurnsAPI
import TurnsTestSupport
import XCTest

/// Each usage example of the Python SDK's completions documentation (basic completion, stop sequences,
/// temperature, top_k and top_p, streaming, async use, error handling), done through TurnsAPI's public surface
/// against `turns serve` run as a child process, or against a scripted loopback server where only a script
/// can make the failure happen (429, 5xx, a stalled connection).
final class LibraryParityTests: XCTestCase {
    private var home = ""
    private var server: ServeProcess!
    private var client: CompletionsClient!
    private let model = "claude-2.1"
    /// The SDK README's question.
    private let prompt = "\(humanPrompt) how does a court case get to the Supreme Court?\(aiPrompt)"

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: ProcessRunner.executable("turns")),
                          "build the turns executable first")
        home = ProcessRunner.temporaryDirectory("turns-library")
        server = try ServeProcess(home: home)
        client = CompletionsClient(apiKey: server.apiKey, baseURL: server.baseURL)
    }

    override func tearDown() {
        server?.stop()
        // XCTest keeps every test case instance until the whole run ends: let the stopped server (its pipes and
        // output) and the client go now rather than holding one of each per test.
        server = nil
        client = nil
        try? FileManager.default.removeItem(atPath: home)
    }

    /// The greedy answer (temperature 0) to `prompt`.
    private func greedy(_ prompt: String, maxTokens: Int = 60) async throws -> Completion {
        try await client.create(model: model, prompt: prompt, maxTokensToSample: maxTokens, temperature: 0)
    }

    /// Runs a blocking wait on a thread of its own, so it never holds one of the few threads that async code runs on.
    private func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }

    private func assertNotBlank(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "blank text", file: file, line: line)
    }

    // MARK: - Basic completion

    /// `client.completions.create(model=…, max_tokens_to_sample=300, prompt=f"{HUMAN_PROMPT} …{AI_PROMPT}")`
    func testABasicCompletionHasTextAStopReasonTheModelAndAnID() async throws {
        let completion = try await client.create(model: model, prompt: prompt, maxTokensToSample: 300)
        assertNotBlank(completion.completion)
        XCTAssertEqual(completion.stopReason, StopReason.stopSequence, "the local model ends its answers itself")
        XCTAssertEqual(completion.stop, humanPrompt)
        XCTAssertEqual(completion.model, model)
        XCTAssertTrue(completion.id?.hasPrefix("compl_") ?? false, "\(completion.id ?? "no id")")
    }

    func testAPromptBuiltFromTurnsIsAcceptedAndSentAsTheSDKFormatsIt() async throws {
        let built = Prompt.build([.human("how does a court case get to the Supreme Court?")])
        XCTAssertEqual(built, prompt)
        let fromTurns = try await greedy(built)
        let fromMarkers = try await greedy(prompt)
        XCTAssertEqual(fromTurns.completion, fromMarkers.completion)
        assertNotBlank(fromTurns.completion)
    }

    func testMetadataWithAUserIDIsAccepted() async throws {
        let completion = try await client.create(model: model, prompt: prompt, maxTokensToSample: 20, temperature: 0,
                                                 metadata: .init(userID: "13803d75-b4b5-4c3e-b2a2-6f21399b021b"))
        let plain = try await greedy(prompt, maxTokens: 20)
        XCTAssertEqual(completion.completion, plain.completion)
    }

    // MARK: - Stop sequences and max tokens

    /// `create(…, stop_sequences=[…])`, with a stop sequence taken from the model's own greedy answer.
    func testAStopSequenceTheModelProducesEndsTheAnswerJustBeforeIt() async throws {
        let full = try await greedy(prompt)
        let words = full.completion.split(separator: " ")
        try XCTSkipIf(words.count < 4, "the greedy answer is too short to pick a stop word from: \(full.completion)")
        let stop = " " + words[2]
        let expected = String(full.completion[..<full.completion.range(of: stop)!.lowerBound])

        let stopped = try await client.create(model: model, prompt: prompt, maxTokensToSample: 60,
                                              stopSequences: [stop], temperature: 0)
        XCTAssertEqual(stopped.completion, expected)
        XCTAssertEqual(stopped.stopReason, StopReason.stopSequence)
        XCTAssertEqual(stopped.stop, stop)
    }

    func testASmallMaxTokensCutsTheAnswerWithMaxTokens() async throws {
        let full = try await greedy(prompt)
        let cut = try await greedy(prompt, maxTokens: 3)
        XCTAssertEqual(cut.stopReason, StopReason.maxTokens)
        assertNotBlank(cut.completion)
        XCTAssertTrue(full.completion.hasPrefix(cut.completion), "\(cut.completion) is not the start of \(full.completion)")
        XCTAssertLessThan(cut.completion.count, full.completion.count)
    }

    // MARK: - Temperature, top_k and top_p

    func testTemperatureZeroGivesTheSameAnswerEveryTime() async throws {
        let first = try await greedy(prompt)
        let second = try await greedy(prompt)
        assertNotBlank(first.completion)
        XCTAssertEqual(first.completion, second.completion)
    }

    func testTopKOneAndTheSmallestTopPKeepOnlyTheLikeliestTokenAsTemperatureZeroDoes() async throws {
        let greedyText = try await greedy(prompt).completion
        let topK = try await client.create(model: model, prompt: prompt, maxTokensToSample: 60, temperature: 1, topK: 1)
        // top_p 0: the nucleus is the likeliest token alone.
        let topP = try await client.create(model: model, prompt: prompt, maxTokensToSample: 60, topP: 0)
        XCTAssertEqual(topK.completion, greedyText)
        XCTAssertEqual(topP.completion, greedyText)
    }

    func testSamplingParametersOutOfRangeAreRefusedBeforeSending() async {
        do {
            _ = try await client.create(model: model, prompt: prompt, maxTokensToSample: 60, temperature: 1.5)
            XCTFail("no error")
        } catch {
            XCTAssertEqual(error.kind, .invalidRequest)
            XCTAssertEqual(error.message, "invalid temperature 1.5: must be a number from 0 to 1")
            XCTAssertNil(error.status)
            XCTAssertNil(error.kind.sdkClassName)
        }
    }

    // MARK: - Streaming

    /// `for completion in client.completions.create(…, stream=True): print(completion.completion, end="")`
    func testStreamingDeliversDeltasThatAddUpToTheWholeAnswerAndEndWithTheStopReason() async throws {
        // A paced server, so the answer arrives in many reads (the events of one read are merged into one delta).
        let home = self.home
        let paced = try await blocking { try ServeProcess(home: home, tokensPerSecond: 400) }
        defer { paced.stop() }
        let pacedClient = CompletionsClient(apiKey: paced.apiKey, baseURL: paced.baseURL)
        let whole = try await pacedClient.create(model: model, prompt: prompt, maxTokensToSample: 40, temperature: 0)

        var deltas: [CompletionDelta] = []
        for try await delta in pacedClient.stream(model: model, prompt: prompt, maxTokensToSample: 40, temperature: 0) {
            deltas.append(delta)
        }
        XCTAssertGreaterThan(deltas.count, 1, "the answer came in one piece")
        XCTAssertEqual(deltas.map(\.text).joined(), whole.completion)
        XCTAssertEqual(deltas.last?.stopReason, whole.stopReason)
        XCTAssertEqual(deltas.dropLast().compactMap(\.stopReason), [], "only the last delta carries the stop reason")
        XCTAssertEqual(Set(deltas.map(\.model)), [model])
        XCTAssertEqual(Set(deltas.map(\.id)).count, 1, "every delta names the same completion")
    }

    func testAStreamedRequestTakesTheSameParametersAsCreate() async throws {
        let full = try await greedy(prompt)
        var text = ""
        var stopReason: String?
        for try await delta in client.stream(model: model, prompt: prompt, maxTokensToSample: 3, temperature: 0) {
            text += delta.text
            stopReason = delta.stopReason ?? stopReason
        }
        XCTAssertEqual(stopReason, StopReason.maxTokens)
        XCTAssertTrue(full.completion.hasPrefix(text))
        assertNotBlank(text)
    }

    // MARK: - Async use

    /// `AsyncAnthropic`: many requests awaited at once (`asyncio.gather`), from one client.
    func testManyRequestsFromOneClientRunConcurrentlyAndGiveTheirOwnAnswers() async throws {
        let questions = ["How do I save?", "What are themes?", "Tell me about the local model.", "What does /retry do?"]
        var sequential: [String] = []
        for question in questions { sequential.append(try await greedy(Prompt.build([.human(question)])).completion) }

        let client = self.client!
        let model = self.model
        let concurrent = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for (index, question) in questions.enumerated() {
                group.addTask {
                    let prompt = Prompt.build([.human(question)])
                    if index.isMultiple(of: 2) {
                        return (index, try await client.create(model: model, prompt: prompt, maxTokensToSample: 60,
                                                               temperature: 0).completion)
                    }
                    var text = ""
                    for try await delta in client.stream(model: model, prompt: prompt, maxTokensToSample: 60, temperature: 0) {
                        text += delta.text
                    }
                    return (index, text)
                }
            }
            var answers = Array(repeating: "", count: questions.count)
            for try await (index, text) in group { answers[index] = text }
            return answers
        }
        XCTAssertEqual(concurrent, sequential)
        XCTAssertGreaterThan(Set(sequential).count, 1, "different questions should get different answers")
    }

    // MARK: - Error handling: the server's own errors

    func testAWrongKeyIsAnAuthenticationErrorWithStatusTypeRequestIDAndMessage() async {
        let wrongKey = CompletionsClient(apiKey: "not-the-key", baseURL: server.baseURL)
        do {
            _ = try await wrongKey.create(model: model, prompt: prompt, maxTokensToSample: 20)
            XCTFail("no error")
        } catch where error.kind == .authentication {
            XCTAssertEqual(error.status, 401)
            XCTAssertEqual(error.errorType, "authentication_error")
            XCTAssertTrue(error.requestID?.hasPrefix("req_") ?? false, "\(error.requestID ?? "no request id")")
            XCTAssertFalse(error.message.isEmpty)
            XCTAssertEqual(error.kind.sdkClassName, "AuthenticationError")
            XCTAssertTrue(error.isStatusError)
            XCTAssertFalse(error.isConnectionError)
        } catch {
            XCTFail("expected an authentication error, got \(error)")
        }
    }

    func testAPromptTheServerRefusesIsABadRequestWithTheAPIsMessage() async throws {
        // Sent as is: the client leaves the prompt's shape to the server, which is the authority.
        do {
            _ = try await client.create(model: model, prompt: "Hello, world", maxTokensToSample: 20)
            XCTFail("no error")
        } catch {
            XCTAssertEqual(error.kind, .badRequest)
            XCTAssertEqual(error.status, 400)
            XCTAssertEqual(error.errorType, "invalid_request_error")
            XCTAssertEqual(error.message, PromptValidationError.mustStartWithHuman.description)
            XCTAssertTrue(error.requestID?.hasPrefix("req_") ?? false)
        }
        // A stream fails the same way, from its first iteration.
        var received = 0
        do {
            for try await _ in client.stream(model: model, prompt: "\(humanPrompt) Hello, Claude", maxTokensToSample: 20) {
                received += 1
            }
            XCTFail("no error")
        } catch let error as APIError {
            XCTAssertEqual(error.kind, .badRequest)
            XCTAssertEqual(error.message, PromptValidationError.mustEndWithAssistant.description)
        }
        XCTAssertEqual(received, 0)
    }

    func testAPathTheServerDoesNotKnowIsNotFound() async {
        let elsewhere = CompletionsClient(apiKey: server.apiKey, baseURL: server.baseURL + "/nowhere")
        do {
            _ = try await elsewhere.create(model: model, prompt: prompt, maxTokensToSample: 20)
            XCTFail("no error")
        } catch {
            XCTAssertEqual(error.kind, .notFound)
            XCTAssertEqual(error.status, 404)
            XCTAssertEqual(error.kind.sdkClassName, "NotFoundError")
        }
    }

    // MARK: - Error handling: failures only a scripted server can stage

    private static func errorBody(_ type: String, _ message: String) -> String {
        #"{"type":"error","error":{"type":"\#(type)","message":"\#(message)"}}"#
    }

    func testA429IsRetriedAsTheSDKDoesThenThrownAsARateLimitError() async throws {
        let limited = LoopbackServer.Response.status(429, headers: [
            HTTPHeader("request-id", "req_limited"), HTTPHeader("retry-after-ms", "10"),
            HTTPHeader("content-type", "application/json"),
        ], body: Self.errorBody("rate_limit_error", "Number of requests has exceeded your rate limit"))
        let scripted = try LoopbackServer([limited, limited, limited])
        defer { scripted.stop() }
        let client = CompletionsClient(apiKey: "sk-test", baseURL: scripted.baseURL)   // maxRetries: 2, the SDK's default
        do {
            _ = try await client.create(model: model, prompt: prompt, maxTokensToSample: 20)
            XCTFail("no error")
        } catch {
            XCTAssertEqual(error.kind, .rateLimit)
            XCTAssertEqual(error.kind.sdkClassName, "RateLimitError")
            XCTAssertEqual(error.status, 429)
            XCTAssertEqual(error.errorType, "rate_limit_error")
            XCTAssertEqual(error.requestID, "req_limited")
            XCTAssertEqual(error.message, "Number of requests has exceeded your rate limit")
        }
        XCTAssertEqual(scripted.requests.count, 3, "one request and the SDK's two retries")
    }

    func testEveryErrorStatusBecomesTheKindOfTheSDKsClass() async throws {
        let cases: [(status: Int, type: String, kind: APIError.Kind, sdkClass: String)] = [
            (400, "invalid_request_error", .badRequest, "BadRequestError"),
            (401, "authentication_error", .authentication, "AuthenticationError"),
            (403, "permission_error", .permissionDenied, "PermissionDeniedError"),
            (404, "not_found_error", .notFound, "NotFoundError"),
            (413, "request_too_large", .requestTooLarge, "RequestTooLargeError"),
            (429, "rate_limit_error", .rateLimit, "RateLimitError"),
            (500, "api_error", .internalServer, "InternalServerError"),
            (529, "overloaded_error", .overloaded, "OverloadedError"),
        ]
        let scripted = try LoopbackServer(cases.map { item in
            .status(item.status, headers: [HTTPHeader("request-id", "req_\(item.status)"),
                                           HTTPHeader("content-type", "application/json")],
                    body: Self.errorBody(item.type, "message \(item.status)"))
        })
        defer { scripted.stop() }
        let client = CompletionsClient(apiKey: "sk-test", baseURL: scripted.baseURL, maxRetries: 0)
        for item in cases {
            do {
                _ = try await client.create(model: model, prompt: prompt, maxTokensToSample: 20)
                XCTFail("no error for \(item.status)")
            } catch {
                XCTAssertEqual(error.kind, item.kind, "\(item.status)")
                XCTAssertEqual(error.kind.sdkClassName, item.sdkClass)
                XCTAssertEqual(error.status, item.status)
                XCTAssertEqual(error.errorType, item.type)
                XCTAssertEqual(error.requestID, "req_\(item.status)")
                XCTAssertEqual(error.message, "message \(item.status)")
                XCTAssertTrue(error.isStatusError)
            }
        }
    }

    func testAnOverloadedErrorInsideAStreamKeepsTheTextAndThrowsAfterIt() async throws {
        let piece = LoopbackServer.sseEvent("completion", data:
            #"{"type":"completion","completion":" Partial","stop_reason":null,"model":"claude-2.1"}"#)
        let scripted = try LoopbackServer([.sse([piece, LoopbackServer.sseEvent("error", data:
            Self.errorBody("overloaded_error", "Overloaded"))])])
        defer { scripted.stop() }
        let client = CompletionsClient(apiKey: "sk-test", baseURL: scripted.baseURL)
        var text = ""
        do {
            for try await delta in client.stream(model: model, prompt: prompt, maxTokensToSample: 20) {
                text += delta.text
            }
            XCTFail("no error")
        } catch let error as APIError {
            XCTAssertEqual(error.kind, .overloaded)
            XCTAssertEqual(error.status, 200)
            XCTAssertEqual(error.errorType, "overloaded_error")
            XCTAssertEqual(error.message, "Overloaded")
        }
        XCTAssertEqual(text, " Partial")
        XCTAssertEqual(scripted.requests.count, 1, "nothing is retried once text has streamed")
    }

    func testAServerThatCannotBeReachedIsAConnectionError() async throws {
        let gone = try LoopbackServer()
        let baseURL = gone.baseURL
        gone.stop()   // nothing listens on its port any more
        let client = CompletionsClient(apiKey: "sk-test", baseURL: baseURL, maxRetries: 0)
        do {
            _ = try await client.create(model: model, prompt: prompt, maxTokensToSample: 20)
            XCTFail("no error")
        } catch {
            XCTAssertEqual(error.kind, .connection)
            XCTAssertEqual(error.kind.sdkClassName, "APIConnectionError")
            XCTAssertNil(error.status)
            XCTAssertTrue(error.isConnectionError)
            XCTAssertFalse(error.isStatusError)
        }
    }

    func testAServerThatNeverAnswersIsATimeoutError() async throws {
        let silent = try LoopbackServer([LoopbackServer.Response([.stall])])
        defer { silent.stop() }
        let client = CompletionsClient(apiKey: "sk-test", baseURL: silent.baseURL, maxRetries: 0, timeout: 0.5)
        do {
            _ = try await client.create(model: model, prompt: prompt, maxTokensToSample: 20)
            XCTFail("no error")
        } catch {
            XCTAssertEqual(error.kind, .timeout)
            XCTAssertEqual(error.kind.sdkClassName, "APITimeoutError")
            XCTAssertTrue(error.isConnectionError, "APITimeoutError is an APIConnectionError")
        }
    }

    // MARK: - Cancellation

    func testCancellingTheTaskThatIteratesAStreamClosesTheConnection() async throws {
        let piece = LoopbackServer.sseEvent("completion", data:
            #"{"type":"completion","completion":" Started","stop_reason":null,"model":"claude-2.1"}"#)
        let scripted = try LoopbackServer([.sse([piece], ending: [.stall])])
        defer { scripted.stop() }
        let client = CompletionsClient(apiKey: "sk-test", baseURL: scripted.baseURL)
        let model = self.model, prompt = self.prompt
        let first = AsyncStream<Void>.makeStream()
        let consumer = Task {
            var text = ""
            do {
                for try await delta in client.stream(model: model, prompt: prompt, maxTokensToSample: 20) {
                    text += delta.text
                    first.continuation.yield()
                }
            } catch {}
            return text
        }
        for await _ in first.stream { break }
        consumer.cancel()
        // The server stalls for ever: only the cancellation closes the connection.
        let closed = try await blocking { scripted.waitForClientClose(timeout: 5) }
        XCTAssertNotNil(closed, "the connection stayed open")
        let text = await consumer.value
        XCTAssertEqual(text, " Started")
    }

    func testCancellingTheTaskThatAwaitsCreateClosesTheConnectionAndThrowsCancelled() async throws {
        let scripted = try LoopbackServer([LoopbackServer.Response([.stall])])
        defer { scripted.stop() }
        let client = CompletionsClient(apiKey: "sk-test", baseURL: scripted.baseURL)
        let model = self.model, prompt = self.prompt
        let call = Task { try await client.create(model: model, prompt: prompt, maxTokensToSample: 20) }
        let arrived = try await blocking { scripted.waitForRequests(1, timeout: 10) }
        XCTAssertTrue(arrived)
        call.cancel()
        // The server stalls for ever: only the cancellation closes the connection.
        let closed = try await blocking { scripted.waitForClientClose(timeout: 5) }
        XCTAssertNotNil(closed, "the connection stayed open")
        do {
            _ = try await call.value
            XCTFail("no error")
        } catch {
            XCTAssertEqual((error as? APIError)?.kind, .cancelled)
        }
    }
}
