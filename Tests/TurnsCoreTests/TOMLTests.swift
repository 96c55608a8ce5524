import XCTest
import TurnsCore

final class TOMLTests: XCTestCase {
    func testKeysTablesAndValuesOfEveryKindAreRead() throws {
        let table = try TOMLParser.parse("""
        # a comment
        name = "turns"   # trailing comment
        count = 1_000
        ratio = 0.25
        on = true
        list = [1, 2,
          3,]
        literal = 'C:\\path'
        [colors]
        fg = { r = 1, g = 2 }
        "quoted key" = "x"
        [a.b]
        c = -3
        """)
        XCTAssertEqual(table["name"], .string("turns"))
        XCTAssertEqual(table["count"], .integer(1000))
        XCTAssertEqual(table["ratio"], .float(0.25))
        XCTAssertEqual(table["on"], .bool(true))
        XCTAssertEqual(table["list"], .array([.integer(1), .integer(2), .integer(3)]))
        XCTAssertEqual(table["literal"], .string("C:\\path"))
        guard case .table(let colors) = table["colors"] else { return XCTFail("colors is not a table") }
        XCTAssertEqual(colors["quoted key"], .string("x"))
        guard case .table(let fg) = colors["fg"] else { return XCTFail("fg is not a table") }
        XCTAssertEqual(fg["g"], .integer(2))
        guard case .table(let a) = table["a"], case .table(let b) = a["b"] else { return XCTFail("a.b missing") }
        XCTAssertEqual(b["c"], .integer(-3))
        XCTAssertEqual(table.entries.first { $0.key == "ratio" }?.line, 4)
    }

    func testStringEscapesAndMultiLineStringsAreDecoded() throws {
        let table = try TOMLParser.parse("""
        a = "tab\\there\\nline \\u00e9"
        b = \"\"\"
        first
        second\"\"\"
        c = '''
        raw \\n stays'''
        """)
        XCTAssertEqual(table["a"], .string("tab\there\nline é"))
        XCTAssertEqual(table["b"], .string("first\nsecond"))
        XCTAssertEqual(table["c"], .string("raw \\n stays"))
    }

    func testEachKindOfStringEndsWhereTOMLSays() throws {
        let table = try TOMLParser.parse(#"""
        d = """one \
              two"""
        e = """say ""hi"""""
        'quoted key' = ''
        "basic key" = "a\"b"
        f = '''it's'''
        """#)
        XCTAssertEqual(table["d"], .string("one two"))
        XCTAssertEqual(table["e"], .string(#"say ""hi"""#))
        XCTAssertEqual(table["quoted key"], .string(""))
        XCTAssertEqual(table["basic key"], .string("a\"b"))
        XCTAssertEqual(table["f"], .string("it's"))
        XCTAssertThrowsError(try TOMLParser.parse("\"\"\"k\"\"\" = 1"))
        XCTAssertThrowsError(try TOMLParser.parse("x = '''open"))
    }

    func testErrorsNameTheLine() {
        func message(_ text: String) -> String? {
            do { _ = try TOMLParser.parse(text); return nil } catch { return error.description }
        }
        XCTAssertEqual(message("a = 1\nb 2"), "line 2: expected '=' after the key")
        XCTAssertEqual(message("a = \"open"), "line 1: unterminated string")
        XCTAssertEqual(message("a = 1\na = 2"), "line 2: key \"a\" is defined twice")
        XCTAssertEqual(message("\n\nx = hello"), "line 3: invalid value hello (strings need quotes)")
        XCTAssertEqual(message("x = 12abc"), "line 1: invalid value 12abc (strings need quotes)")
        XCTAssertEqual(message("x = [1, 2"), "line 1: unterminated array")
        XCTAssertEqual(message("x = 1 y"), "line 1: unexpected text after the value")
    }
}

final class ConfigFileTests: XCTestCase {
    func testAConfigFileFillsEveryField() throws {
        let layer = try ConfigFile.parse("""
        backend = "anthropic"
        model = "claude-instant-1.2"
        max_tokens = 300
        temperature = 0
        top_k = 40
        top_p = 0.9
        stop_sequences = ["\\n\\nObservation:"]
        system = "Be brief."
        stream = false
        theme = "light"
        idle_timeout = 5
        """, path: "config.toml")
        XCTAssertEqual(layer.backend, .anthropic)
        XCTAssertEqual(layer.model, "claude-instant-1.2")
        XCTAssertEqual(layer.maxTokens, 300)
        XCTAssertEqual(layer.temperature, 0)
        XCTAssertEqual(layer.topK, 40)
        XCTAssertEqual(layer.topP, 0.9)
        XCTAssertEqual(layer.stopSequences, ["\n\nObservation:"])
        XCTAssertEqual(layer.system, "Be brief.")
        XCTAssertEqual(layer.stream, false)
        XCTAssertEqual(layer.theme, "light")
        XCTAssertEqual(layer.idleTimeout, 5)
    }

