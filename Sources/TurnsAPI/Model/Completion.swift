/// A completion, or one streamed piece of one: the `completion` object of the API.
public struct Completion: Sendable, Hashable {
    /// The server's id for the completion, when it sent one.
    public var id: String?
    /// The text (for a streamed piece: the new text only).
    public var completion: String
    /// Why the model stopped: `"stop_sequence"` or `"max_tokens"`; nil until the last piece.
    public var stopReason: String?
    /// The stop sequence that matched, when the server says.
    public var stop: String?
    /// The model that answered, when the server says.
    public var model: String?

    /// Creates a completion.
    public init(id: String? = nil, completion: String, stopReason: String? = nil, stop: String? = nil, model: String? = nil) {
        self.id = id
        self.completion = completion
        self.stopReason = stopReason
        self.stop = stop
        self.model = model
    }
}

/// The documented values of `stop_reason`.
public enum StopReason {
    /// A stop sequence (the client's or the built-in `"\n\nHuman:"`) was produced.
    public static let stopSequence = "stop_sequence"
    /// `max_tokens_to_sample` (or the model's limit) was reached.
    public static let maxTokens = "max_tokens"
}
