import TurnsCore
import TurnsLocal
import TurnsServe
import TurnsTestSupport
import XCTest

final class CompletionServerTests: ServerTestCase {
    private let prompt = "\n\nHuman: How do I change the temperature?\n\nAssistant:"

    /// A request body with the given fields (nil values are left out).
    private func body(prompt: String? = nil, maxTokens: TestJSON? = .number(40), stream: Bool = false,
                      extra: [(String, TestJSON)] = []) -> String {
        var pairs: [(String, TestJSON)] = [("model", .string("claude-2.1")), ("prompt", .string(prompt ?? self.prompt))]
        if let maxTokens { pairs.append(("max_tokens_to_sample", maxTokens)) }
        if !extra.contains(where: { $0.0 == "stream" }) { pairs.append(("stream", .bool(stream))) }
        pairs += extra
        return TestJSON.object(pairs).jsonText
    }

    private func expectedAnswer(maxTokens: Int = 40, temperature: Double? = 0, seed: UInt64 = 1,
                                endsAnswers: Bool = true) -> (text: String, stop: LocalStop) {
        var generation = LocalModel.shared.generate(
            prompt: prompt, parameters: SamplingSettings(maxTokensToSample: maxTokens, temperature: temperature),
            seed: seed, endsAnswers: endsAnswers)
        return generation.collect()
    }

    /// The SSE events of a body: (event name, parsed data).
    private func events(_ text: String) throws -> [(event: String, data: TestJSON)] {
        XCTAssertTrue(text.hasSuffix("\n\n"), "a stream ends with a complete event")
        return try text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.map { block in
            var name = ""
            var data = ""
            for line in block.split(separator: "\n") {
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
            }
            return (name, try TestJSON.parse(data))
        }
    }

    private func assertRequestID(_ head: RawHTTPClient.Head, file: StaticString = #filePath, line: UInt = #line) {
        let id = head.header("request-id") ?? ""
        XCTAssertTrue(id.hasPrefix("req_") && id.count == 28, "request-id \(id)", file: file, line: line)
    }

    private func assertError(_ response: RawHTTPClient.Response, status: Int, type: String, message: String,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(response.head.status, status, file: file, line: line)
        XCTAssertEqual(response.head.header("content-type"), "application/json", file: file, line: line)
        assertRequestID(response.head, file: file, line: line)
        let json = try TestJSON.parse(response.text)
        XCTAssertEqual(json["type"], .string("error"), file: file, line: line)
        XCTAssertEqual(json["error"]?["type"], .string(type), file: file, line: line)
        XCTAssertEqual(json["error"]?["message"], .string(message), file: file, line: line)
        XCTAssertEqual(json["request_id"]?.stringValue, response.head.header("request-id"), file: file, line: line)
    }

    // MARK: - Happy paths

    func testANonStreamedAnswerIsOneCompletionObject() throws {
        let port = try startServer()
        let response = try RawHTTPClient.fetch(port: port, body: body(extra: [("temperature", .number(0))]))
        XCTAssertEqual(response.head.status, 200)
        XCTAssertEqual(response.head.header("content-type"), "application/json")
        assertRequestID(response.head)
        let json = try TestJSON.parse(response.text)
        let expected = expectedAnswer()
        XCTAssertEqual(json["type"], .string("completion"))
        XCTAssertTrue(json["id"]?.stringValue?.hasPrefix("compl_") == true)
        XCTAssertEqual(json["completion"], .string(expected.text))
        XCTAssertEqual(json["stop_reason"], .string(expected.stop.reason.rawValue))
        XCTAssertEqual(json["model"], .string("claude-2.1"))
    }

    func testAStreamSendsAPingThenTextEventsThenTheStop() throws {
        let port = try startServer()
        let response = try RawHTTPClient.fetch(port: port, body: body(stream: true, extra: [("temperature", .number(0))]))
        XCTAssertEqual(response.head.status, 200)
        XCTAssertEqual(response.head.header("content-type"), "text/event-stream; charset=utf-8")
        assertRequestID(response.head)
        let all = try events(response.text)
        XCTAssertEqual(all.first?.event, "ping")
        XCTAssertEqual(all.first?.data, .object([("type", .string("ping"))]))
        let completions = all.dropFirst()
        XCTAssertTrue(completions.allSatisfy { $0.event == "completion" && $0.data["type"] == .string("completion") })
        XCTAssertTrue(completions.dropLast().allSatisfy { $0.data["stop_reason"] == .null && $0.data["completion"] != .string("") })
        let expected = expectedAnswer()
        XCTAssertEqual(completions.last?.data["completion"], .string(""))
        XCTAssertEqual(completions.last?.data["stop_reason"], .string(expected.stop.reason.rawValue))
        XCTAssertEqual(completions.last?.data["model"], .string("claude-2.1"))
        let text = completions.compactMap { $0.data["completion"]?.stringValue }.joined()
        XCTAssertEqual(text, expected.text)
    }

