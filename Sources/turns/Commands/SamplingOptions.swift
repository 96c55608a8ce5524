import ArgumentParser
import TurnsCore

/// The flags shared by the chat and `--print`: backend, model, sampling settings and connection.
struct SamplingOptions: ParsableArguments {
    @Option(name: .long, help: "The backend: local, anthropic or bedrock.")
    var backend: BackendKind?

    @Option(name: .long, help: "The model name or id.")
    var model: String?

    @Option(name: .long, help: "The API: auto (/v1/complete for claude-1, claude-2 and claude-instant models, else Messages), complete or messages.")
    var api: APIChoice?

    @Option(name: .long, help: "Randomness, 0 to 1.")
    var temperature: Double?

    @Option(name: .customLong("top-k"), help: "Sample only from the K likeliest tokens (>= 1).")
    var topK: Int?

    @Option(name: .customLong("top-p"), help: "Nucleus sampling, 0 to 1.")
    var topP: Double?

    @Option(name: .customLong("max-tokens"), help: "The most tokens to generate (>= 1).")
    var maxTokens: Int?

    @Option(name: .customLong("stop"), help: "A stop sequence (repeatable; \\n escapes allowed).")
    var stop: [String] = []

    @Option(name: .long, help: "System text placed before the first Human turn.")
    var system: String?

    @Option(name: .customLong("base-url"), help: "The API's base URL (e.g. a private endpoint or `turns serve`).")
    var baseURL: String?

    @Option(name: .long, help: "The AWS region for --backend bedrock (else AWS_REGION, AWS_DEFAULT_REGION, the profile's).")
    var region: String?

    @Option(name: .long, help: "The AWS profile for --backend bedrock (else AWS_PROFILE, then default).")
    var profile: String?

    @Flag(name: .customLong("no-stream"), help: "Ask for one JSON response instead of a stream.")
    var noStream = false

    @Option(name: .customLong("idle-timeout"), help: "Seconds of silence before a streaming request fails (default 60).")
    var idleTimeout: Double?

    @Option(name: .customLong("tokens-per-second"), help: "The local model's pace (0 = as fast as possible).")
    var tokensPerSecond: Double?

    @Option(name: .long, help: "A text file the local model learns from instead of its built-in text.")
    var corpus: String?

    @Option(name: .long, help: "The colour theme.")
    var theme: String?

    /// The configuration layer these flags describe.
    var layer: ConfigLayer {
        var layer = ConfigLayer()
        layer.backend = backend
        layer.model = model
        layer.api = api
        layer.temperature = temperature
        layer.topK = topK
        layer.topP = topP
        layer.maxTokens = maxTokens
        layer.stopSequences = stop.isEmpty ? nil : stop.map(EscapedText.unescape)
        layer.system = system.map(EscapedText.unescape)
        layer.baseURL = baseURL
        layer.region = region
        layer.profile = profile
        layer.stream = noStream ? false : nil
        layer.idleTimeout = idleTimeout
        layer.tokensPerSecond = tokensPerSecond
        layer.corpusPath = corpus
        layer.theme = theme
        return layer
    }
}

extension APIChoice: ExpressibleByArgument {}

extension BackendKind: ExpressibleByArgument {
    /// A `--backend` value, in any case.
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}
