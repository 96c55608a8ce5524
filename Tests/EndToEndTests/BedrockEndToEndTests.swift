import Foundation
import TurnsAPI
import TurnsServe
import TurnsCore
import TurnsHTTP
import TurnsTestSupport
import XCTest

/// The real binary on the Bedrock backend: `turns --backend bedrock --print` and the chat against `turns serve`
/// (started here as a child process with a key pair), scripted event streams from a `LoopbackServer`, the
/// AWS credential chain with temporary `~/.aws` files, and secrets that never reach the output.
final class BedrockEndToEndTests: XCTestCase {
    private var home = ""
    private let turns = ProcessRunner.executable("turns")
    private let keyID = "AKIDE2ETEST"
    /// Recognizable, so any leak into an output is found.
    private let secret = "e2e-SECRET-LEAKCHECK-" + UUID().uuidString
    private var servers: [RunningProcess] = []

    override func setUpWithError() throws {
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: turns), "build the turns executable first")
        home = ProcessRunner.temporaryDirectory()
    }

    override func tearDown() {
        for server in servers where server.process.isRunning { server.signal(SIGTERM) }
        for server in servers { _ = server.wait(timeout: 10) }
        servers.removeAll()
        try? FileManager.default.removeItem(atPath: home)
    }

    // MARK: - Helpers

    /// Starts `turns serve` with `arguments` and returns its base URL once it listens.
    private func startServe(_ arguments: [String]) throws -> (process: RunningProcess, baseURL: String) {
        let process = try ProcessRunner.start(turns, ["serve", "--port", "0", "--tokens-per-second", "0"] + arguments,
                                              environment: ProcessRunner.isolatedEnvironment(home: home))
        servers.append(process)
        XCTAssertTrue(process.waitForOutput(containing: "\n", timeout: 30), "turns serve did not start")
        let line = process.stdoutSoFar.split(separator: "\n").first.map(String.init) ?? ""
        XCTAssertTrue(line.hasPrefix("listening on http://127.0.0.1:"), line)
        return (process, String(line.dropFirst("listening on ".count)))
    }

    /// Starts `turns serve` that requires requests signed by the test's key pair, its secret read from a file (as
    /// a user keeps it out of the process list).
    private func startSignedServe() throws -> String {
        let file = home + "/serve-secret"
        try Data((secret + "\n").utf8).write(to: URL(fileURLWithPath: file))
        return try startServe(["--aws-access-key-id", keyID, "--aws-secret-access-key-file", file]).baseURL
    }

    /// Runs `turns` with `arguments` in an isolated environment plus `env`, and checks no secret leaked.
    private func run(_ arguments: [String], env: [String: String] = [:], timeout: Double = 30) throws -> ProcessRunner.Result {
        let result = try ProcessRunner.run(turns, arguments, environment: ProcessRunner.isolatedEnvironment(home: home, env),
                                           timeout: timeout)
        XCTAssertFalse(result.output.contains(secret), "the secret leaked: \(result.output)")
        return result
    }

    /// The environment of a user with the server's keys and a region.
    private var goodEnvironment: [String: String] {
        ["AWS_ACCESS_KEY_ID": keyID, "AWS_SECRET_ACCESS_KEY": secret, "AWS_REGION": "us-east-1"]
    }

    /// `turns --print` on Bedrock, pinned to a Text Completions model unless `model` says otherwise.
    private func printBedrock(_ baseURL: String, _ extra: [String] = [], model: String = "anthropic.claude-v2:1",
                              env: [String: String]) throws -> ProcessRunner.Result {
        try run(["--backend", "bedrock", "--base-url", baseURL, "--print", "--model", model, "--temperature", "0",
                 "--max-tokens", "60"] + extra + ["Hello"], env: env)
    }

    /// Writes a file under the isolated home, creating its folder.
    private func write(_ text: String, to relativePath: String) throws {
        let path = home + "/" + relativePath
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// One event-stream frame as Bedrock sends it.
    private static func frame(_ message: EventStreamMessage) throws -> [UInt8] {
        try EventStreamEncoder.encode(message)
    }

    /// A chunked `application/vnd.amazon.eventstream` response of `frames`, one HTTP chunk each.
    private static func eventStream(_ frames: [[UInt8]]) -> LoopbackServer.Response {
        LoopbackServer.Response([.head(status: 200, headers: [
            HTTPHeader("content-type", "application/vnd.amazon.eventstream"),
            HTTPHeader("x-amzn-requestid", "11111111-2222-3333-4444-555555555555"),
            HTTPHeader("transfer-encoding", "chunked"),
        ])] + frames.map { .chunk($0) } + [.endChunks])
    }

    /// A complete scripted answer: ` ok`, then the stop.
    private static func okStream() throws -> LoopbackServer.Response {
        eventStream([try frame(BedrockServer.chunkMessage(Completion(completion: " ok"))),
                     try frame(BedrockServer.chunkMessage(Completion(completion: "", stopReason: "stop_sequence",
                                                                     stop: "\n\nHuman:")))])
    }

    /// The credential scope's region in a received request's `Authorization`.
    private static func signedRegion(_ request: LoopbackServer.ReceivedRequest) -> String? {
        guard let authorization = request.headers.value(for: "authorization"),
              let credential = authorization.split(separator: " ").first(where: { $0.hasPrefix("Credential=") }) else {
            return nil
        }
        let scope = credential.dropFirst("Credential=".count).split(separator: "/")
        return scope.count == 5 ? String(scope[2]) : nil
    }

    // MARK: - Against turns serve

    func testPrintStreamsFromTurnsServeAndMatchesTheCompletePath() throws {
        let (serve, base) = try startServe(["--aws-access-key-id", keyID, "--aws-secret-access-key", secret])
        let streamed = try printBedrock(base, ["--verbose"], env: goodEnvironment)
        XCTAssertEqual(streamed.status, 0, streamed.stderr)
        XCTAssertTrue(streamed.stderr.contains("stop_reason: stop_sequence"), streamed.stderr)
        // The same server's /v1/complete, through the anthropic backend, at temperature 0.
        let complete = try run(["--backend", "anthropic", "--base-url", base, "--print", "--temperature", "0",
                                "--max-tokens", "60", "Hello"], env: ["ANTHROPIC_API_KEY": "unused"])
        XCTAssertEqual(complete.status, 0, complete.stderr)
        XCTAssertEqual(streamed.stdout, complete.stdout)
        XCTAssertGreaterThan(streamed.stdout.count, 2)
        // Not streamed: `invoke`.
        let whole = try printBedrock(base, ["--no-stream"], env: goodEnvironment)
        XCTAssertEqual(whole.status, 0, whole.stderr)
        XCTAssertEqual(whole.stdout, complete.stdout)

        serve.signal(SIGTERM)
        let served = serve.wait(timeout: 10)
        XCTAssertEqual(served.status, 0)
        XCTAssertFalse(served.output.contains(secret), "turns serve printed the secret: \(served.output)")
    }

    func testTheServerSecretFilesMustBeReadableNotEmptyAndNotGivenTwice() throws {
        let missing = try run(["serve", "--port", "0", "--aws-access-key-id", keyID,
                               "--aws-secret-access-key-file", home + "/absent"])
        XCTAssertEqual(missing.status, 2, missing.stderr)
        XCTAssertTrue(missing.stderr.contains("cannot read --aws-secret-access-key-file \(home)/absent"), missing.stderr)
        let empty = home + "/empty"
        try Data("\n".utf8).write(to: URL(fileURLWithPath: empty))
        let blank = try run(["serve", "--port", "0", "--aws-access-key-id", keyID, "--aws-secret-access-key-file", empty])
        XCTAssertEqual(blank.status, 2, blank.stderr)
        XCTAssertTrue(blank.stderr.contains("is empty: put the secret on its first line"), blank.stderr)
        let twice = try run(["serve", "--port", "0", "--aws-access-key-id", keyID, "--aws-secret-access-key", secret,
                             "--aws-secret-access-key-file", empty])
        XCTAssertNotEqual(twice.status, 0, twice.stderr)
        XCTAssertTrue(twice.stderr.contains("not both"), twice.stderr)
        let alone = try run(["serve", "--port", "0", "--aws-secret-access-key-file", empty])
        XCTAssertNotEqual(alone.status, 0, alone.stderr)
        XCTAssertTrue(alone.stderr.contains("give both --aws-access-key-id and --aws-secret-access-key"), alone.stderr)
        // The API key's file follows the same rules.
        let noKey = try run(["serve", "--port", "0", "--api-key-file", home + "/absent"])
        XCTAssertEqual(noKey.status, 2, noKey.stderr)
        XCTAssertTrue(noKey.stderr.contains("cannot read --api-key-file \(home)/absent"), noKey.stderr)
        let blankKey = try run(["serve", "--port", "0", "--api-key-file", empty])
        XCTAssertEqual(blankKey.status, 2, blankKey.stderr)
        XCTAssertTrue(blankKey.stderr.contains("--api-key-file \(empty) is empty"), blankKey.stderr)
        let keyTwice = try run(["serve", "--port", "0", "--api-key", "k", "--api-key-file", empty])
        XCTAssertNotEqual(keyTwice.status, 0, keyTwice.stderr)
        XCTAssertTrue(keyTwice.stderr.contains("give --api-key or --api-key-file, not both"), keyTwice.stderr)
    }

    func testAWrongSecretIsRefusedAndExitsThreeWithoutShowingEitherSecret() throws {
        let base = try startSignedServe()
        let wrong = "e2e-WRONG-" + UUID().uuidString
        var env = goodEnvironment
        env["AWS_SECRET_ACCESS_KEY"] = wrong
        let result = try printBedrock(base, ["--verbose"], env: env)
        XCTAssertEqual(result.status, 3, result.stderr)
        XCTAssertEqual(result.stdout, "")
        XCTAssertTrue(result.stderr.contains("InvalidSignatureException"), result.stderr)
        XCTAssertTrue(result.stderr.contains("HTTP 403"), result.stderr)
        XCTAssertFalse(result.output.contains(wrong), result.output)
    }

    func testTheChatStreamsFromTurnsServeOverBedrock() throws {
        try XCTSkipUnless(TmuxSession.isAvailable, "tmux is not installed")
        let base = try startSignedServe()
        // The chat uses Bedrock's default model, a current one on the Messages body.
        let expected = try printBedrock(base, model: "global.anthropic.claude-sonnet-4-5-20250929-v1:0", env: goodEnvironment)
        XCTAssertEqual(expected.status, 0, expected.stderr)
        let firstWords = expected.stdout.split(separator: " ").prefix(3).joined(separator: " ")

        var env = ProcessRunner.isolatedEnvironment(home: home, goodEnvironment)
        env["LANG"] = "C.UTF-8"
        let session = try TmuxSession([turns, "--backend", "bedrock", "--base-url", base, "--temperature", "0",
                                       "--max-tokens", "60"], environment: env)
        defer { session.close() }
        XCTAssertTrue(session.waitFor("bedrock backend, model global.anthropic.claude-sonnet-4-5"), session.screenText)
        try session.type("Hello")
        try session.keys("Enter")
        XCTAssertTrue(session.waitUntil(timeout: 20) { $0.joined().contains("done: ") }, session.screenText)
        XCTAssertTrue(session.screenText.contains(firstWords), "expected \(firstWords):\n\(session.screenText)")
        XCTAssertFalse(session.screenText.contains(secret))
        try session.keys("C-d")
        XCTAssertEqual(session.waitForExit(), 0)
    }

    // MARK: - Scripted streams

    func testAThrottlingExceptionMidStreamKeepsTheTextAndExitsFour() throws {
        let server = try LoopbackServer([Self.eventStream([
            try Self.frame(BedrockServer.chunkMessage(Completion(completion: " Partial"))),
            try Self.frame(BedrockServer.chunkMessage(Completion(completion: " answer"))),
            try Self.frame(BedrockServer.exceptionMessage(type: "throttlingException",
                                                          message: "Too many requests, please wait before trying again.")),
        ])])
        defer { server.stop() }
        let result = try printBedrock(server.baseURL, env: goodEnvironment)
        XCTAssertEqual(result.status, 4, result.stderr)
        XCTAssertEqual(result.stdout, " Partial answer\n")
        XCTAssertTrue(result.stderr.contains("Too many requests, please wait before trying again."), result.stderr)
        XCTAssertEqual(server.requests.count, 1, "nothing is retried once text has streamed")

        // The request is what Bedrock expects, and signed so that the server's own verifier accepts it.
        let request = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(request.method, "POST")
        XCTAssertEqual(request.path, "/model/anthropic.claude-v2%3A1/invoke-with-response-stream")
        XCTAssertEqual(request.headers.value(for: "x-amzn-bedrock-accept"), "application/json")
        XCTAssertEqual(String(decoding: request.body, as: UTF8.self),
                       "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens_to_sample\":60,\"prompt\":\"\\n\\nHuman: Hello\\n\\nAssistant:\",\"temperature\":0}")
        let verifier = SigV4Verifier(accessKeyID: keyID, secretAccessKey: secret, region: "us-east-1")
        XCTAssertNoThrow(try verifier.verify(SigV4Request(method: request.method, target: request.path,
                                                          headers: request.headers, body: request.body),
                                             now: Date().timeIntervalSince1970))
    }

    func testAThrottlingAnswerBeforeAnyTextIsRetried() throws {
        let server = try LoopbackServer([
            .status(429, headers: [HTTPHeader("x-amzn-errortype", "ThrottlingException"),
                                   HTTPHeader("content-type", "application/json")],
                    body: "{\"message\":\"Too many requests, please wait before trying again.\"}"),
            try Self.okStream(),
        ])
        defer { server.stop() }
        let result = try printBedrock(server.baseURL, env: goodEnvironment)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertEqual(result.stdout, " ok\n")
        XCTAssertEqual(server.requests.count, 2)
    }

    // MARK: - Missing settings

    func testMissingCredentialsExitTwoNamingWhatToSet() throws {
        let noKeys = try run(["--backend", "bedrock", "--region", "us-east-1", "--print", "Hello"])
        XCTAssertEqual(noKeys.status, 2, noKeys.stderr)
        XCTAssertEqual(noKeys.stdout, "")
        for name in ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE", "AWS_BEARER_TOKEN_BEDROCK"] {
            XCTAssertTrue(noKeys.stderr.contains(name), "\(name) in \(noKeys.stderr)")
        }

        let half = try run(["--backend", "bedrock", "--print", "Hello"],
                           env: ["AWS_ACCESS_KEY_ID": keyID, "AWS_REGION": "us-east-1"])
        XCTAssertEqual(half.status, 2, half.stderr)
        XCTAssertTrue(half.stderr.contains("AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not"), half.stderr)

        let noRegion = try run(["--backend", "bedrock", "--print", "Hello"],
                               env: ["AWS_ACCESS_KEY_ID": keyID, "AWS_SECRET_ACCESS_KEY": secret])
        XCTAssertEqual(noRegion.status, 2, noRegion.stderr)
        for name in ["--region", "AWS_REGION", "AWS_DEFAULT_REGION", home + "/.aws/config"] {
            XCTAssertTrue(noRegion.stderr.contains(name), "\(name) in \(noRegion.stderr)")
        }
    }

    // MARK: - The credential chain

    func testTheDefaultProfileInTheAWSFilesIsUsed() throws {
        let base = try startSignedServe()
        try write("[default]\naws_access_key_id = \(keyID)\naws_secret_access_key = \(secret)\n", to: ".aws/credentials")
        try write("[default]\nregion = us-east-1\n", to: ".aws/config")
        let result = try printBedrock(base, env: [:])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func testANamedProfileFromAWSProfileOrTheFlagIsUsed() throws {
        let base = try startSignedServe()
        try write("[default]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = other-secret\n"
                  + "[work]\naws_access_key_id = \(keyID)\naws_secret_access_key = \(secret)\n", to: ".aws/credentials")
        try write("[profile work]\nregion = eu-west-3\n", to: ".aws/config")
        XCTAssertEqual(try printBedrock(base, env: ["AWS_PROFILE": "work"]).status, 0)
        XCTAssertEqual(try printBedrock(base, env: ["AWS_DEFAULT_PROFILE": "work"]).status, 0)
        XCTAssertEqual(try printBedrock(base, ["--profile", "work"], env: [:]).status, 0)
        // An explicit profile wins over keys in the environment, as in botocore.
        XCTAssertEqual(try printBedrock(base, ["--profile", "work"],
                                        env: ["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret"]).status, 0)
        // Without a profile the default one answers, with the wrong keys: refused.
        XCTAssertEqual(try printBedrock(base, ["--region", "us-east-1"], env: [:]).status, 3)
    }

    func testEnvironmentKeysComeBeforeTheFiles() throws {
        let base = try startSignedServe()
        try write("[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = file-secret\nregion = us-east-1\n",
                  to: ".aws/credentials")
        XCTAssertEqual(try printBedrock(base, env: ["AWS_ACCESS_KEY_ID": keyID, "AWS_SECRET_ACCESS_KEY": secret]).status, 0)
        XCTAssertEqual(try printBedrock(base, env: [:]).status, 3)
    }

    func testTheFileLocationsCanBeMovedWithTheirVariables() throws {
        let base = try startSignedServe()
        try write("[moved]\naws_access_key_id = \(keyID)\naws_secret_access_key = \(secret)\n", to: "elsewhere/creds")
        try write("[profile moved]\nregion = us-east-1\n", to: "elsewhere/conf")
        let result = try printBedrock(base, env: ["AWS_SHARED_CREDENTIALS_FILE": home + "/elsewhere/creds",
                                                  "AWS_CONFIG_FILE": home + "/elsewhere/conf", "AWS_PROFILE": "moved"])
        XCTAssertEqual(result.status, 0, result.stderr)
    }

    func testAProfileThatIsNotThereExitsTwoNamingIt() throws {
        try write("[default]\naws_access_key_id = \(keyID)\naws_secret_access_key = \(secret)\n", to: ".aws/credentials")
        let result = try run(["--backend", "bedrock", "--region", "us-east-1", "--print", "Hello"],
                             env: ["AWS_PROFILE": "nosuch"])
        XCTAssertEqual(result.status, 2, result.stderr)
        XCTAssertTrue(result.stderr.contains("the AWS profile \"nosuch\" (chosen by AWS_PROFILE)"), result.stderr)
    }

    func testTheRegionComesFromTheFlagTheEnvironmentThenTheProfile() throws {
        let server = try LoopbackServer((0..<4).map { _ in try Self.okStream() })
        defer { server.stop() }
        try write("[default]\naws_access_key_id = \(keyID)\naws_secret_access_key = \(secret)\n", to: ".aws/credentials")
        try write("[default]\nregion = ap-south-1\n", to: ".aws/config")
        let runs: [([String], [String: String], String)] = [
            ([], [:], "ap-south-1"),
            ([], ["AWS_DEFAULT_REGION": "eu-central-1"], "eu-central-1"),
            ([], ["AWS_DEFAULT_REGION": "eu-central-1", "AWS_REGION": "us-west-2"], "us-west-2"),
            (["--region", "ca-central-1"], ["AWS_REGION": "us-west-2"], "ca-central-1"),
        ]
        for (index, (flags, env, region)) in runs.enumerated() {
            let result = try printBedrock(server.baseURL, flags, env: env)
            XCTAssertEqual(result.status, 0, result.stderr)
            XCTAssertEqual(result.stdout, " ok\n")
            XCTAssertEqual(server.requests.count, index + 1)
            XCTAssertEqual(server.requests.last.flatMap(Self.signedRegion), region, "\(flags) \(env)")
        }
    }

    func testTheConfigFileCanChooseBedrockItsRegionAndProfile() throws {
        let base = try startSignedServe()
        try write("[team]\naws_access_key_id = \(keyID)\naws_secret_access_key = \(secret)\n", to: ".aws/credentials")
        try write("backend = \"bedrock\"\nregion = \"us-east-1\"\nprofile = \"team\"\nbase_url = \"\(base)\"\n",
                  to: "config/turns/config.toml")
        let result = try run(["--print", "--temperature", "0", "--max-tokens", "20", "Hello"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stdout.isEmpty)
    }

    func testTheBedrockEndpointVariableIsUsedAndTheAnthropicOneIsNot() throws {
        let base = try startSignedServe()
        var env = goodEnvironment
        env["ANTHROPIC_BEDROCK_BASE_URL"] = base
        env["ANTHROPIC_BASE_URL"] = "http://127.0.0.1:9"  // an Anthropic endpoint: never a Bedrock one
        let result = try run(["--backend", "bedrock", "--print", "--max-tokens", "20", "Hello"], env: env)
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stdout.isEmpty)
    }

    func testABedrockBearerTokenReachesAServerWithThatAPIKey() throws {
        let token = "e2e-TOKEN-" + UUID().uuidString
        let base = try startServe(["--api-key", token]).baseURL
        let result = try printBedrock(base, ["--region", "us-east-1"], env: ["AWS_BEARER_TOKEN_BEDROCK": token])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.output.contains(token))
        let refused = try printBedrock(base, ["--region", "us-east-1"], env: ["AWS_BEARER_TOKEN_BEDROCK": "wrong-token"])
        XCTAssertEqual(refused.status, 3, refused.stderr)
    }
}
