import TurnsAPI

/// A `/v1/complete` `completion` object (PROTOCOL.md A.4), or on Bedrock the model's JSON of one piece (C.5): no type,
/// id or model there, and the invocation metrics on the last chunk. `stop_reason` and `stop` are null until the end.
struct CompletionJSON: Encodable {
    var type: String?
    var id: String?
    var completion: String
    var model: String?
    var stopReason: ServeJSON.Nullable<String>
    var stop: ServeJSON.Nullable<String>
    var metrics: BedrockServer.InvocationMetrics?

    enum CodingKeys: String, CodingKey {
        case type, id, completion, model, stop, stopReason = "stop_reason", metrics = "amazon-bedrock-invocationMetrics"
    }
}

/// The API's `message` object (PROTOCOL.md E.1): one text block; `stop_reason` and `stop_sequence` null until the end.
struct MessageJSON: Encodable {
    var id: String
    var type = "message"
    var role = "assistant"
    var model: String
    var content: [TextBlock]
    var stopReason: ServeJSON.Nullable<String>
    var stopSequence: ServeJSON.Nullable<String>
    var usage: Usage

    enum CodingKeys: String, CodingKey {
        case id, type, role, model, content, usage, stopReason = "stop_reason", stopSequence = "stop_sequence"
    }

    /// A content block of text.
    struct TextBlock: Encodable {
        var text: String
        var type = "text"
    }

    /// The tokens read and written (a `message_delta` gives only the output).
    struct Usage: Encodable {
        var inputTokens: Int?
        var outputTokens: Int
        enum CodingKeys: String, CodingKey { case inputTokens = "input_tokens", outputTokens = "output_tokens" }
    }
}

/// One Messages stream event (PROTOCOL.md E.2), and the `ping` of either API: absent fields are left out.
struct StreamEvent: Encodable {
    var type: String
    var message: MessageJSON?
    var index: Int?
    var contentBlock: MessageJSON.TextBlock?
    var delta: Delta?
    var usage: MessageJSON.Usage?
    var metrics: BedrockServer.InvocationMetrics?

    enum CodingKeys: String, CodingKey {
        case type, message, index, delta, usage, contentBlock = "content_block", metrics = "amazon-bedrock-invocationMetrics"
    }

    /// A `text_delta`, or a `message_delta`'s stop reason and sequence.
    struct Delta: Encodable {
        var text: String?
        var type: String?
        var stopReason: String?
        var stopSequence: ServeJSON.Nullable<String>?
        enum CodingKeys: String, CodingKey { case text, type, stopReason = "stop_reason", stopSequence = "stop_sequence" }
    }
}

/// The models `GET /v1/models` lists: the local model alone.
struct ModelList: Encodable {
    struct Model: Encodable {
        var type = "model"
        var id: String
        var displayName = "turns offline model"
        var createdAt = "2026-01-01T00:00:00Z"
        enum CodingKeys: String, CodingKey { case type, id, displayName = "display_name", createdAt = "created_at" }
    }

    var data: [Model]
    var hasMore = false
    var firstID: String?
    var lastID: String?

    enum CodingKeys: String, CodingKey { case data, hasMore = "has_more", firstID = "first_id", lastID = "last_id" }

    /// The one-page list of `ids`.
    init(ids: [String]) {
        data = ids.map { Model(id: $0) }
        firstID = ids.first
        lastID = ids.last
    }
}
