import FaultInjection
import Foundation
import TurnsAPI
import TurnsLocal
import TurnsServe
import XCTest

/// Each fault of the fault proxy in front of `turns serve`, forced on every request, against the real client
/// (`CompletionsClient` over `CurlTransport`): the outcome is the one `FaultKind` documents.
final class FaultClientTests: ServerTestCase {
    private var proxies: [FaultProxy] = []
    private let prompt = "\n\nHuman: How do I change the temperature?\n\nAssistant:"
    private let maxTokens = 40
    /// The client gives up after this much silence; stalls last longer.
    private let idleTimeout = 0.4
    private let stallSeconds = 1.5

    override func tearDown() {
        for proxy in proxies { proxy.stop() }
        proxies.removeAll()
        super.tearDown()
    }

    /// How one request ended on the client's side.
    private struct Outcome {
        var text = ""
        var stopReason: String?
        var error: APIError?
        var retryDelays: [Double] = []
    }

    /// The pieces of text the server sends, one per text event, at temperature 0.
    private var answerPieces: [String] { answer.pieces }

    /// The text events and the stop reason of the fault-free answer at temperature 0.
    private var answer: (pieces: [String], stopReason: String) {
        var generation = LocalModel.shared.generate(
            prompt: prompt, parameters: SamplingSettings(maxTokensToSample: maxTokens, temperature: 0), seed: 1)
        var pieces: [String] = []
        var stop: LocalStop?
        while stop == nil {
            var released: [UInt8] = []
            stop = generation.step(into: &released)
            if !released.isEmpty { pieces.append(String(decoding: released, as: UTF8.self)) }
        }
        return (pieces, stop?.reason.rawValue ?? "")
    }

    /// Starts a server behind a proxy that gives every request `kind` (where it applies); returns the proxy's port
    /// and the plan its first request gets.
    private func startServer(_ kind: FaultKind, api: FaultAPI, stream: Bool,
                             log: (@Sendable (String) -> Void)? = nil) throws -> (port: Int, firstPlan: FaultPlan) {
        let settings = FaultSettings(seed: 77, rate: 1, stallSeconds: stallSeconds, forced: kind, log: log)
        let proxy = FaultProxy(upstreamPort: try startServer(), settings: settings)
        proxies.append(proxy)
        let port = try proxy.start()
        return (port, FaultPlanner(settings: settings).plan(sequence: 1, api: api, stream: stream))
    }

    private func client(api: FaultAPI, port: Int) -> CompletionsClient {
        let base = "http://127.0.0.1:\(port)"
        var configuration: ClientConfiguration
        switch api {
        case .anthropic, .messages:
            configuration = .anthropic(apiKey: "test-key-not-checked", baseURL: base)
        case .bedrock:
            let credentials = AWSCredentials(accessKeyID: "AKIDFAULTTEST", secretAccessKey: "fault-test-secret")
            configuration = ClientConfiguration(backend: .bedrock(BedrockOptions(region: "us-east-1",
                                                                                 authentication: .sigV4(credentials),
                                                                                 baseURL: base)))
        }
        configuration.maxRetries = 2
        configuration.idleTimeout = idleTimeout
        // The wait allowed between reads of a whole (unstreamed) answer: a stall inside one must time out too.
        configuration.timeout = idleTimeout
        // No waiting between attempts, and a fixed jitter so the delays asked for are exact.
        configuration.retryPolicy = RetryPolicy(random: { 0.5 }, sleep: { _ in })
        return CompletionsClient(configuration)
    }

    private func run(_ kind: FaultKind, api: FaultAPI, stream: Bool = true) async throws -> (Outcome, FaultPlan) {
        let (port, plan) = try startServer(kind, api: api, stream: stream)
        // `.auto` sends claude-sonnet-4-5 to /v1/messages and the Claude 2 models to /v1/complete.
        let model = api == .bedrock ? "anthropic.claude-v2:1" : api == .messages ? "claude-sonnet-4-5" : "claude-2.1"
        let request = CompletionRequest(prompt: prompt, settings: SamplingSettings(
            model: model, maxTokensToSample: maxTokens, temperature: 0), api: .auto)
        var outcome = Outcome()
        do {
            for try await event in client(api: api, port: port).events(request, stream: stream) {
                switch event {
                case .delta(let delta):
                    outcome.text += delta.text
                    outcome.stopReason = delta.stopReason ?? outcome.stopReason
                case .completion(let completion):
                    outcome.text += completion.completion
                    outcome.stopReason = completion.stopReason ?? outcome.stopReason
                case .retrying(let notice):
                    outcome.retryDelays.append(notice.delay)
                case .responseStarted:
                    break
                }
            }
        } catch let error as APIError {
            outcome.error = error
        }
        return (outcome, plan)
    }

    // MARK: - Harmless faults

