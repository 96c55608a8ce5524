/// Which Anthropic API carries a conversation: the config key `api`, the `--api` flag and `/api NAME`.
public enum APIChoice: String, Sendable, Hashable, CaseIterable, Codable {
    /// `/v1/complete` for the models that speak it (`claude-1*`, `claude-2*`, `claude-instant*`), else Messages.
    case auto
    /// Always the Text Completions API, `POST /v1/complete`.
    case complete
    /// Always the Messages API, `POST /v1/messages`.
    case messages

    /// The API a request for `model` goes to under this choice.
    public func api(forModel model: String) -> AnthropicAPI {
        switch self {
        case .complete: return .complete
        case .messages: return .messages
        case .auto: return AnthropicAPI.servesTextCompletions(model) ? .complete : .messages
        }
    }
}

/// One of the two APIs a request can use.
public enum AnthropicAPI: String, Sendable, Hashable {
    /// Text Completions, `POST /v1/complete`.
    case complete
    /// Messages, `POST /v1/messages`.
    case messages

    /// True for the model names Text Completions served: `claude-1*`, `claude-2*` and `claude-instant*`, also as
    /// Bedrock ids (`anthropic.claude-v2:1`, `anthropic.claude-instant-v1`), and the offline model `turns-local`,
    /// which was born on that API.
    public static func servesTextCompletions(_ model: String) -> Bool {
        var name = model.lowercased()
        if name.hasPrefix("anthropic.") { name.removeFirst("anthropic.".count) }
        return ["claude-1", "claude-2", "claude-instant", "claude-v1", "claude-v2", "turns-local"].contains { name.hasPrefix($0) }
    }
}
