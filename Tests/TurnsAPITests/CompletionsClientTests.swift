import Foundation
@testable import TurnsAPI
import TurnsCore
import TurnsHTTP
import TurnsTestSupport
import XCTest

final class CompletionsClientTests: XCTestCase {
    private let apiKey = "sk-ant-FAKE-KEY-0123456789-must-never-show"
    private let request = CompletionRequest(model: "claude-2.1", prompt: "\n\nHuman: Hi\n\nAssistant:", maxTokensToSample: 50)

    // MARK: - Helpers

    /// Records the waits the client asked for instead of sleeping.
    final class SleepLog: @unchecked Sendable {
        private let lock = NSLock()
        private var delays: [Double] = []
        var recorded: [Double] { lock.withLock { delays } }
        func record(_ delay: Double) { lock.withLock { delays.append(delay) } }
    }

    private func makeClient(_ responses: [ScriptedResponse],
                            configure: (inout ClientConfiguration) -> Void = { _ in })
        -> (client: CompletionsClient, transport: ScriptedTransport, sleeps: SleepLog) {
        let transport = ScriptedTransport(responses)
        let sleeps = SleepLog()
        var configuration = ClientConfiguration(backend: .anthropic(apiKey: apiKey, baseURL: "http://127.0.0.1:9"))
        configuration.retryPolicy = RetryPolicy(now: { 1_696_004_797 }, random: { 0 }, sleep: { sleeps.record($0) })
        configure(&configuration)
        return (CompletionsClient(configuration, transport: transport), transport, sleeps)
    }


    private func event(_ text: String, stop: String? = nil) -> String {
        let reason = stop.map { TestJSON.quoted($0) } ?? "null"
        return "event: completion\ndata: {\"type\":\"completion\",\"completion\":\(TestJSON.quoted(text)),\"stop_reason\":\(reason),\"model\":\"claude-2.1\"}\n\n"
    }

    private func errorEvent(_ type: String, _ message: String) -> String {
        "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"\(type)\",\"message\":\"\(message)\"}}\n\n"
    }

    private func okStream(_ texts: [String], requestID: String = "req_ok") -> ScriptedResponse {
        var reads = texts.map { event($0) }
        reads.append(event("", stop: StopReason.stopSequence))
        return .reads(reads, headers: [HTTPHeader("request-id", requestID), HTTPHeader("content-type", "text/event-stream")])
    }

    private func errorResponse(_ status: Int, _ type: String, _ message: String, headers: [HTTPHeader] = []) -> ScriptedResponse {
        .text(#"{"type":"error","error":{"type":"\#(type)","message":"\#(message)"}}"#, status: status,
              headers: [HTTPHeader("request-id", "req_\(status)")] + headers)
    }

    private func text(of events: [CompletionEvent]) -> String {
        events.map { if case .delta(let delta) = $0 { return delta.text } else { return "" } }.joined()
    }