    func testStreamedAndNonStreamedTextsAreEqualAtTemperatureZero() throws {
        let port = try startServer(.init(tokensPerSecond: 0))  // no fixed seed: only temperature 0 makes them equal
        let stops: TestJSON = .array([.string("Enter")])
        let plain = try TestJSON.parse(RawHTTPClient.fetch(port: port, body: body(
            maxTokens: .number(200), extra: [("temperature", .number(0)), ("stop_sequences", stops)])).text)
        let streamed = try events(RawHTTPClient.fetch(port: port, body: body(
            maxTokens: .number(200), stream: true, extra: [("temperature", .number(0)), ("stop_sequences", stops)])).text)
        XCTAssertEqual(streamed.compactMap { $0.data["completion"]?.stringValue }.joined(), plain["completion"]?.stringValue)
        XCTAssertEqual(streamed.last?.data["stop_reason"], plain["stop_reason"])
        XCTAssertEqual(plain["stop_reason"], .string("stop_sequence"))
        XCTAssertEqual(plain["stop"], .string("Enter"))
        XCTAssertEqual(streamed.last?.data["stop"], .string("Enter"))
    }

    func testALongUnpacedStreamArrivesWhole() throws {
        let port = try startServer(.init(tokensPerSecond: 0, seed: 9, endsAnswers: false))
        let response = try RawHTTPClient.fetch(port: port, body: body(
            maxTokens: .number(20_000), stream: true, extra: [("temperature", .number(1))]))
        let all = try events(response.text)
        let expected = expectedAnswer(maxTokens: 20_000, temperature: 1, seed: 9, endsAnswers: false)
        XCTAssertEqual(all.compactMap { $0.data["completion"]?.stringValue }.joined(), expected.text)
        XCTAssertEqual(all.last?.data["stop_reason"], .string("max_tokens"))
    }

    func testOneConnectionServesSeveralRequests() throws {
        let port = try startServer()
        let client = try RawHTTPClient(port: port)
        defer { client.close() }
        for stream in [false, true, false] {
            try client.sendRequest(method: "POST", path: "/v1/complete", body: body(maxTokens: .number(5), stream: stream))
            XCTAssertEqual(try client.readHead().status, 200)
            XCTAssertFalse(try client.readBody().isEmpty)
        }
    }

    // MARK: - Errors

    func testThePromptMustStartWithAHumanTurn() throws {
        let port = try startServer()
        for badPrompt in ["Hello, world", "Hello, world\n\nAssistant:",
                          "\n\nAssistant: Hello, world\n\nHuman: Hello, Claude\n\nAssistant:"] {
            try assertError(RawHTTPClient.fetch(port: port, body: body(prompt: badPrompt)), status: 400,
                            type: "invalid_request_error",
                            message: "prompt must start with \"\n\nHuman:\" turn after an optional system prompt")
        }
    }

    func testThePromptMustEndWithAnAssistantTurn() throws {
        let port = try startServer()
        for badPrompt in ["\n\nHuman: Hello, Claude",
                          "\n\nHuman: Hello, Claude\n\nAssistant: Hello, world\n\nHuman: How many toes do dogs have?",
                          "\n\nHuman: Hello, Claude \nAssistant:"] {
            try assertError(RawHTTPClient.fetch(port: port, body: body(prompt: badPrompt)), status: 400,
                            type: "invalid_request_error", message: "prompt must end with \"\n\nAssistant:\" turn")
        }
    }

