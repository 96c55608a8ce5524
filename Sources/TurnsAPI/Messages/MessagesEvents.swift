import Foundation

/// Reads the events of a streamed Messages answer (PROTOCOL.md E.2), from SSE `data` or a Bedrock chunk's bytes,
/// into the deltas the rest of the pipeline knows: text from `text_delta`s, the model and id from `message_start`,
/// the stop reason of `message_delta` delivered at `message_stop` (only then is the answer complete), usage counts
/// as they grow. `ping`, other block and delta types (thinking, signatures, tool input) and unknown events are
/// skipped.
struct MessagesEventReader: Sendable {
    /// The stop reason and sequence `message_delta` announced, waiting for `message_stop`.
    private var stopReason: String?
    private var stopSequence: String?
    /// The usage so far (the stream's counts are cumulative: each replaces the last).
    private var usage = TokenUsage(inputTokens: nil, outputTokens: nil)
    /// True once `message_stop` arrived.
    private(set) var complete = false

    /// What one event's JSON means for the answer.
    mutating func read(_ json: UnsafeBufferPointer<UInt8>) -> StreamEventMeaning {
        guard !json.isEmpty else { return .skip }
        let event: MessagesStreamEvent
        do {
            event = try JSONDecoder().decode(MessagesStreamEvent.self, from: Data(buffer: json))
        } catch {
            return .failure(APIError(kind: .malformedResponse, status: 200,
                                     message: "a Messages stream event could not be read: \(WireDecodingError(error).description)"))
        }
        switch event.type {
        case "message_start":
            usage = usage.updated(by: event.message?.usage)
            return .delta(CompletionDelta(text: "", model: event.message?.model, id: event.message?.id, usage: usage))
        case "content_block_start":
            guard let block = event.contentBlock, block.type == "text", let text = block.text, !text.isEmpty else { return .skip }
            return .delta(CompletionDelta(text: text))
        case "content_block_delta":
            guard let delta = event.delta, delta.type == "text_delta", let text = delta.text else { return .skip }
            return .delta(CompletionDelta(text: text))
        case "message_delta":
            stopReason = event.delta?.stopReason ?? stopReason
            stopSequence = event.delta?.stopSequence ?? stopSequence
            usage = usage.updated(by: event.usage)
            return .delta(CompletionDelta(text: "", usage: usage))
        case "message_stop":
            complete = true
            usage = usage.updated(by: event.metrics?.usage)
            // The API always says why it stopped before `message_stop`; a server that did not ended the turn.
            return .delta(CompletionDelta(text: "", stopReason: stopReason ?? "end_turn",
                                          stop: stopSequence, usage: usage))
        case "error":
            return .failure(CompletionStreamParser.streamError(Array(json)))
        default:
            return .skip
        }
    }
}

/// What one streamed event means: text and details for the answer, a failure, or nothing.
enum StreamEventMeaning {
    case delta(CompletionDelta)
    case failure(APIError)
    case skip
}

/// The fields of a Messages stream event that turns reads; every event type is one shape with optional parts.
private struct MessagesStreamEvent: Decodable {
    var type: String
    var message: MessageStart?
    var contentBlock: MessageBody.ContentBlock?
    var delta: Delta?
    var usage: TokenUsage?
    /// Bedrock's `amazon-bedrock-invocationMetrics`, on `message_stop`.
    var metrics: InvocationMetrics?

    enum CodingKeys: String, CodingKey {
        case type, message, delta, usage, contentBlock = "content_block", metrics = "amazon-bedrock-invocationMetrics"
    }

    struct MessageStart: Decodable {
        var id: String?
        var model: String?
        var usage: TokenUsage?
    }

    /// A `content_block_delta`'s delta (`type`, `text`) or a `message_delta`'s (`stop_reason`, `stop_sequence`).
    struct Delta: Decodable {
        var type: String?
        var text: String?
        var stopReason: String?
        var stopSequence: String?

        enum CodingKeys: String, CodingKey {
            case type, text, stopReason = "stop_reason", stopSequence = "stop_sequence"
        }
    }
}
