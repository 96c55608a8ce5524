import Foundation
import NIOCore
import TurnsCore
import TurnsLocal

/// Writes one Messages answer's wire form: the SSE events of a stream (PROTOCOL.md E.2), or on Bedrock the same
/// events each in a `chunk` frame (E.4), or the whole message (E.1). The text events are written from fixed bytes
/// around the escaped text, as `/v1/complete`'s are (see `JSONEscaping`).
struct MessagesEncoder: AnswerEncoding {
    /// How the events are framed: server-sent events, or Bedrock `chunk` messages (with the request id header and the
    /// invocation metrics in the last chunk).
    enum Framing {
        case sse
        case bedrock
    }

    private let framing: Framing
    /// Scratch for one Bedrock chunk's event JSON.
    private var scratch = ByteBufferAllocator().buffer(capacity: 256)
    /// The message id, e.g. `msg_01…`.
    private let messageID: String
    /// The model named in the answer.
    private let model: String
    /// The `request-id` header value.
    private let requestID: String
    /// The prompt's length in the local model's tokens.
    private let inputTokens: Int

    /// Creates an encoder for one answer as `model` to a prompt of `inputTokens` tokens.
    init(messageID: String, model: String, requestID: String, inputTokens: Int, framing: Framing = .sse) {
        self.framing = framing
        self.messageID = messageID
        self.model = model
        self.requestID = requestID
        self.inputTokens = inputTokens
    }

    // MARK: - Streaming

    /// `text/event-stream`, no caching, and the `request-id`; on Bedrock its event-stream headers.
    func streamHeaders() -> [(String, String)] {
        if framing == .bedrock { return BedrockServer.streamHeaders.map { ($0.name, $0.value) } + [("x-amzn-RequestId", requestID)] }
        return [("content-type", "text/event-stream; charset=utf-8"), ("cache-control", "no-cache"), ("request-id", requestID)]
    }

