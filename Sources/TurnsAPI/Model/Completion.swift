/// A whole completion, as `create` returns it: the `completion` object of the API.
public struct Completion: Sendable, Hashable {
    /// The server's id for the completion, when it sent one.
    public var id: String?
    /// The text of the answer.
    public var completion: String
    /// Why the model stopped: `"stop_sequence"` or `"max_tokens"`.
    public var stopReason: String?
    /// The stop sequence that matched, when the server says.
    public var stop: String?
    /// The model that answered, when the server says.
    public var model: String?
    /// The tokens used, when the server counts them (the Messages API does).
    public var usage: TokenUsage?

    /// Creates a completion.
    public init(id: String? = nil, completion: String, stopReason: String? = nil, stop: String? = nil, model: String? = nil,
                usage: TokenUsage? = nil) {
        self.id = id
        self.completion = completion
        self.stopReason = stopReason
        self.stop = stop
        self.model = model
        self.usage = usage
    }
}

/// New text of a streamed completion: what one network read of the stream carried, its server events merged.
public struct CompletionDelta: Sendable, Hashable {
    /// The new text (the texts of the read's events, concatenated).
    public var text: String
    /// Why the model stopped; set on the last delta only.
    public var stopReason: String?
    /// The stop sequence that matched, when the server says.
    public var stop: String?
    /// The model that answers, when the server says.
    public var model: String?
    /// The server's id for the completion, when it sent one.
    public var id: String?
    /// The tokens used so far, when the server counts them (the Messages API does).
    public var usage: TokenUsage?

    /// Creates a delta.
    public init(text: String, stopReason: String? = nil, stop: String? = nil, model: String? = nil, id: String? = nil,
                usage: TokenUsage? = nil) {
        self.text = text
        self.stopReason = stopReason
        self.stop = stop
        self.model = model
        self.id = id
        self.usage = usage
    }

    /// Appends a later delta of the same completion: its text, and the other fields it sets.
    mutating func append(_ next: CompletionDelta) {
        text += next.text
        if let value = next.stopReason { stopReason = value }
        if let value = next.stop { stop = value }
        if let value = next.model { model = value }
        if let value = next.id { id = value }
        if let value = next.usage { usage = value }
    }
}

/// The documented values of `stop_reason`.
public enum StopReason {
    /// A stop sequence (the client's or the built-in `"\n\nHuman:"`) was produced.
    public static let stopSequence = "stop_sequence"
    /// `max_tokens_to_sample` (or the model's limit) was reached.
    public static let maxTokens = "max_tokens"
}
