/// A whole Messages answer, as the SDK's `Message`: its text, why it stopped, and the tokens it used.
public struct Message: Sendable, Hashable {
    /// The server's id, e.g. `msg_01…`.
    public var id: String?
    /// The model that answered.
    public var model: String?
    /// The answer's text blocks (the client reads text blocks only, and hands their text over as one block).
    public var content: [TextBlock]
    /// Why the model stopped: `end_turn`, `max_tokens`, `stop_sequence`, `refusal`, `pause_turn`, ….
    public var stopReason: String?
    /// The stop sequence that matched, when `stopReason` is `stop_sequence`.
    public var stopSequence: String?
    /// The tokens the request used.
    public var usage: TokenUsage?

    /// Creates a message.
    public init(id: String? = nil, model: String? = nil, content: [TextBlock] = [], stopReason: String? = nil,
                stopSequence: String? = nil, usage: TokenUsage? = nil) {
        self.id = id
        self.model = model
        self.content = content
        self.stopReason = stopReason
        self.stopSequence = stopSequence
        self.usage = usage
    }
}

/// A `"text"` content block of a message.
public struct TextBlock: Sendable, Hashable {
    /// The text.
    public var text: String
    /// Creates a text block.
    public init(text: String) { self.text = text }
}

/// An event of a streamed message, as the SDK's `client.messages.stream(...)` yields them.
public enum MessageStreamEvent: Sendable, Hashable {
    /// The answer began: its id, model and input tokens, no content yet.
    case messageStart(Message)
    /// More text of the answer.
    case textDelta(String)
    /// Why the answer stopped and its final token counts.
    case messageDelta(stopReason: String?, stopSequence: String?, usage: TokenUsage?)
    /// The answer is complete.
    case messageStop
}

/// The SDK's `client.messages`: `create` and `stream` over the client's own wire, retries and timeouts.
public struct MessagesResource: Sendable {
    let client: CompletionsClient

    /// `client.messages.create(...)`: sends the messages without streaming and returns the whole answer.
    public func create(model: String, maxTokens: Int, messages: [MessageParam], system: String? = nil,
                       stopSequences: [String]? = nil, temperature: Double? = nil, topK: Int? = nil, topP: Double? = nil,
                       metadata: CompletionRequest.Metadata? = nil) async throws(APIError) -> Message {
        let completion = try await client.create(Self.request(model, maxTokens, messages, system, stopSequences,
                                                              temperature, topK, topP, metadata))
        return Message(id: completion.id, model: completion.model, content: [TextBlock(text: completion.completion)],
                       stopReason: completion.stopReason, stopSequence: completion.stop, usage: completion.usage)
    }

    /// `client.messages.stream(...)`: the answer as typed events; cancelling the iterating task cancels the request.
    public func stream(model: String, maxTokens: Int, messages: [MessageParam], system: String? = nil,
                       stopSequences: [String]? = nil, temperature: Double? = nil, topK: Int? = nil, topP: Double? = nil,
                       metadata: CompletionRequest.Metadata? = nil) -> AsyncThrowingStream<MessageStreamEvent, Error> {
        let deltas = client.stream(Self.request(model, maxTokens, messages, system, stopSequences, temperature, topK,
                                                topP, metadata))
        let (events, continuation) = AsyncThrowingStream<MessageStreamEvent, Error>.makeStream()
        let task = Task {
            do {
                var started = false
                // Each delta is one network read of the same events, merged; the first carries message_start's fields.
                for try await delta in deltas {
                    if !started { continuation.yield(.messageStart(Message(id: delta.id, model: delta.model, usage: delta.usage))) }
                    started = true
                    if !delta.text.isEmpty { continuation.yield(.textDelta(delta.text)) }
                    guard let reason = delta.stopReason else { continue }
                    continuation.yield(.messageDelta(stopReason: reason, stopSequence: delta.stop, usage: delta.usage))
                    continuation.yield(.messageStop)
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return events
    }

    /// A request that sends `messages` as they are to the Messages API.
    private static func request(_ model: String, _ maxTokens: Int, _ messages: [MessageParam], _ system: String?,
                                _ stopSequences: [String]?, _ temperature: Double?, _ topK: Int?, _ topP: Double?,
                                _ metadata: CompletionRequest.Metadata?) -> CompletionRequest {
        var request = CompletionRequest(model: model, prompt: "", maxTokensToSample: maxTokens, stopSequences: stopSequences,
                                        temperature: temperature, topK: topK, topP: topP, userID: metadata?.userID)
        request.api = .messages
        request.messages = MessagesPrompt(system: system, messages: messages)
        return request
    }
}

extension CompletionsClient {
    /// The Messages API in the SDK's shape: `client.messages.create(...)` and `client.messages.stream(...)`.
    public var messages: MessagesResource { MessagesResource(client: self) }
}
