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
    /// Whether answers stream.
    public var stream: Bool
    /// The theme name.
    public var theme: String
    /// The Anthropic API key (never printed).
    public var apiKey: String?
    /// The base URL override, if any.
    public var baseURL: String?
    /// Seconds of silence before a streaming request is abandoned.
    public var idleTimeout: Double
    /// Retries after a failed attempt.
    public var maxRetries: Int
    /// The local model's pace in tokens per second (0 = unpaced).
    public var tokensPerSecond: Double
    /// The local model's corpus file, if not the built-in text.
    public var corpusPath: String?
    /// The AWS region for Bedrock, if configured.
    public var region: String?
    /// The AWS profile for Bedrock, if configured.
    public var profile: String?

    /// The defaults for everything a layer can leave unsaid.
    public enum Defaults {
        /// Answers stream by default.
        public static let stream = true
        /// The default theme.
        public static let theme = "dark"
        /// Seconds of silence allowed while streaming.
        public static let idleTimeout = 60.0
        /// The SDK's default retry count.
        public static let maxRetries = 2
        /// About 30 tokens a second, close to a real model's pace.
        public static let tokensPerSecond = 30.0
    }

    /// Layers the configuration and validates the resulting settings.
    ///
    /// The backend is the one a flag or the file names; otherwise `anthropic` when an API key is configured,
    /// else the offline `local` model. The model defaults to the backend's own default. For Bedrock the
    /// environment's `ANTHROPIC_BASE_URL` is not used: it names an Anthropic endpoint, not a Bedrock one.
    public static func resolve(file: ConfigLayer, environment: ConfigLayer, flags: ConfigLayer)
        throws(SettingsError) -> ResolvedConfiguration {
        var environment = environment
        if (flags.backend ?? environment.backend ?? file.backend) == .bedrock { environment.baseURL = nil }
        let merged = file.overlaid(by: environment).overlaid(by: flags)
        let backend = merged.backend ?? (merged.apiKey != nil ? .anthropic : .local)
        let settings = SamplingSettings(
            model: merged.model ?? backend.defaultModel,
            maxTokensToSample: merged.maxTokens ?? SamplingSettings.defaultMaxTokens,
            temperature: merged.temperature, topK: merged.topK, topP: merged.topP,
            stopSequences: merged.stopSequences ?? [])
        try settings.validate()
        return ResolvedConfiguration(
            backend: backend, settings: settings, api: merged.api ?? .auto, system: merged.system.flatMap { $0.isEmpty ? nil : $0 },
            stream: merged.stream ?? Defaults.stream, theme: merged.theme ?? Defaults.theme,
            apiKey: merged.apiKey, baseURL: merged.baseURL,
            idleTimeout: merged.idleTimeout ?? Defaults.idleTimeout,
            maxRetries: merged.maxRetries ?? Defaults.maxRetries,
            tokensPerSecond: merged.tokensPerSecond ?? Defaults.tokensPerSecond,
            corpusPath: merged.corpusPath, region: merged.region, profile: merged.profile)
    }
}
