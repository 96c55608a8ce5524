/// The configuration in force after layering built-in defaults < config file < environment < flags.
public struct ResolvedConfiguration: Sendable, Equatable {
    /// The backend that answers.
    public var backend: BackendKind
    /// The sampling settings for the next request.
    public var settings: SamplingSettings
    /// Which API carries the conversation (`auto`: `/v1/complete` for the models that speak it, else Messages).
    public var api: APIChoice
    /// The system text, if any.
    public var system: String?
    /// Whether answers stream (default true).
    public var stream: Bool
    /// The theme name (default `dark`).
    public var theme: String
    /// The Anthropic API key (never printed).
    public var apiKey: String?
    /// The Anthropic bearer token (never printed).
    public var authToken: String?
    /// The base URL override, if any.
    public var baseURL: String?
    /// Seconds of silence before a streaming request is abandoned (default 60).
    public var idleTimeout: Double
    /// Retries after a failed attempt (default 2, as the SDK).
    public var maxRetries: Int
    /// The local model's pace in tokens per second (0 = unpaced; default 30, close to a real model's pace).
    public var tokensPerSecond: Double
    /// The local model's corpus file, if not the built-in text.
    public var corpusPath: String?
    /// The AWS region for Bedrock, if configured.
    public var region: String?
    /// The AWS profile for Bedrock, if configured.
    public var profile: String?

    /// Layers the configuration and validates the resulting settings.
    ///
    /// The backend is the one a flag or the file names; otherwise `anthropic` when an API key or token is configured,
    /// else the offline `local` model. The model defaults to the backend's own default, the rest to the defaults
    /// their properties name. For Bedrock the environment's `ANTHROPIC_BASE_URL` is not used: it names an Anthropic
    /// endpoint, not a Bedrock one.
    public static func resolve(file: ConfigLayer, environment: ConfigLayer, flags: ConfigLayer)
        throws(SettingsError) -> ResolvedConfiguration {
        var environment = environment
        if (flags.backend ?? environment.backend ?? file.backend) == .bedrock { environment.baseURL = nil }
        let merged = file.overlaid(by: environment).overlaid(by: flags)
        let backend = merged.backend ?? (merged.apiKey ?? merged.authToken != nil ? .anthropic : .local)
        let settings = SamplingSettings(
            model: merged.model ?? backend.defaultModel,
            maxTokensToSample: merged.maxTokens ?? SamplingSettings.defaultMaxTokens,
            temperature: merged.temperature, topK: merged.topK, topP: merged.topP,
            stopSequences: merged.stopSequences ?? [])
        try settings.validate()
        return ResolvedConfiguration(
            backend: backend, settings: settings, api: merged.api ?? .auto, system: merged.system.flatMap { $0.isEmpty ? nil : $0 },
            stream: merged.stream ?? true, theme: merged.theme ?? "dark", apiKey: merged.apiKey, authToken: merged.authToken,
            baseURL: merged.baseURL, idleTimeout: merged.idleTimeout ?? 60, maxRetries: merged.maxRetries ?? 2,
            tokensPerSecond: merged.tokensPerSecond ?? 30, corpusPath: merged.corpusPath, region: merged.region,
            profile: merged.profile)
    }
}