    /// Runs `body` but gives up after `seconds`; returns false when it did not finish in time.
    private func finishes(within seconds: Double, _ body: @escaping @Sendable () async -> Void) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask { await body(); return true }
            group.addTask { try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9)); return false }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    // MARK: - Streaming

    func testAStreamDeliversOnePiecePerReadAndEndsWithTheStopReason() async {
        let (client, transport, _) = makeClient([okStream([" Hello", "!"])])
        let (events, error) = await collect(client.events(request))
        XCTAssertNil(error)
        XCTAssertEqual(events, [
            .responseStarted(ResponseInfo(status: 200, requestID: "req_ok")),
            .delta(CompletionDelta(text: " Hello", model: "claude-2.1")),
            .delta(CompletionDelta(text: "!", model: "claude-2.1")),
            .delta(CompletionDelta(text: "", stopReason: "stop_sequence", model: "claude-2.1")),
        ])
        XCTAssertEqual(transport.requests.count, 1)
        XCTAssertEqual(transport.requests.first?.url, "http://127.0.0.1:9/v1/complete")
        XCTAssertEqual(transport.requests.first?.headers.value(for: "x-api-key"), apiKey)
        XCTAssertTrue(String(decoding: transport.requests.first?.body ?? [], as: UTF8.self).hasSuffix(#","stream":true}"#))
    }

    func testAllPiecesOfOneNetworkReadArriveAsOneElement() async {
        let oneRead = event(" a") + "event: ping\ndata: {}\n\n" + event(" b") + event(" c", stop: StopReason.maxTokens)
        let (client, _, _) = makeClient([.reads([oneRead])])
        let (deltas, error) = await collect(client.stream(request))
        XCTAssertNil(error)
        XCTAssertEqual(deltas, [CompletionDelta(text: " a b c", stopReason: "max_tokens", model: "claude-2.1")])
    }

    func testAStreamSplitIntoTinyReadsGivesTheSameText() async {
        let body = event(" Привет, ") + event("世界 😀") + event("", stop: StopReason.stopSequence)
        let (client, _, _) = makeClient([.text(body, chunkSize: 3)])
        let (deltas, error) = await collect(client.stream(request))
        XCTAssertNil(error)
        XCTAssertEqual(deltas.map(\.text).joined(), " Привет, 世界 😀")
        XCTAssertEqual(deltas.last?.stopReason, "stop_sequence")
    }

    func testTheTimeoutBoundsTheWaitBetweenReadsNotAWholeAnswer() async {
        // As the SDK's Timeout(600, connect=5): a stream may go on as long as data keeps coming.
        let (client, transport, _) = makeClient([okStream(["x"]), .text(#"{"completion":"x","stop_reason":"max_tokens"}"#)]) {
            $0.connectTimeout = 2
            $0.idleTimeout = 1
            $0.timeout = 30
        }
        _ = await collect(client.stream(request))
        _ = try? await client.create(request)
        XCTAssertEqual(transport.requests.map(\.timeouts), [HTTPTimeouts(connect: 2, idle: 1, total: nil),
                                                             HTTPTimeouts(connect: 2, idle: 30, total: nil)])
    }

    // MARK: - Retries

    func testAn529ThenA200SucceedsWithOneRetryNotice() async {
        let (client, transport, sleeps) = makeClient([errorResponse(529, "overloaded_error", "Overloaded"), okStream(["Hi"])])
        let (events, error) = await collect(client.events(request))
        XCTAssertNil(error)
        let overloaded = APIError(kind: .overloaded, status: 529, requestID: "req_529", errorType: "overloaded_error",
                                  message: "Overloaded")
        XCTAssertEqual(events.first, .retrying(RetryNotice(attempt: 1, maxRetries: 2, delay: 0.5, error: overloaded)))
        XCTAssertEqual(events.filter { if case .retrying = $0 { return true } else { return false } }.count, 1)
        XCTAssertEqual(text(of: events), "Hi")
        XCTAssertEqual(transport.requests.count, 2)
        XCTAssertEqual(sleeps.recorded, [0.5])
    }

    func testA401IsNotRetried() async {
        let (client, transport, sleeps) = makeClient([errorResponse(401, "authentication_error", "invalid x-api-key"), okStream(["no"])])
        let (events, error) = await collect(client.events(request))
        XCTAssertEqual(events, [])
        XCTAssertEqual(error, APIError(kind: .authentication, status: 401, requestID: "req_401",
                                       errorType: "authentication_error", message: "invalid x-api-key"))
        XCTAssertEqual(error?.exitCode, 3)
        XCTAssertEqual(transport.requests.count, 1)
        XCTAssertEqual(sleeps.recorded, [])
    }

    func testRetryAfterFromTheServerIsHonoured() async {
        let (client, _, sleeps) = makeClient([
            errorResponse(429, "rate_limit_error", "slow down", headers: [HTTPHeader("retry-after", "7")]),
            okStream(["ok"]),
        ])
        let (events, error) = await collect(client.events(request))
        XCTAssertNil(error)
        XCTAssertEqual(sleeps.recorded, [7])
        guard case .retrying(let notice) = events.first else { return XCTFail("no retry notice: \(events)") }
        XCTAssertEqual(notice.delay, 7)
    }

    func testRetriesStopAfterMaxRetriesWithTheLastError() async {
        let (client, transport, sleeps) = makeClient([
            errorResponse(500, "api_error", "one"), errorResponse(503, "api_error", "two"), errorResponse(529, "overloaded_error", "three"),
            okStream(["never"]),
        ])
        let (events, error) = await collect(client.events(request))
        XCTAssertEqual(error?.kind, .overloaded)
        XCTAssertEqual(error?.message, "three")
        XCTAssertEqual(error?.exitCode, 4)
        XCTAssertEqual(transport.requests.count, 3)
        XCTAssertEqual(sleeps.recorded, [0.5, 1])
        XCTAssertEqual(events.count, 2)
    }

    func testZeroMaxRetriesSendsOnce() async {
        let (client, transport, _) = makeClient([errorResponse(529, "overloaded_error", "busy"), okStream(["x"])]) {
            $0.maxRetries = 0
        }
        let (_, error) = await collect(client.stream(request))
        XCTAssertEqual(error?.kind, .overloaded)
        XCTAssertEqual(transport.requests.count, 1)
    }

    func testTheServerCanForbidARetry() async {
        let (client, transport, _) = makeClient([
            errorResponse(500, "api_error", "no", headers: [HTTPHeader("x-should-retry", "false")]), okStream(["x"]),
        ])
        let (_, error) = await collect(client.stream(request))
        XCTAssertEqual(error?.kind, .internalServer)
        XCTAssertEqual(transport.requests.count, 1)
    }

    func testARefusedConnectionIsRetriedAndThenSucceeds() async {
        let (client, transport, _) = makeClient([.failure(.couldNotConnect("connection refused")), okStream(["back"])])
        let (events, error) = await collect(client.events(request))
        XCTAssertNil(error)
        guard case .retrying(let notice) = events.first else { return XCTFail("no retry notice: \(events)") }
        XCTAssertEqual(notice.error, APIError(kind: .connection, message: "could not connect: connection refused"))
        XCTAssertEqual(text(of: events), "back")
        XCTAssertEqual(transport.requests.count, 2)
    }

    func testAConnectionLostBeforeAnyTextIsRetried() async {
        let (client, transport, _) = makeClient([
            ScriptedResponse(status: 200, ending: .fail(.connectionLost("reset by peer"))), okStream(["again"]),
        ])
        let (events, error) = await collect(client.events(request))
        XCTAssertNil(error)
        XCTAssertEqual(text(of: events), "again")
        XCTAssertEqual(transport.requests.count, 2)
    }

    func testAnOverloadedErrorEventBeforeAnyTextIsRetriedLikeA529() async {
        // Deliberately unlike anthropic 0.125.0 _streaming.py:154-167, which raises APIStatusError for an error event, unretried.
        let (client, transport, _) = makeClient([.reads([errorEvent("overloaded_error", "Overloaded")]), okStream(["fine"])])
        let (deltas, error) = await collect(client.stream(request))
        XCTAssertNil(error)
        XCTAssertEqual(deltas.map(\.text).joined(), "fine")
        XCTAssertEqual(transport.requests.count, 2)
    }

    // MARK: - Failures after text

    func testAFailureAfterTextIsThrownAfterTheTextBeforeIt() async {
        let (client, _, _) = makeClient([
            .reads([event(" partial")], ending: .fail(.connectionLost("reset by peer"))),
            okStream(["never"]),
        ])
        let (events, error) = await collect(client.events(request))
        XCTAssertEqual(text(of: events), " partial")
        XCTAssertEqual(error, APIError(kind: .connection, message: "the connection was lost: reset by peer"))
    }

    func testAnErrorEventAfterTextKeepsTheTextAndThrowsOverloadedWithoutRetrying() async {
        let (client, transport, _) = makeClient([
            .reads([event(" Hello"), errorEvent("overloaded_error", "Overloaded")],
                   headers: [HTTPHeader("request-id", "req_stream")], ending: .hang),
            okStream(["never"]),
        ])
        let (deltas, error) = await collect(client.stream(request))
        XCTAssertEqual(deltas.map(\.text), [" Hello"])
        XCTAssertEqual(error, APIError(kind: .overloaded, status: 200, requestID: "req_stream", errorType: "overloaded_error",
                                       message: "Overloaded"))
        XCTAssertEqual(error?.exitCode, 4)
        XCTAssertEqual(transport.requests.count, 1)
        let released = await finishes(within: 5) { await transport.waitUntilAbandoned() }
        XCTAssertTrue(released, "the transfer was not cancelled after the error event")
    }

    func testAConnectionLostMidStreamKeepsTheTextAndThrowsAConnectionError() async {
        let (client, transport, _) = makeClient([
            .reads([event(" partial"), event(" answer")], ending: .fail(.connectionLost("reset by peer"))),
            okStream(["never"]),
        ])
        let (deltas, error) = await collect(client.stream(request))
        XCTAssertEqual(deltas.map(\.text), [" partial", " answer"])
        XCTAssertEqual(error, APIError(kind: .connection, message: "the connection was lost: reset by peer"))
        XCTAssertEqual(error?.exitCode, 5)
        XCTAssertEqual(transport.requests.count, 1)
    }

    func testSilencePastTheIdleLimitMidStreamIsATimeout() async {
        let (client, _, _) = makeClient([.reads([event("slow")], ending: .fail(.idleTimedOut(seconds: 1)))])
        let (deltas, error) = await collect(client.stream(request))
        XCTAssertEqual(deltas.map(\.text), ["slow"])
        XCTAssertEqual(error, APIError(kind: .timeout, message: "the server sent nothing for 1 s"))
    }

    func testAStreamEndingWithoutAStopReasonKeepsTheTextAndIsAConnectionError() async {
        // Deliberately unlike anthropic 0.125.0 _streaming.py:93-170, whose iterator just ends when the body does.
        let (client, transport, _) = makeClient([
            .reads([event("cut")], headers: [HTTPHeader("request-id", "req_cut")]), okStream(["never"]),
        ])
        let (deltas, error) = await collect(client.stream(request))
        XCTAssertEqual(deltas.map(\.text), ["cut"])
        XCTAssertEqual(error, APIError(kind: .connection, requestID: "req_cut",
                                       message: "the stream ended before the answer was complete"))
        XCTAssertEqual(transport.requests.count, 1)
    }

    // MARK: - Refused before sending

    func testAnInvalidSettingIsRefusedNamingTheFieldAndNothingIsSent() async {
        var invalid = request
        invalid.temperature = 1.5
        let (client, transport, _) = makeClient([okStream(["x"])])
        let (events, error) = await collect(client.events(invalid))
        XCTAssertEqual(events, [])
        XCTAssertEqual(error, APIError(kind: .invalidRequest, message: "invalid temperature 1.5: must be a number from 0 to 1"))
        XCTAssertEqual(error?.exitCode, 2)
        XCTAssertEqual(transport.requests.count, 0)
    }

    func testAPromptThatLooksInvalidIsStillSentBecauseTheServerDecides() async {
        var odd = request
        odd.prompt = "Hello, world"
        let (client, transport, _) = makeClient([errorResponse(400, "invalid_request_error", "prompt must start with Human")])
        let (_, error) = await collect(client.stream(odd))
        XCTAssertEqual(error?.kind, .badRequest)
        XCTAssertEqual(transport.requests.count, 1)
    }

    func testAMissingAPIKeyIsAnAuthenticationErrorAndNothingIsSent() async {
        let (client, transport, _) = makeClient([okStream(["x"])]) {
            $0.backend = .anthropic(apiKey: nil, baseURL: "http://127.0.0.1:9")
        }
        let (_, error) = await collect(client.stream(request))
        XCTAssertEqual(error?.kind, .authentication)
        XCTAssertTrue(error?.description.contains("ANTHROPIC_API_KEY") ?? false)
        XCTAssertEqual(transport.requests.count, 0)
    }

    func testAnAuthTokenIsSentAsBearerInsteadOfTheKeyEitherSufficesAndItIsNeverShown() async throws {
        // Source: anthropic 0.125.0 _client.py:224 (ANTHROPIC_AUTH_TOKEN), 358-379 (auth_headers: X-Api-Key and/or Bearer).
        let token = "sk-ant-oat-TOKEN-0123456789"
        let echo = #"{"type":"error","error":{"type":"authentication_error","message":"bad token \#(token)"}}"#
        let (client, transport, _) = makeClient([.text(echo, status: 401)]) {
            $0.backend = .anthropic(apiKey: nil, baseURL: "http://127.0.0.1:9")
            $0.authToken = token
        }
        let (events, error) = await collect(client.events(request))
        XCTAssertEqual(error?.message, "bad token [redacted]")
        XCTAssertFalse((events.map { "\($0)" } + ["\(String(describing: error))", "\(client.configuration.backend)"])
            .joined().contains(token))
        let sent = try XCTUnwrap(transport.requests.first)
        XCTAssertEqual(sent.headers.value(for: "authorization"), "Bearer \(token)")
        XCTAssertNil(sent.headers.value(for: "x-api-key"))
        let both = try AnthropicWire(apiKey: "k", authToken: "t", baseURL: "http://h")
            .makeRequest(CompletionRequest(model: "m", prompt: "p", maxTokensToSample: 1), stream: false)
        XCTAssertEqual(Array(both.headers.prefix(2)), [HTTPHeader("x-api-key", "k"), HTTPHeader("Authorization", "Bearer t")])
        XCTAssertEqual(ClientConfiguration.anthropic(apiKey: nil, authToken: "t").authToken, "t")
    }

    func testARefusedCrossOriginRedirectIsReportedOnceWithoutRetrying() async {
        // Source: README "Configuration" (redirects only to the same origin); httpx would follow it (_base_client.py:909).
        let (client, transport, _) = makeClient([.failure(.redirectRefused("https://elsewhere.example:443")), okStream(["never"])])
        let (_, error) = await collect(client.stream(request))
        XCTAssertEqual(error, APIError(kind: .apiStatus, message:
            "the server redirected to https://elsewhere.example:443; turns follows redirects only to the same origin"))
        XCTAssertEqual(transport.requests.count, 1)
    }

    func testTheAPIKeyNeverAppearsInAnyErrorOrNotice() async {
        let echo = "your key \(apiKey) is wrong"
        let (client, _, _) = makeClient([
            .failure(.couldNotConnect("proxy said \(apiKey)")),
            .text(#"{"type":"error","error":{"type":"\#(apiKey)","message":"\#(echo)"}}"#, status: 401,
                  headers: [HTTPHeader("request-id", apiKey)]),
        ])
        let (events, error) = await collect(client.events(request))
        var texts = events.map { "\($0)" }
        texts.append(String(describing: error))
        texts.append(error?.description ?? "")
        XCTAssertEqual(error?.kind, .authentication)
        XCTAssertEqual(error?.message, "your key [redacted] is wrong")
        for text in texts { XCTAssertFalse(text.contains(apiKey), text) }
        XCTAssertFalse(texts.joined().contains("FAKE-KEY"))
    }

    // MARK: - Whole answers

    func testCreateSendsNoStreamFieldAndReturnsTheParsedCompletion() async throws {
        let body = #"{"id":"compl_1","type":"completion","completion":" Hi there","stop_reason":"stop_sequence","stop":"\n\nHuman:","model":"claude-2.1","log_id":"x"}"#
        let (client, transport, _) = makeClient([errorResponse(500, "api_error", "flaky"), .text(body, chunkSize: 7)])
        let completion = try await client.create(request)
        XCTAssertEqual(completion, Completion(id: "compl_1", completion: " Hi there", stopReason: "stop_sequence",
                                              stop: "\n\nHuman:", model: "claude-2.1"))
        XCTAssertEqual(transport.requests.count, 2)
        XCTAssertEqual(String(decoding: transport.requests[1].body, as: UTF8.self),
                       #"{"max_tokens_to_sample":50,"model":"claude-2.1","prompt":"\n\nHuman: Hi\n\nAssistant:"}"#)
    }

    func testCreateThrowsTheTypedErrorOfAFailedRequest() async {
        let (client, _, _) = makeClient([errorResponse(404, "not_found_error", "no such model")])
        do {
            _ = try await client.create(request)
            XCTFail("no error")
        } catch {
            XCTAssertEqual(error.kind, .notFound)
            XCTAssertEqual(error.requestID, "req_404")
        }
    }

    func testCreateReportsAnUnreadableAnswerAsMalformed() async {
        let (client, _, _) = makeClient([.text("not json", headers: [HTTPHeader("request-id", "req_bad")])])
        do {
            _ = try await client.create(request)
            XCTFail("no error")
        } catch {
            XCTAssertEqual(error.kind, .malformedResponse)
            XCTAssertEqual(error.requestID, "req_bad")
        }
    }

    // MARK: - Cancellation

    func testCancellingTheConsumingTaskCancelsTheTransfer() async {
        let (client, transport, _) = makeClient([.reads([event("first")], ending: .hang)])
        let received = AsyncStream<Void>.makeStream()
        let request = self.request
        let consumer = Task {
            var deltas: [CompletionDelta] = []
            do {
                for try await delta in client.stream(request) {
                    deltas.append(delta)
                    received.continuation.yield()
                }
            } catch {}
            return deltas
        }
        for await _ in received.stream { break }
        consumer.cancel()
        let released = await finishes(within: 5) { await transport.waitUntilAbandoned() }
        XCTAssertTrue(released, "the transfer was not cancelled")
        let deltas = await consumer.value
        XCTAssertEqual(deltas.map(\.text), ["first"])
    }

    func testStoppingIterationCancelsTheTransfer() async {
        let (client, transport, _) = makeClient([.reads([event("first")], ending: .hang)])
        let request = self.request
        let consumer = Task {
            for try await _ in client.stream(request) { break }
        }
        _ = await consumer.result
        let released = await finishes(within: 5) { await transport.waitUntilAbandoned() }
        XCTAssertTrue(released, "the transfer was not cancelled")
    }

    func testCancellingCreateThrowsCancelled() async {
        let (client, transport, _) = makeClient([ScriptedResponse(status: 200, ending: .hang)])
        let request = self.request
        let call = Task { try await client.create(request) }
        let started = await finishes(within: 5) {
            while transport.requests.isEmpty { await Task.yield() }
        }
        XCTAssertTrue(started)
        call.cancel()
        do {
            _ = try await call.value
            XCTFail("no error")
        } catch {
            XCTAssertEqual((error as? APIError)?.kind, .cancelled)
        }
    }
}

final class SecretDescriptionTests: XCTestCase {
    private let apiKey = "sk-ant-FAKE-KEY-0123456789-must-never-show"

    func testPrintingOrDumpingAConfigurationOrClientNeverShowsTheKey() {
        var configuration = ClientConfiguration(backend: .anthropic(apiKey: apiKey, baseURL: "https://api.anthropic.com"))
        configuration.authToken = "FAKE-KEY-token-0123456789"
        let client = CompletionsClient(configuration, transport: ScriptedTransport([]))
        let wire = AnthropicWire(apiKey: apiKey, baseURL: "https://api.anthropic.com")
        var dumped = ""
        dump(configuration, to: &dumped)
        dump(wire, to: &dumped)
        let texts = [String(describing: configuration), String(reflecting: configuration), "\(configuration.backend)",
                     String(reflecting: configuration.backend), String(describing: wire), String(reflecting: wire),
                     dumped, "\(client.configuration)"]
        for text in texts { XCTAssertFalse(text.contains("FAKE-KEY"), text) }
        XCTAssertTrue(dumped.contains("authToken: \"<set>\""), dumped)
        XCTAssertEqual(configuration.backend.description, "anthropic(apiKey: <set>, baseURL: https://api.anthropic.com)")
    }
}
