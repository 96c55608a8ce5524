/// A configuration file that could not be used: where, and why.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file.
    public var path: String
    /// The 1-based line, when the problem has one.
    public var line: Int?
    /// What is wrong, in words a user can act on.
    public var reason: String

    /// Creates an error.
    public init(path: String, line: Int?, reason: String) {
        self.path = path
        self.line = line
        self.reason = reason
    }

    /// "config.toml:3: temperature must be a number from 0 to 1, not 1.5"
    public var description: String {
        if let line { return "\(path):\(line): \(reason)" }
        return "\(path): \(reason)"
    }
}

/// Reads `config.toml` into a `ConfigLayer`.
///
/// ```toml
/// backend = "anthropic"      # local | anthropic | bedrock
/// model = "claude-2.1"
/// api = "auto"               # auto | complete | messages
/// max_tokens = 1024
/// temperature = 0.7
/// top_k = 40
/// top_p = 0.9
/// stop_sequences = ["\n\nObservation:"]
/// system = "You are terse."
/// stream = true
/// theme = "dark"
/// base_url = "https://api.anthropic.com"
/// idle_timeout = 60
/// max_retries = 2
/// tokens_per_second = 30     # the local model's pace; 0 = unpaced
/// corpus = "~/notes.txt"     # the local model's training text
/// region = "us-east-1"       # Bedrock
/// profile = "work"           # Bedrock
/// ```
/// Unknown keys are errors (a typo should not be silently ignored).
public enum ConfigFile {
    /// Parses configuration text; `path` is used in error messages.
    public static func parse(_ text: String, path: String) throws(ConfigError) -> ConfigLayer {
        let table: TOMLTable
        do { table = try TOMLParser.parse(text) } catch {
            throw ConfigError(path: path, line: error.line, reason: error.reason)
        }
        var layer = ConfigLayer()
        for entry in table.entries {
            func fail(_ reason: String) -> ConfigError { ConfigError(path: path, line: entry.line, reason: reason) }
            func string() throws(ConfigError) -> String {
                guard case .string(let s) = entry.value else { throw fail("\(entry.key) must be a string, not \(entry.value.typeName)") }
                return s
            }
            func number() throws(ConfigError) -> Double {
                switch entry.value {
                case .integer(let i): return Double(i)
                case .float(let d): return d
                default: throw fail("\(entry.key) must be a number, not \(entry.value.typeName)")
                }
            }
            func integer() throws(ConfigError) -> Int {
                guard case .integer(let i) = entry.value else { throw fail("\(entry.key) must be an integer, not \(entry.value.typeName)") }
                return i
            }
            /// A sampling setting, in the range the API allows.
            func sampling(_ field: SettingsField, integer wantsInteger: Bool = false) throws(ConfigError) -> Double {
                let value = wantsInteger ? Double(try integer()) : try number()
                do { try SamplingSettings.check(field, value) } catch {
                    throw fail("\(entry.key) must be \(error.allowed), not \(error.value)")
                }
                return value
            }
            func choice<Choice: RawRepresentable<String> & CaseIterable>(_: Choice.Type) throws(ConfigError) -> Choice {
                let name = try string()
                guard let choice = Choice(rawValue: name) else {
                    let names = Choice.allCases.map(\.rawValue).joined(separator: ", ")
                    throw fail("\(entry.key) must be one of \(names), not \"\(name)\"")
                }
                return choice
            }
            switch entry.key {
            case "backend": layer.backend = try choice(BackendKind.self)
            case "model": layer.model = try string()
            case "api": layer.api = try choice(APIChoice.self)
            case "max_tokens", "max_tokens_to_sample": layer.maxTokens = Int(try sampling(.maxTokensToSample, integer: true))
            case "temperature": layer.temperature = try sampling(.temperature)
            case "top_k": layer.topK = Int(try sampling(.topK, integer: true))
            case "top_p": layer.topP = try sampling(.topP)
            case "stop_sequences":
                guard case .array(let items) = entry.value else { throw fail("stop_sequences must be an array of strings") }
                var stops: [String] = []
                for item in items {
                    guard case .string(let s) = item, !s.isEmpty else { throw fail("stop_sequences must hold non-empty strings") }
                    stops.append(s)
                }
                layer.stopSequences = stops
            case "system": layer.system = try string()
            case "stream":
                guard case .bool(let b) = entry.value else { throw fail("stream must be true or false") }
                layer.stream = b
            case "theme": layer.theme = try string()
            case "api_key": layer.apiKey = try string()
            case "auth_token": layer.authToken = try string()
            case "base_url": layer.baseURL = try string()
            case "idle_timeout":
                let v = try number()
                guard v > 0 else { throw fail("idle_timeout must be a number of seconds > 0") }
                layer.idleTimeout = v
            case "max_retries":
                let v = try integer()
                guard v >= 0 && v <= 10 else { throw fail("max_retries must be an integer from 0 to 10, not \(v)") }
                layer.maxRetries = v
            case "tokens_per_second":
                let v = try number()
                guard v >= 0 else { throw fail("tokens_per_second must be a number >= 0 (0 = unpaced)") }
                layer.tokensPerSecond = v
            case "corpus": layer.corpusPath = try string()
            case "region": layer.region = try string()
            case "profile": layer.profile = try string()
            default:
                throw fail("unknown key \"\(entry.key)\"")
            }
        }
        return layer
    }
}
