import XCTest
import TurnsCore
import TurnsHTTP
import TurnsTestSupport

/// `turns --print` against scripted servers on loopback: retries, typed failures and their exit codes.
final class EngineFailureTests: XCTestCase {
    private var home = ""
    private let turns = ProcessRunner.executable("turns")
    private let key = "sk-ant-test-LEAKCHECK-" + UUID().uuidString

    override func setUpWithError() throws {
        home = ProcessRunner.temporaryDirectory()
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: turns), "build the turns executable first")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: home)
    }

    private func run(_ server: LoopbackServer, _ extra: [String] = [], timeout: Double = 30) throws -> ProcessRunner.Result {
        let env = ProcessRunner.isolatedEnvironment(home: home, ["ANTHROPIC_API_KEY": key])
        let result = try ProcessRunner.run(turns, ["-p", "--backend", "anthropic", "--model", "claude-2.1", "--base-url", server.baseURL] + extra + ["Hello"],
                                           environment: env, timeout: timeout)
        XCTAssertFalse(result.output.contains(key), "the API key leaked: \(result.output)")
        return result
    }

    private static func piece(_ text: String, stop: String? = nil) -> String {
        let reason = stop.map { "\"\($0)\"" } ?? "null"
        return LoopbackServer.sseEvent("completion", data:
            "{\"type\":\"completion\",\"completion\":\(TestJSON.quoted(text)),\"stop_reason\":\(reason),\"model\":\"claude-2.1\"}")
    }

    private static let overloaded = "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"

    func testA529ThenA200IsRetriedAndSucceeds() throws {
        let server = try LoopbackServer([
            .status(529, headers: [HTTPHeader("retry-after-ms", "20"), HTTPHeader("content-type", "application/json")],
                    body: Self.overloaded),
            .sse([Self.piece(" Hi"), Self.piece(" there"), Self.piece("", stop: "stop_sequence")]),
        ])
        defer { server.stop() }
        let result = try run(server, ["--verbose"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, " Hi there\n")
        XCTAssertEqual(server.requests.count, 2)
        XCTAssertTrue(result.stderr.contains("retrying in 0.0 s (attempt 1/2)"), result.stderr)
    }

    func testA401IsNotRetriedAndExitsThreeWithAClearMessage() throws {
        // The body even echoes the key, as a careless proxy might: it must still never be printed.
        let server = try LoopbackServer([
            .status(401, headers: [HTTPHeader("request-id", "req_401"), HTTPHeader("content-type", "application/json")],
                    body: "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key \(key)\"}}"),
        ])
        defer { server.stop() }
        let result = try run(server)
        XCTAssertEqual(result.status, 3, result.stderr)
        XCTAssertEqual(server.requests.count, 1)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.hasPrefix("turns: authentication failed: invalid x-api-key [redacted]"), result.stderr)
        XCTAssertTrue(result.stderr.contains("HTTP 401"), result.stderr)
        XCTAssertTrue(result.stderr.contains("request req_401"), result.stderr)
        XCTAssertTrue(result.stderr.contains("ANTHROPIC_API_KEY"), result.stderr)
    }

    func testAnErrorEventAfterTextKeepsTheTextAndExitsFour() throws {
        let server = try LoopbackServer([
            .sse([Self.piece(" Partial"), Self.piece(" answer"), LoopbackServer.sseEvent("error", data: Self.overloaded)]),
        ])
        defer { server.stop() }
        let result = try run(server)
        XCTAssertEqual(result.status, 4, result.stderr)
        XCTAssertEqual(result.stdout, " Partial answer\n")
        XCTAssertTrue(result.stderr.contains("overloaded"), result.stderr)
        XCTAssertEqual(server.requests.count, 1, "nothing is retried once text has streamed")
    }

    func testAConnectionClosedMidStreamKeepsTheTextAndExitsFive() throws {
        let server = try LoopbackServer([.sse([Self.piece(" Cut"), Self.piece(" off")], ending: [.close])])
        defer { server.stop() }
        let result = try run(server)
        XCTAssertEqual(result.status, 5, result.stderr)
        XCTAssertEqual(result.stdout, " Cut off\n")
        XCTAssertEqual(server.requests.count, 1)
    }

    func testSilencePastTheIdleTimeoutExitsFive() throws {
        let server = try LoopbackServer([.sse([Self.piece(" Waiting")], ending: [.stall])])
        defer { server.stop() }
        let result = try run(server, ["--idle-timeout", "1"])
        XCTAssertEqual(result.status, 5, result.stderr)
        XCTAssertEqual(result.stdout, " Waiting\n")
        XCTAssertTrue(result.stderr.contains("timed out"), result.stderr)
    }

    func testCtrlCCancelsTheRequestAtOnceAndExits130() throws {
        let server = try LoopbackServer([.sse([Self.piece(" Started")], ending: [.stall])])
        defer { server.stop() }
        let env = ProcessRunner.isolatedEnvironment(home: home, ["ANTHROPIC_API_KEY": key])
        let process = try ProcessRunner.start(turns, ["-p", "--backend", "anthropic", "--model", "claude-2.1", "--base-url", server.baseURL, "Hi"],
                                              environment: env)
        XCTAssertTrue(process.waitForOutput(containing: " Started", timeout: 20))
        process.signal(SIGINT)
        // The server never ends this answer: only the client's cancellation closes the connection.
        XCTAssertNotNil(server.waitForClientClose(timeout: 5), "the connection stayed open")
        let result = process.wait(timeout: 10)
        XCTAssertEqual(result.status, 130, result.stderr)
        XCTAssertEqual(result.stdout, " Started\n")
    }

    func testTheRequestCarriesTheDocumentedHeadersAndBody() throws {
        let server = try LoopbackServer([.sse([Self.piece("ok", stop: "max_tokens")])])
        defer { server.stop() }
        let result = try run(server, ["--temperature", "0.5", "--max-tokens", "7", "--stop", "\\n\\nObs:"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let request = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.path, "/v1/complete")
        XCTAssertEqual(request.headers.value(for: "x-api-key"), key)
        XCTAssertEqual(request.headers.value(for: "anthropic-version"), "2023-06-01")
        XCTAssertEqual(request.headers.value(for: "content-type"), "application/json")
        XCTAssertEqual(String(decoding: request.body, as: UTF8.self),
                       "{\"max_tokens_to_sample\":7,\"model\":\"claude-2.1\",\"prompt\":\"\\n\\nHuman: Hello\\n\\nAssistant:\","
                       + "\"stop_sequences\":[\"\\n\\nObs:\"],\"stream\":true,\"temperature\":0.5}")
    }
}
