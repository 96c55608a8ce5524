import Foundation
import TurnsHTTP
import TurnsTestSupport
import XCTest

/// `turns --print` over the Messages API, against a scripted loopback server: the request it sends and what it shows.
final class MessagesPrintTests: XCTestCase {
    private var home = ""
    private var env: [String: String] = [:]
    private let turns = ProcessRunner.executable("turns")

    override func setUpWithError() throws {
        home = ProcessRunner.temporaryDirectory()
        env = ProcessRunner.isolatedEnvironment(home: home)
        env["ANTHROPIC_API_KEY"] = "sk-ant-messages-print-test-key"
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: turns), "build the turns executable first")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: home)
    }

    /// A Messages answer streamed as the API documents it.
    private let answer: LoopbackServer.Response = .sse([
        LoopbackServer.sseEvent("message_start", data: #"{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":31,"output_tokens":1}}}"#),
        LoopbackServer.sseEvent("content_block_start", data: #"{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}"#),
        LoopbackServer.sseEvent("content_block_delta", data: #"{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" blue."}}"#),
        LoopbackServer.sseEvent("content_block_stop", data: #"{"type":"content_block_stop","index":0}"#),
        LoopbackServer.sseEvent("message_delta", data: #"{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":3}}"#),
        LoopbackServer.sseEvent("message_stop", data: #"{"type":"message_stop"}"#),
    ], headers: [HTTPHeader("request-id", "req_msg")])

    private func run(_ arguments: [String], stdin: String? = nil, server: LoopbackServer) throws -> ProcessRunner.Result {
        try ProcessRunner.run(turns, ["--print", "--backend", "anthropic", "--base-url", server.baseURL] + arguments,
                              environment: env, stdin: stdin, timeout: 60)
    }

    func testACurrentModelSendsTheMappedBodyToV1MessagesAndVerboseShowsStopReasonAndTokens() throws {
        let server = try LoopbackServer([answer])
        defer { server.stop() }
        let saved = home + "/answer.json"
        let result = try run(["--model", "claude-sonnet-4-5", "--verbose", "--max-tokens", "50", "--system", "Be brief.",
                              "--save", saved, "Name a colour."], server: server)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, " blue.\n")
        XCTAssertTrue(result.stderr.contains("api: messages (/v1/messages)\n"), result.stderr)
        XCTAssertTrue(result.stderr.contains("stop_reason: end_turn\n"), result.stderr)
        XCTAssertTrue(result.stderr.contains("tokens: 31 in, 3 out\n"), result.stderr)
        let request = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.path, "/v1/messages")
        XCTAssertEqual(request.headers.value(for: "anthropic-version"), "2023-06-01")
        XCTAssertEqual(String(decoding: request.body, as: UTF8.self),
                       #"{"max_tokens":50,"messages":[{"content":"Name a colour.","role":"user"}],"model":"claude-sonnet-4-5","stream":true,"system":"Be brief."}"#)
        // The saved answer keeps the token counts with it.
        let json = try String(contentsOfFile: saved, encoding: .utf8)
        XCTAssertTrue(json.contains("""
                    "usage": {
                      "input_tokens": 31,
                      "output_tokens": 3
                    }
            """), json)
    }

    func testARawPromptWithSystemTextTurnsAndAPrefillMapsToMessages() throws {
        let server = try LoopbackServer([answer])
        defer { server.stop() }
        let prompt = "You are terse.\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: Name a colour.\n\nAssistant: The colour is "
        let result = try run(["--raw", "--model", "claude-sonnet-4-5", "--max-tokens", "9"], stdin: prompt, server: server)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(String(decoding: try XCTUnwrap(server.requests.first).body, as: UTF8.self),
                       #"{"max_tokens":9,"messages":[{"content":"Hi","role":"user"},{"content":"Hello!","role":"assistant"},{"content":"Name a colour.","role":"user"},{"content":"The colour is","role":"assistant"}],"model":"claude-sonnet-4-5","stream":true,"system":"You are terse."}"#)
    }

    func testClaude2AndAPICompleteUseV1Complete() throws {
        let completion = LoopbackServer.Response.sse([
            LoopbackServer.sseEvent("completion", data: #"{"type":"completion","completion":" ok","stop_reason":"stop_sequence","model":"claude-2.1"}"#),
        ])
        let server = try LoopbackServer([completion, completion])
        defer { server.stop() }
        let legacy = try run(["--model", "claude-2.1", "--max-tokens", "5", "Hi"], server: server)
        let forced = try run(["--model", "claude-sonnet-4-5", "--api", "complete", "--max-tokens", "5", "Hi"], server: server)
        XCTAssertEqual(legacy.status, 0, legacy.stderr)
        XCTAssertEqual(forced.status, 0, forced.stderr)
        XCTAssertEqual(server.requests.map(\.path), ["/v1/complete", "/v1/complete"])
        XCTAssertEqual(String(decoding: server.requests[1].body, as: UTF8.self),
                       #"{"max_tokens_to_sample":5,"model":"claude-sonnet-4-5","prompt":"\n\nHuman: Hi\n\nAssistant:","stream":true}"#)
    }

    func testAModelsRefusalOfASettingIsShownWholeWithTheFlagToChange() throws {
        let server = try LoopbackServer([
            .status(400, headers: [HTTPHeader("request-id", "req_011")],
                    body: #"{"type":"error","error":{"type":"invalid_request_error","message":"`temperature` and `top_p` cannot both be specified for this model. Please use only one."},"request_id":"req_011"}"#),
        ])
        defer { server.stop() }
        let result = try run(["--model", "claude-sonnet-4-5", "--temperature", "0.5", "--top-p", "0.9", "Hi"], server: server)
        XCTAssertEqual(result.status, 6, result.stderr)
        XCTAssertEqual(result.stderr.trimmingCharacters(in: .newlines),
                       "turns: bad request: `temperature` and `top_p` cannot both be specified for this model. Please use "
                       + "only one. (HTTP 400, invalid_request_error, request req_011). This model takes only one of them: "
                       + "drop --top-p or --temperature (and top_p or temperature in the config file)")
    }

    func testAStreamCutBeforeMessageStopKeepsTheTextAndExitsFive() throws {
        var cut = answer
        cut.steps = Array(cut.steps.prefix(4)) + [.endChunks]
        let server = try LoopbackServer([cut])
        defer { server.stop() }
        let result = try run(["--model", "claude-sonnet-4-5", "Name a colour."], server: server)
        XCTAssertEqual(result.status, 5, result.stderr)
        XCTAssertEqual(result.stdout, " blue.\n")
        XCTAssertTrue(result.stderr.contains("the stream ended before the answer was complete"), result.stderr)
    }

    func testTurnsModelsListsEveryPageWithWhatTheServerSaysShownInert() throws {
        let server = try LoopbackServer([
            .status(200, body: #"{"data":[{"type":"model","id":"claude-sonnet-4-5","display_name":"Claude \u001b]0;owned\u0007Sonnet"}],"has_more":true,"last_id":"claude-sonnet-4-5"}"#),
            .status(200, body: #"{"data":[{"type":"model","id":"claude-haiku-4-5","display_name":"Claude Haiku 4.5"}],"has_more":false}"#),
        ])
        defer { server.stop() }
        let result = try ProcessRunner.run(turns, ["models", "--backend", "anthropic", "--base-url", server.baseURL],
                                           environment: env, timeout: 60)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, "claude-sonnet-4-5  Claude \\u{1b}]0;owned\\u{7}Sonnet\nclaude-haiku-4-5  Claude Haiku 4.5\n")
        XCTAssertEqual(server.requests.map(\.path), ["/v1/models?limit=1000", "/v1/models?limit=1000&after_id=claude-sonnet-4-5"])
    }
}