    func testAMalformedOrInvalidConfigNamesFileLineAndProblem() {
        func message(_ text: String) -> String? {
            do { _ = try ConfigFile.parse(text, path: "/c/config.toml"); return nil } catch { return error.description }
        }
        XCTAssertEqual(message("model = \"x\"\ntemperature = 1.5"),
                       "/c/config.toml:2: temperature must be a number from 0 to 1, not 1.5")
        XCTAssertEqual(message("tempurature = 0.5"), "/c/config.toml:1: unknown key \"tempurature\"")
        XCTAssertEqual(message("top_k = \"ten\""), "/c/config.toml:1: top_k must be an integer, not a string")
        XCTAssertEqual(message("backend = \"openai\""),
                       "/c/config.toml:1: backend must be one of local, anthropic, bedrock, not \"openai\"")
        XCTAssertEqual(message("\nmodel = "), "/c/config.toml:2: expected a value")
    }

    func testUpperLayersOverrideLowerOnesFieldByField() {
        var file = ConfigLayer()
        file.model = "from-file"
        file.temperature = 0.2
        file.apiKey = "file-key"
        let env = ConfigLayer.fromEnvironment(["ANTHROPIC_API_KEY": "env-key", "ANTHROPIC_BASE_URL": ""])
        var flags = ConfigLayer()
        flags.model = "from-flag"
        let merged = file.overlaid(by: env).overlaid(by: flags)
        XCTAssertEqual(merged.model, "from-flag")
        XCTAssertEqual(merged.temperature, 0.2)
        XCTAssertEqual(merged.apiKey, "env-key")
        XCTAssertNil(merged.baseURL)
    }

    func testXDGDirectoriesFollowTheEnvironmentWithHomeFallbacks() {
        let custom = XDGPaths(environment: ["HOME": "/h", "XDG_CONFIG_HOME": "/cfg", "XDG_STATE_HOME": "relative"])
        XCTAssertEqual(custom.configFile, "/cfg/turns/config.toml")
        XCTAssertEqual(custom.stateDirectory, "/h/.local/state/turns")
        XCTAssertEqual(custom.dataDirectory, "/h/.local/share/turns")
    }
}

final class ResolvedConfigurationTests: XCTestCase {
    func testWithNoKeyAndNoBackendTheLocalModelAnswers() throws {
        let config = try ResolvedConfiguration.resolve(file: ConfigLayer(), environment: ConfigLayer(), flags: ConfigLayer())
        XCTAssertEqual(config.backend, .local)
        XCTAssertEqual(config.settings.model, "turns-local")
        XCTAssertTrue(config.stream)
    }

    func testAnAPIKeyInTheEnvironmentSelectsAnthropic() throws {
        let env = ConfigLayer.fromEnvironment(["ANTHROPIC_API_KEY": "sk-test"])
        let config = try ResolvedConfiguration.resolve(file: ConfigLayer(), environment: env, flags: ConfigLayer())
        XCTAssertEqual(config.backend, .anthropic)
        XCTAssertEqual(config.settings.model, "claude-sonnet-4-5")
        XCTAssertEqual(config.api, .auto)
    }

    func testAnAuthTokenFromTheEnvironmentOrTheFileAloneSelectsAnthropic() throws {
        // Source: anthropic 0.125.0 _client.py:224 (ANTHROPIC_AUTH_TOKEN is a credential on its own).
        let env = ConfigLayer.fromEnvironment(["ANTHROPIC_AUTH_TOKEN": "tok"])
        let config = try ResolvedConfiguration.resolve(file: ConfigLayer(), environment: env, flags: ConfigLayer())
        XCTAssertEqual(config.backend, .anthropic)
        XCTAssertEqual(config.authToken, "tok")
        XCTAssertNil(config.apiKey)
        let file = try ConfigFile.parse("auth_token = \"file-tok\"\n", path: "/c/config.toml")
        XCTAssertEqual(file.authToken, "file-tok")
    }

    func testAnExplicitBackendWinsOverTheKey() throws {
        var flags = ConfigLayer()
        flags.backend = .local
        let env = ConfigLayer.fromEnvironment(["ANTHROPIC_API_KEY": "sk-test"])
        XCTAssertEqual(try ResolvedConfiguration.resolve(file: ConfigLayer(), environment: env, flags: flags).backend, .local)
    }

    func testAnInvalidFlagValueIsRejectedByName() {
        var flags = ConfigLayer()
        flags.topP = 3
        XCTAssertThrowsError(try ResolvedConfiguration.resolve(file: ConfigLayer(), environment: ConfigLayer(), flags: flags)) {
            XCTAssertEqual(($0 as? SettingsError)?.description, "invalid top_p 3: must be a number from 0 to 1")
        }
    }
}
