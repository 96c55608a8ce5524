import Foundation

/// One turn of a conversation: who spoke, what was said, and, for answers, how they came to be.
public struct Turn: Sendable, Equatable {
    /// Who speaks.
    public var role: Role
    /// The text, already neutralized (it never holds a forged turn marker).
    public var text: String
    /// When the turn was created (for answers: when the request was sent).
    public var createdAt: Date
    /// For Assistant turns: how the answer was produced and how it ended.
    public var reply: ReplyInfo?

    /// Creates a turn; `text` is neutralized so the transcript can never forge a turn.
    public init(role: Role, text: String, createdAt: Date = Date(), reply: ReplyInfo? = nil) {
        self.role = role
        self.text = PromptFormat.neutralize(text)
        self.createdAt = createdAt
        self.reply = reply
    }
}

/// How an Assistant turn was produced: the request that made it and how it ended.
public struct ReplyInfo: Sendable, Equatable {
    /// The backend that answered ("local", "anthropic", "bedrock").
    public var backend: String
    /// The model that answered (as reported by the server when it said so).
    public var model: String
    /// The exact settings the request used.
    public var settings: SamplingSettings
    /// Why the model stopped (`stop_sequence`, `max_tokens`), when it finished.
    public var stopReason: String?
    /// True when the user cancelled the answer part-way.
    public var interrupted: Bool
    /// The error that ended the answer, if any (a message a person can read).
    public var error: String?
    /// The server's `request-id`, when it sent one.
    public var requestID: String?
    /// Seconds from sending the request to the first text.
    public var timeToFirstToken: Double?
    /// Streamed pieces per second over the answer.
    public var tokensPerSecond: Double?
    /// Tokens of the prompt and of the answer, when the server counted them (the Messages API does).
    public var inputTokens: Int?, outputTokens: Int?

    /// Creates reply information.
    public init(backend: String, model: String, settings: SamplingSettings, stopReason: String? = nil,
                interrupted: Bool = false, error: String? = nil, requestID: String? = nil,
                timeToFirstToken: Double? = nil, tokensPerSecond: Double? = nil) {
        self.backend = backend
        self.model = model
        self.settings = settings
        self.stopReason = stopReason
        self.interrupted = interrupted
        self.error = error
        self.requestID = requestID
        self.timeToFirstToken = timeToFirstToken
        self.tokensPerSecond = tokensPerSecond
    }
}