    func testHarmlessFaultsGiveExactlyTheFaultFreeAnswerOnBothAPIs() async throws {
        let whole = answerPieces.joined()
        let stopReason = answer.stopReason
        for api in [FaultAPI.anthropic, .bedrock] {
            for stream in [true, false] {
                for kind in FaultKind.allCases where kind.isHarmless && kind.applies(to: api, stream: stream) {
                    let (outcome, _) = try await run(kind, api: api, stream: stream)
                    XCTAssertNil(outcome.error, "\(api) \(kind) stream=\(stream)")
                    XCTAssertEqual(outcome.text, whole, "\(api) \(kind) stream=\(stream)")
                    XCTAssertEqual(outcome.stopReason, stopReason, "\(api) \(kind) stream=\(stream)")
                    XCTAssertEqual(outcome.retryDelays, [], "\(api) \(kind) stream=\(stream)")
                }
            }
        }
    }

    // MARK: - Refusals

    func testRateLimitsAreRetriedThenReportedAsRateLimitErrors() async throws {
        for api in [FaultAPI.anthropic, .bedrock] {
            let (plain, _) = try await run(.rateLimited, api: api)
            XCTAssertEqual(plain.error?.kind, .rateLimit, "\(api)")
            XCTAssertEqual(plain.error?.status, 429, "\(api)")
            XCTAssertEqual(plain.error?.exitCode, 4, "\(api)")
            XCTAssertEqual(plain.text, "")
            // Without retry-after: the SDK's backoff, 0.5 s then 1 s, times the fixed jitter 0.875.
            XCTAssertEqual(plain.retryDelays, [0.4375, 0.875], "\(api)")

            let (told, _) = try await run(.rateLimitedRetryAfter, api: api)
            XCTAssertEqual(told.error?.kind, .rateLimit, "\(api)")
            XCTAssertEqual(told.retryDelays, [1, 1], "retry-after: 1 is honoured (\(api))")
        }
    }

    func testOverloadIsRetriedThenReportedAsOverloadedOrServiceUnavailable() async throws {
        for (kind, delays) in [(FaultKind.overloaded, [0.4375, 0.875]), (.overloadedRetryAfter, [1.0, 1.0])] {
            let (anthropic, _) = try await run(kind, api: .anthropic)
            XCTAssertEqual(anthropic.error?.kind, .overloaded, "\(kind)")
            XCTAssertEqual(anthropic.error?.status, 529, "\(kind)")
            XCTAssertEqual(anthropic.error?.errorType, "overloaded_error", "\(kind)")
            XCTAssertEqual(anthropic.error?.exitCode, 4, "\(kind)")
            XCTAssertEqual(anthropic.retryDelays, delays, "\(kind)")
            XCTAssertEqual(anthropic.text, "")

            let (messages, _) = try await run(kind, api: .messages)
            XCTAssertEqual(messages.error?.kind, .overloaded, "\(kind)")
            XCTAssertEqual(messages.error?.status, 529, "\(kind)")
            XCTAssertEqual(messages.error?.errorType, "overloaded_error", "\(kind)")
            XCTAssertEqual(messages.retryDelays, delays, "\(kind)")

            let (bedrock, _) = try await run(kind, api: .bedrock)
            XCTAssertEqual(bedrock.error?.kind, .serviceUnavailable, "\(kind)")
            XCTAssertEqual(bedrock.error?.status, 503, "\(kind)")
            XCTAssertEqual(bedrock.error?.errorType, "ServiceUnavailableException", "\(kind)")
            XCTAssertEqual(bedrock.error?.exitCode, 4, "\(kind)")
            XCTAssertEqual(bedrock.retryDelays, delays, "\(kind)")
            XCTAssertEqual(bedrock.text, "")
        }
    }

    // MARK: - Before any text

    func testResetsBeforeAnyTextAreRetriedThenReportedAsConnectionErrors() async throws {
        for api in [FaultAPI.anthropic, .bedrock] {
            for kind in [FaultKind.resetBeforeHead, .resetAfterHead] {
                for stream in [true, false] {
                    let (outcome, _) = try await run(kind, api: api, stream: stream)
                    XCTAssertEqual(outcome.error?.kind, .connection, "\(api) \(kind) stream=\(stream)")
                    XCTAssertEqual(outcome.error?.exitCode, 5)
                    XCTAssertEqual(outcome.retryDelays.count, 2, "\(api) \(kind) stream=\(stream)")
                    XCTAssertEqual(outcome.text, "")
                }
            }
        }
    }

    func testAStallBeforeAnyTextIsRetriedThenReportedAsATimeout() async throws {
        for api in [FaultAPI.anthropic, .bedrock] {
            let (outcome, _) = try await run(.stallBeforeText, api: api)
            XCTAssertEqual(outcome.error?.kind, .timeout, "\(api)")
            XCTAssertEqual(outcome.error?.exitCode, 5)
            XCTAssertEqual(outcome.retryDelays.count, 2, "\(api)")
            XCTAssertEqual(outcome.text, "")
        }
    }