    /// `message_start`, the text block's start and a `ping`, as the API begins a stream.
    mutating func writeStreamStart(into buffer: inout ByteBuffer) {
        write("message_start", WireJSON.encode(MessageStart(message: message(text: nil, stop: nil, outputTokens: 0))),
              into: &buffer)
        write("content_block_start", Array(#"{"content_block":{"text":"","type":"text"},"index":0,"type":"content_block_start"}"#.utf8),
              into: &buffer)
        write("ping", Array(#"{"type":"ping"}"#.utf8), into: &buffer)
    }

    /// A `content_block_delta` with a `text_delta` carrying new text.
    mutating func writeTextEvent(_ text: [UInt8], into buffer: inout ByteBuffer) {
        scratch.clear()
        scratch.writeStaticString(#"{"delta":{"text":""#)
        JSONEscaping.write(text, into: &scratch)
        scratch.writeStaticString(#"","type":"text_delta"},"index":0,"type":"content_block_delta"}"#)
        if framing == .bedrock {
            scratch.withUnsafeReadableBytes { ChunkFrame.write(modelJSON: $0, into: &buffer) }
        } else {
            buffer.writeStaticString("event: content_block_delta\ndata: ")
            buffer.writeImmutableBuffer(scratch)
            buffer.writeStaticString("\n\n")
        }
    }

    /// The block's end, `message_delta` with the stop reason and the output tokens, then `message_stop` (on Bedrock
    /// with the invocation's token counts).
    mutating func writeFinalEvent(_ stop: LocalStop, outputTokens: Int, into buffer: inout ByteBuffer) {
        write("content_block_stop", Array(#"{"index":0,"type":"content_block_stop"}"#.utf8), into: &buffer)
        let (reason, sequence) = Self.stopReason(stop)
        write("message_delta", WireJSON.encode(MessageDelta(delta: .init(stopReason: reason, stopSequence: sequence),
                                                            usage: .init(outputTokens: outputTokens))), into: &buffer)
        let metrics = framing == .bedrock ? Metrics(inputTokenCount: inputTokens, outputTokenCount: outputTokens) : nil
        write("message_stop", WireJSON.encode(MessageStop(metrics: metrics)), into: &buffer)
    }

    /// One event: as SSE, or as a Bedrock chunk carrying its JSON.
    private func write(_ name: String, _ json: [UInt8], into buffer: inout ByteBuffer) {
        guard framing == .sse else { return json.withUnsafeBytes { ChunkFrame.write(modelJSON: $0, into: &buffer) } }
        buffer.writeString("event: \(name)\ndata: ")
        buffer.writeBytes(json)
        buffer.writeStaticString("\n\n")
    }

    // MARK: - One JSON body

    /// JSON and the `request-id` (on Bedrock `x-amzn-RequestId` and the token counts).
    func bodyHeaders(outputTokens: Int) -> [(String, String)] {
        guard framing == .bedrock else { return [("content-type", "application/json"), ("request-id", requestID)] }
        return [("content-type", "application/json"), ("x-amzn-RequestId", requestID),
                ("X-Amzn-Bedrock-Input-Token-Count", String(inputTokens)),
                ("X-Amzn-Bedrock-Output-Token-Count", String(outputTokens))]
    }

    /// The whole message: one text block, the stop reason and the usage.
    func body(text: String, stop: LocalStop, outputTokens: Int) -> [UInt8] {
        WireJSON.encode(message(text: text, stop: stop, outputTokens: outputTokens))
    }

    // MARK: - The JSON

    /// The Messages stop reason for the local model's: its own end of turn (writing `"\n\nHuman:"`) is `end_turn`.
    static func stopReason(_ stop: LocalStop) -> (reason: String, sequence: String?) {
        switch stop.reason {
        case .maxTokens: return ("max_tokens", nil)
        case .stopSequence where stop.sequence == nil || stop.sequence == PromptFormat.humanMarker: return ("end_turn", nil)
        case .stopSequence: return ("stop_sequence", stop.sequence)
        }
    }

    private func message(text: String?, stop: LocalStop?, outputTokens: Int) -> Message {
        let reason = stop.map(Self.stopReason)
        return Message(id: messageID, model: model, content: text.map { [.init(text: $0)] } ?? [],
                       stopReason: reason?.reason, stopSequence: reason?.sequence,
                       usage: .init(inputTokens: inputTokens, outputTokens: outputTokens))
    }

    /// The API's `message` object, `stop_reason` and `stop_sequence` written as null until the end.
    private struct Message: Encodable {
        struct Block: Encodable {
            var text: String
            var type = "text"
        }

        struct Usage: Encodable {
            var inputTokens: Int
            var outputTokens: Int
            enum CodingKeys: String, CodingKey { case inputTokens = "input_tokens", outputTokens = "output_tokens" }
        }

        var id: String
        var model: String
        var content: [Block]
        var stopReason: String?
        var stopSequence: String?
        var usage: Usage

        private enum CodingKeys: String, CodingKey {
            case id, type, role, model, content, usage, stopReason = "stop_reason", stopSequence = "stop_sequence"
        }

        func encode(to encoder: any Encoder) throws {
            var fields = encoder.container(keyedBy: CodingKeys.self)
            try fields.encode(id, forKey: .id)
            try fields.encode("message", forKey: .type)
            try fields.encode("assistant", forKey: .role)
            try fields.encode(model, forKey: .model)
            try fields.encode(content, forKey: .content)
            try fields.encode(stopReason, forKey: .stopReason)
            try fields.encode(stopSequence, forKey: .stopSequence)
            try fields.encode(usage, forKey: .usage)
        }
    }

    private struct MessageStop: Encodable {
        var type = "message_stop"
        var metrics: Metrics?
        enum CodingKeys: String, CodingKey { case type, metrics = "amazon-bedrock-invocationMetrics" }
    }

    /// Bedrock's `amazon-bedrock-invocationMetrics` (its latencies are not modelled here).
    private struct Metrics: Encodable {
        var inputTokenCount: Int
        var outputTokenCount: Int
    }

    private struct MessageStart: Encodable {
        var message: Message
        var type = "message_start"
    }

    private struct MessageDelta: Encodable {
        struct Delta: Encodable {
            var stopReason: String
            var stopSequence: String?

            private enum CodingKeys: String, CodingKey { case stopReason = "stop_reason", stopSequence = "stop_sequence" }

            func encode(to encoder: any Encoder) throws {
                var fields = encoder.container(keyedBy: CodingKeys.self)
                try fields.encode(stopReason, forKey: .stopReason)
                try fields.encode(stopSequence, forKey: .stopSequence)
            }
        }

        struct Usage: Encodable {
            var outputTokens: Int
            enum CodingKeys: String, CodingKey { case outputTokens = "output_tokens" }
        }

        var delta: Delta
        var type = "message_delta"
        var usage: Usage
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