    func testOutOfRangeParametersAreRefusedNamingTheFieldAndTheRange() throws {
        let port = try startServer()
        let cases: [(String, String)] = [
            (body(maxTokens: .number(0)), "invalid max_tokens_to_sample 0: must be an integer >= 1"),
            (body(maxTokens: .number(2.5)), "invalid max_tokens_to_sample 2.5: must be an integer >= 1"),
            (body(maxTokens: nil), "max_tokens_to_sample: field required"),
            (body(extra: [("temperature", .number(1.5))]), "invalid temperature 1.5: must be a number from 0 to 1"),
            (body(extra: [("temperature", .string("hot"))]), "invalid temperature \"hot\": must be a number from 0 to 1"),
            (body(extra: [("top_k", .number(0))]), "invalid top_k 0: must be an integer >= 1"),
            (body(extra: [("top_p", .number(-0.1))]), "invalid top_p -0.1: must be a number from 0 to 1"),
            (body(extra: [("stop_sequences", .array([.number(1)]))]), "invalid stop_sequences 1: must be non-empty strings"),
            (body(extra: [("stop_sequences", .array([.string("")]))]), "invalid stop_sequences \"\": must be non-empty strings"),
            (body(extra: [("stop_sequences", .string("END"))]),
             "invalid stop_sequences \"END\": must be an array of non-empty strings"),
            (body(extra: [("stream", .string("yes"))]), "invalid stream \"yes\": must be true or false"),
            (#"{"prompt":"\n\nHuman: Hi\n\nAssistant:","max_tokens_to_sample":5}"#, "model: field required"),
            (#"{"model":"m","max_tokens_to_sample":5}"#, "prompt: field required"),
            ("[1, 2]", "request body must be a JSON object"),
            ("{\"model\": ", "request body is not valid JSON"),
        ]
        for (requestBody, message) in cases {
            try assertError(RawHTTPClient.fetch(port: port, body: requestBody), status: 400,
                            type: "invalid_request_error", message: message)
        }
    }

    func testNullOptionalFieldsCountAsAbsent() throws {
        let port = try startServer()
        let response = try RawHTTPClient.fetch(port: port, body: body(extra: [
            ("temperature", .null), ("top_k", .null), ("top_p", .null), ("stop_sequences", .null),
            ("metadata", .object([("user_id", .null)])),
        ]))
        XCTAssertEqual(response.head.status, 200)
    }

    func testAWrongOrMissingKeyIsRefusedWith401() throws {
        let key = "sk-test-KEY-4711"
        let port = try startServer(.init(apiKey: key, tokensPerSecond: 0))
        for headers in [[("x-api-key", "sk-wrong")], []] {
            let response = try RawHTTPClient.fetch(port: port, headers: headers, body: body())
            try assertError(response, status: 401, type: "authentication_error", message: "invalid x-api-key")
            XCTAssertFalse(response.text.contains(key))
        }
        XCTAssertEqual(try RawHTTPClient.fetch(port: port, headers: [("x-api-key", key)], body: body()).head.status, 200)
        XCTAssertEqual(try RawHTTPClient.fetch(port: port, headers: [("authorization", "Bearer \(key)")], body: body())
            .head.status, 200)
    }

    func testAnUnknownPathIs404AndAWrongMethodIs405() throws {
        let port = try startServer()
        try assertError(RawHTTPClient.fetch(port: port, path: "/v1/chat", body: body()), status: 404,
                        type: "not_found_error", message: "no such endpoint: POST /v1/chat")
        let wrongMethod = try RawHTTPClient.fetch(port: port, method: "GET", path: "/v1/complete")
        try assertError(wrongMethod, status: 405, type: "invalid_request_error",
                        message: "method GET is not allowed on /v1/complete; use POST")
        XCTAssertEqual(wrongMethod.head.header("allow"), "POST")
    }

    // MARK: - Pacing and connections

    func testAPacedStreamIsSpreadOverTime() throws {
        let port = try startServer(.init(tokensPerSecond: 20, seed: 1, endsAnswers: false))
        let client = try RawHTTPClient(port: port)
        defer { client.close() }
        try client.sendRequest(method: "POST", path: "/v1/complete", body: body(maxTokens: .number(8), stream: true))
        XCTAssertEqual(try client.readHead().status, 200)
        let clock = ContinuousClock()
        let began = clock.now
        var text = ""
        while let part = try client.readBodyPart() { text += String(decoding: part, as: UTF8.self) }
        let elapsed = clock.now - began
        // Eight tokens at 20 per second take 350 ms from the first to the last; allow a wide margin either way.
        XCTAssertGreaterThan(elapsed, .milliseconds(200))
        XCTAssertLessThan(elapsed, .seconds(5))
        XCTAssertEqual(try events(text).last?.data["stop_reason"], .string("max_tokens"))
    }

    func testAClientLeavingMidStreamDoesNotDisturbTheNextRequest() throws {
        for tokensPerSecond in [0.0, 50] {
            let port = try startServer(.init(tokensPerSecond: tokensPerSecond, seed: 1, endsAnswers: false))
            let leaving = try RawHTTPClient(port: port)
            try leaving.sendRequest(method: "POST", path: "/v1/complete",
                                    body: body(maxTokens: .number(200_000), stream: true))
            XCTAssertEqual(try leaving.readHead().status, 200)
            XCTAssertNotNil(try leaving.readBodyPart())
            leaving.close()

            let response = try RawHTTPClient.fetch(port: port, body: body(extra: [("temperature", .number(0))]))
            XCTAssertEqual(response.head.status, 200)
            XCTAssertEqual(try TestJSON.parse(response.text)["completion"], .string(expectedAnswer().text))
        }
    }

    func testStoppingTheServerEndsAStreamInProgress() throws {
        let server = CompletionServer(options: .init(tokensPerSecond: 10, endsAnswers: false))
        let port = try server.start()
        let client = try RawHTTPClient(port: port)
        defer { client.close() }
        try client.sendRequest(method: "POST", path: "/v1/complete", body: body(maxTokens: .number(1000), stream: true))
        XCTAssertEqual(try client.readHead().status, 200)
        server.stop()
        XCTAssertThrowsError(try client.readBody())  // the connection closes before the chunked body is complete
        XCTAssertNil(server.port)
    }
}
