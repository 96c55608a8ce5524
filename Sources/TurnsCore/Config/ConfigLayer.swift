/// Which backend answers.
public enum BackendKind: String, Sendable, CaseIterable {
    /// The offline local model, served in-process over loopback HTTP.
    case local
    /// Anthropic's API.
    case anthropic
    /// Claude on Amazon Bedrock.
    case bedrock

    /// The models the settings panel offers for this backend (any other name can still be typed).
    public var knownModels: [String] {
        switch self {
        case .local: return ["turns-local"]
        case .anthropic: return ["claude-sonnet-4-5", "claude-opus-4-5", "claude-haiku-4-5", "claude-2.1"]
        case .bedrock: return ["anthropic.claude-v2:1", "anthropic.claude-v2", "anthropic.claude-instant-v1",
                               "global.anthropic.claude-sonnet-4-5-20250929-v1:0"]
        }
    }

    /// The model used when none is configured.
    public var defaultModel: String {
        switch self {
        case .local: return "turns-local"
        case .anthropic: return "claude-sonnet-4-5"
        case .bedrock: return "global.anthropic.claude-sonnet-4-5-20250929-v1:0"
        }
    }
}

/// One layer of configuration (built-in defaults, the config file, the environment, or the command line).
/// A nil field means "this layer says nothing"; upper layers override lower ones field by field.
public struct ConfigLayer: Sendable, Equatable {
    /// The backend.
    public var backend: BackendKind?
    /// The model name or id.
    public var model: String?
    /// Which Anthropic API carries the conversation.
    public var api: APIChoice?
    /// `max_tokens_to_sample`.
    public var maxTokens: Int?
    /// `temperature`.
    public var temperature: Double?
    /// `top_k`.
    public var topK: Int?
    /// `top_p`.
    public var topP: Double?
    /// `stop_sequences`.
    public var stopSequences: [String]?
    /// The system text placed before the first Human turn.
    public var system: String?
    /// Whether answers stream (true) or arrive as one JSON response.
    public var stream: Bool?
    /// The theme name.
    public var theme: String?
    /// The Anthropic API key (from the file or the environment only, never a flag).
    public var apiKey: String?
    /// The Anthropic bearer token, sent as `Authorization: Bearer` (file or environment only, never a flag).
    public var authToken: String?
    /// The API's base URL.
    public var baseURL: String?
    /// Seconds of silence before a streaming request is abandoned.
    public var idleTimeout: Double?
    /// Retries after a failed attempt.
    public var maxRetries: Int?
    /// Pacing of the local model (0 = as fast as possible).
    public var tokensPerSecond: Double?
    /// A corpus file for the local model.
    public var corpusPath: String?
    /// The AWS region for Bedrock.
    public var region: String?
    /// The AWS profile for Bedrock.
    public var profile: String?

    /// Creates an empty layer.
    public init() {}

    /// This layer with every field that `upper` sets replaced by `upper`'s value.
    public func overlaid(by upper: ConfigLayer) -> ConfigLayer {
        var out = self
        func take<Value>(_ field: WritableKeyPath<ConfigLayer, Value?>) {
            if let value = upper[keyPath: field] { out[keyPath: field] = value }
        }
        func takeAll<each Value>(_ fields: repeat WritableKeyPath<ConfigLayer, (each Value)?>) { repeat take(each fields) }
        takeAll(\.backend, \.model, \.api, \.maxTokens, \.temperature, \.topK, \.topP, \.stopSequences, \.system, \.stream,
                \.theme, \.apiKey, \.authToken, \.baseURL, \.idleTimeout, \.maxRetries, \.tokensPerSecond, \.corpusPath,
                \.region, \.profile)
        return out
    }

    /// The layer the environment gives: `ANTHROPIC_API_KEY`, `ANTHROPIC_AUTH_TOKEN` and `ANTHROPIC_BASE_URL` (empty
    /// values ignored).
    public static func fromEnvironment(_ environment: [String: String]) -> ConfigLayer {
        var layer = ConfigLayer()
        if let key = environment["ANTHROPIC_API_KEY"], !key.isEmpty { layer.apiKey = key }
        if let token = environment["ANTHROPIC_AUTH_TOKEN"], !token.isEmpty { layer.authToken = token }
        if let url = environment["ANTHROPIC_BASE_URL"], !url.isEmpty { layer.baseURL = url }
        return layer
    }
}

/// Paths the program reads and writes, following the XDG base-directory rules.
public struct XDGPaths: Sendable, Equatable {
    /// `$XDG_CONFIG_HOME/turns` (default `~/.config/turns`).
    public var configDirectory: String
    /// `$XDG_DATA_HOME/turns` (default `~/.local/share/turns`).
    public var dataDirectory: String
    /// `$XDG_STATE_HOME/turns` (default `~/.local/state/turns`).
    public var stateDirectory: String

    /// Resolves the directories from an environment.
    public init(environment: [String: String]) {
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        func base(_ name: String, _ fallback: String) -> String {
            if let v = environment[name], v.hasPrefix("/") { return v }
            return home + "/" + fallback
        }
        configDirectory = base("XDG_CONFIG_HOME", ".config") + "/turns"
        dataDirectory = base("XDG_DATA_HOME", ".local/share") + "/turns"
        stateDirectory = base("XDG_STATE_HOME", ".local/state") + "/turns"
    }

    /// The configuration file.
    public var configFile: String { configDirectory + "/config.toml" }
}