    func testAResetOrStallInsideAWholeBodyIsRetriedSinceNoTextWasDelivered() async throws {
        let (reset, _) = try await run(.resetMidStream, api: .anthropic, stream: false)
        XCTAssertEqual(reset.error?.kind, .connection)
        XCTAssertEqual(reset.retryDelays.count, 2)
        let (stall, _) = try await run(.stallMidStream, api: .bedrock, stream: false)
        XCTAssertEqual(stall.error?.kind, .timeout)
        XCTAssertEqual(stall.retryDelays.count, 2)
        XCTAssertEqual(stall.text, "")
    }

    // MARK: - After some text

    /// The text of the events the plan lets through before a mid-stream fault.
    private func partialText(_ plan: FaultPlan) -> String {
        answerPieces.prefix(plan.textEventsBefore).joined()
    }

    func testAResetMidStreamKeepsThePartialTextAndReportsAConnectionError() async throws {
        for api in [FaultAPI.anthropic, .bedrock] {
            let (outcome, plan) = try await run(.resetMidStream, api: api)
            XCTAssertEqual(outcome.text, partialText(plan), "\(api)")
            XCTAssertFalse(outcome.text.isEmpty)
            XCTAssertNotEqual(outcome.text, answerPieces.joined(), "the answer is longer than the planned prefix")
            XCTAssertEqual(outcome.error?.kind, .connection, "\(api)")
            XCTAssertEqual(outcome.error?.exitCode, 5)
            XCTAssertEqual(outcome.retryDelays, [], "nothing is retried once text has arrived")
        }
    }

    func testAStallMidStreamKeepsThePartialTextAndReportsATimeout() async throws {
        for api in [FaultAPI.anthropic, .bedrock] {
            let (outcome, plan) = try await run(.stallMidStream, api: api)
            XCTAssertEqual(outcome.text, partialText(plan), "\(api)")
            XCTAssertEqual(outcome.error?.kind, .timeout, "\(api)")
            XCTAssertEqual(outcome.error?.exitCode, 5)
            XCTAssertEqual(outcome.retryDelays, [])
        }
    }

    func testAnErrorEventMidStreamKeepsThePartialTextAndReportsTheOverload() async throws {
        let (anthropic, plan) = try await run(.errorEvent, api: .anthropic)
        XCTAssertEqual(anthropic.text, partialText(plan))
        XCTAssertEqual(anthropic.error?.kind, .overloaded)
        XCTAssertEqual(anthropic.error?.status, 200)
        XCTAssertEqual(anthropic.error?.errorType, "overloaded_error")
        XCTAssertEqual(anthropic.error?.exitCode, 4)
        XCTAssertEqual(anthropic.retryDelays, [])

        let (bedrock, bedrockPlan) = try await run(.errorEvent, api: .bedrock)
        XCTAssertEqual(bedrock.text, partialText(bedrockPlan))
        XCTAssertEqual(bedrock.error?.kind, .rateLimit)
        XCTAssertEqual(bedrock.error?.errorType, "throttlingException")
        XCTAssertEqual(bedrock.error?.exitCode, 4)
        XCTAssertEqual(bedrock.retryDelays, [])
    }

    func testABadCRCMidStreamKeepsThePartialTextAndReportsAMalformedResponse() async throws {
        let (outcome, plan) = try await run(.badCRC, api: .bedrock)
        XCTAssertEqual(outcome.text, partialText(plan))
        XCTAssertFalse(outcome.text.isEmpty)
        XCTAssertEqual(outcome.error?.kind, .malformedResponse)
        XCTAssertEqual(outcome.error?.exitCode, 6)
        XCTAssertEqual(outcome.retryDelays, [])
    }

    // MARK: - The log

    func testEveryAttemptIsLoggedWithItsFaultAndNoSecret() async throws {
        let lines = LockedLines()
        let (port, _) = try startServer(.rateLimited, api: .anthropic, stream: true, log: { lines.append($0) })
        let request = CompletionRequest(prompt: prompt, settings: SamplingSettings(maxTokensToSample: 5, temperature: 0))
        do {
            _ = try await client(api: .anthropic, port: port).create(request)
            XCTFail("a rate limit on every attempt cannot succeed")
        } catch {
            XCTAssertEqual(error.kind, .rateLimit)
        }
        XCTAssertEqual(lines.all.count, 3, "one line per attempt")
        for (index, line) in lines.all.enumerated() {
            XCTAssertTrue(line.hasPrefix("fault seq=\(index + 1) api=anthropic stream=false kind=rate-limit at=- request=req_"),
                          line)
            XCTAssertFalse(line.contains("test-key"), line)
        }
    }
}
