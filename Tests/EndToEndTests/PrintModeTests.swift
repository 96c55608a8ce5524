import XCTest
import TurnsTestSupport

/// `turns --print` and friends, run as the real binary with an isolated home folder.
final class PrintModeTests: XCTestCase {
    private var home = ""
    private var env: [String: String] = [:]
    private let turns = ProcessRunner.executable("turns")

    override func setUpWithError() throws {
        home = ProcessRunner.temporaryDirectory()
        env = ProcessRunner.isolatedEnvironment(home: home)
        try XCTSkipUnless(FileManager.default.isExecutableFile(atPath: turns), "build the turns executable first")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: home)
    }

    private func turns(_ arguments: [String], stdin: String? = nil, env extra: [String: String] = [:]) throws -> ProcessRunner.Result {
        try ProcessRunner.run(turns, arguments, environment: env.merging(extra) { $1 }, stdin: stdin, timeout: 60)
    }

    func testPrintStreamsAnAnswerFromTheLocalBackendWithNoKey() throws {
        let result = try turns(["--print", "--tokens-per-second", "0", "Hello"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.hasSuffix("\n"))
        XCTAssertFalse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
        XCTAssertTrue(result.stderr.contains("offline local model"), result.stderr)
        XCTAssertTrue(result.stderr.contains("ANTHROPIC_API_KEY"), result.stderr)
    }

    func testTemperatureZeroAnswersAreIdenticalRunToRun() throws {
        let args = ["-p", "--temperature", "0", "--tokens-per-second", "0", "--max-tokens", "60", "How do I save?"]
        let first = try turns(args), second = try turns(args)
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(first.stdout, second.stdout)
    }

    func testThePromptCanComeFromStdin() throws {
        let result = try turns(["-p", "--temperature", "0", "--tokens-per-second", "0", "--max-tokens", "20"],
                               stdin: "What are themes?\n")
        XCTAssertEqual(result.status, 0, result.stderr)
        let fromArgs = try turns(["-p", "--temperature", "0", "--tokens-per-second", "0", "--max-tokens", "20",
                                  "What are themes?"])
        XCTAssertEqual(result.stdout, fromArgs.stdout)
    }

    func testVerboseReportsStopReasonRequestIDAndTimings() throws {
        let result = try turns(["-p", "--verbose", "--tokens-per-second", "0", "--max-tokens", "5", "Hi"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("stop_reason: max_tokens"), result.stderr)
        XCTAssertTrue(result.stderr.contains("request_id: req_"), result.stderr)
        XCTAssertTrue(result.stderr.contains("time to first token: "), result.stderr)
        XCTAssertTrue(result.stderr.contains("deltas/s: "), result.stderr)
    }

    func testNoStreamPrintsTheSameAnswerAsStreaming() throws {
        let args = ["-p", "--temperature", "0", "--tokens-per-second", "0", "--max-tokens", "40", "Tell me about F2"]
        let streamed = try turns(args), whole = try turns(args + ["--no-stream"])
        XCTAssertEqual(whole.status, 0, whole.stderr)
        XCTAssertEqual(streamed.stdout, whole.stdout)
    }

    func testAnInvalidSettingExitsTwoNamingFieldValueAndRange() throws {
        let result = try turns(["-p", "--temperature", "1.5", "Hi"])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "turns: invalid temperature 1.5: must be a number from 0 to 1\n")
        XCTAssertEqual(result.stdout, "")
    }

    func testAMalformedConfigFileExitsTwoWithItsLineNumber() throws {
        try FileManager.default.createDirectory(atPath: home + "/config/turns", withIntermediateDirectories: true)
        try "model = \"x\"\ntemperature = \n".write(toFile: home + "/config/turns/config.toml", atomically: true, encoding: .utf8)
        let result = try turns(["-p", "Hi"])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr, "turns: \(home)/config/turns/config.toml:2: expected a value\n")
    }

    func testARawPromptThatTheAPIWouldRefuseExitsTwo() throws {
        let result = try turns(["-p", "--raw"], stdin: "Hello, world")
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("prompt must start with"), result.stderr)
    }

    func testARawPromptWithItsOwnTurnsIsAnswered() throws {
        let result = try turns(["-p", "--raw", "--tokens-per-second", "0", "--max-tokens", "10"],
                               stdin: "Be brief.\n\nHuman: What is turns?\n\nAssistant:")
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertFalse(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }

    func testTheAnthropicBackendWithoutAKeyExplainsWhatToSet() throws {
        let result = try turns(["-p", "--backend", "anthropic", "Hi"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("ANTHROPIC_API_KEY"), result.stderr)
    }

    func testVersionAndHelpExitZero() throws {
        let version = try turns(["--version"])
        XCTAssertEqual(version.status, 0)
        XCTAssertTrue(version.stdout.hasPrefix("turns "), version.stdout)
        let help = try turns(["--help"])
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdout.contains("--print"), help.stdout)
        // Every subcommand is listed, each by what it does today.
        XCTAssertTrue(help.stdout.contains("Serve /v1/complete, /v1/messages and Bedrock on loopback"), help.stdout)
        for command in ["serve", "models", "export IN OUT", "sessions"] {
            XCTAssertTrue(help.stdout.contains("\n  \(command) "), "\(command) is missing: \(help.stdout)")
        }
    }

    func testSaveKeepsTheExchangeAsAJSONTranscriptThatExportConverts() throws {
        let path = home + "/saved/answer.json"
        let result = try turns(["-p", "--tokens-per-second", "0", "--max-tokens", "12", "--save", path, "Hello there"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let json = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(json.contains("\"format\": \"turns-transcript\""), json)
        XCTAssertTrue(json.contains("\"text\": \"Hello there\""), json)
        XCTAssertTrue(json.contains("\"stop_reason\": \"max_tokens\""), json)
        XCTAssertTrue(json.contains("\"backend\": \"local\""), json)
        // The streamed answer's timings are kept with it.
        XCTAssertFalse(json.contains("\"time_to_first_token\": null"), json)
        XCTAssertFalse(json.contains("\"tokens_per_second\": null"), json)
        XCTAssertTrue(json.contains("\"time_to_first_token\": "), json)

        let txtPath = home + "/saved/answer.txt"
        let export = try turns(["export", path, txtPath])
        XCTAssertEqual(export.status, 0, export.stderr)
        let txt = try String(contentsOfFile: txtPath, encoding: .utf8)
        let answer = result.stdout.dropFirst().dropLast()
        XCTAssertEqual(txt, "\n\nHuman: Hello there\n\nAssistant: " + answer)
    }

    func testExportReportsABadInputFileInOneLine() throws {
        try "{ not json".write(toFile: home + "/bad.json", atomically: true, encoding: .utf8)
        let result = try turns(["export", home + "/bad.json", home + "/out.md"])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("turns: \(home)/bad.json: corrupt JSON"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: home + "/out.md"))
    }

    func testOpeningTheChatWithABadTranscriptExitsTwoWithOneLine() throws {
        try Data([0x7B, 0x22, 0xFF]).write(to: URL(fileURLWithPath: home + "/bad.json"))
        let result = try turns(["--load", home + "/bad.json"])
        XCTAssertEqual(result.status, 2)
        XCTAssertEqual(result.stderr.filter { $0 == "\n" }.count, 1, result.stderr)
        XCTAssertTrue(result.stderr.hasPrefix("turns: \(home)/bad.json: "), result.stderr)
        let missing = try turns(["--resume", "no-such-session"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertEqual(missing.stderr, "turns: no session no-such-session (see turns sessions)\n")
    }

    func testAnUnknownFlagIsAUsageError() throws {
        let result = try turns(["--frobnicate"])
        XCTAssertEqual(result.status, 2)
    }
}
