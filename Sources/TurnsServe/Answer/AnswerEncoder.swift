import NIOCore
import TurnsAPI
import TurnsCore
import TurnsLocal

/// Writes one answer in its wire's form: `/v1/complete` (PROTOCOL.md A.4, A.5), Messages (E.1, E.2), or either on
/// Bedrock (C.5, C.6, E.4), where each event's JSON travels in a `chunk` frame. Each object is `Encodable`; a text
/// event is the bytes of its object cut once per answer around the text, with the escaped new text between.
struct AnswerEncoder {
    /// Which API's objects make the answer.
    let api: AnthropicAPI
    /// True for Bedrock: event-stream frames, `x-amzn-RequestId`, and the token counts and latencies it reports.
    let bedrock: Bool
    /// The completion or message id (`compl_…`, `msg_…`).
    let id: String
    /// The model named in the answer.
    let model: String
    /// The `request-id` (or `x-amzn-RequestId`) header value.
    let requestID: String
    /// The prompt's length in the local model's tokens.
    let inputTokens: Int
    private let received = NIODeadline.now()
    private var firstText: NIODeadline?
    /// A text event's JSON up to its text, and from its text on.
    private var textHead: [UInt8] = [], textTail: [UInt8] = []
    private var scratch: [UInt8] = []

    /// Creates an encoder for one answer as `model` to a prompt of `inputTokens` tokens.
    init(api: AnthropicAPI, bedrock: Bool = false, id: String, model: String, requestID: String, inputTokens: Int = 0) {
        self.api = api
        self.bedrock = bedrock
        self.id = id
        self.model = model
        self.requestID = requestID
        self.inputTokens = inputTokens
        // "\u{1}" is written `\u0001`; with sorted keys the text is the first string of its event.
        let template = api == .messages
            ? ServeJSON.encode(StreamEvent(type: "content_block_delta", index: 0, delta: .init(text: "\u{1}", type: "text_delta")))
            : ServeJSON.encode(completion(text: "\u{1}", stop: nil))
        let cut = template.firstRange(of: Array(#"\u0001"#.utf8))!
        textHead = Array(template[..<cut.lowerBound])
        textTail = Array(template[cut.upperBound...])
    }

    // MARK: - Streaming

    /// Server-sent events with no caching and the `request-id`, or Bedrock's event-stream headers.
    func streamHeaders() -> [(String, String)] {
        guard bedrock else {
            return [("content-type", "text/event-stream; charset=utf-8"), ("cache-control", "no-cache"), ("request-id", requestID)]
        }
        return BedrockServer.streamHeaders.map { ($0.name, $0.value) } + [("x-amzn-RequestId", requestID)]
    }

    /// What opens a stream: Messages' `message_start` and text block start, and a `ping` (none on Bedrock's Text
    /// Completions, which starts with its first chunk).
    mutating func writeStreamStart(into buffer: inout ByteBuffer) {
        if api == .messages {
            let start = message(text: nil, stop: nil, outputTokens: 0)
            write("message_start", ServeJSON.encode(StreamEvent(type: "message_start", message: start)), into: &buffer)
            write("content_block_start", ServeJSON.encode(StreamEvent(type: "content_block_start", index: 0,
                                                                      contentBlock: .init(text: ""))), into: &buffer)
        }
        if api == .messages || !bedrock { write("ping", ServeJSON.encode(StreamEvent(type: "ping")), into: &buffer) }
    }

    /// An event carrying new text (UTF-8, never empty) and no stop reason yet.
    mutating func writeTextEvent(_ text: [UInt8], into buffer: inout ByteBuffer) {
        if firstText == nil { firstText = .now() }
        scratch.removeAll(keepingCapacity: true)
        scratch += textHead
        ServeJSON.escape(text, into: &scratch)
        scratch += textTail
        write(api == .messages ? "content_block_delta" : "completion", scratch, into: &buffer)
    }

    /// The end of a stream: the stop reason and sequence after `outputTokens` tokens (Messages: the block's end,
    /// `message_delta` and `message_stop`), with Bedrock's invocation metrics.
    mutating func writeFinalEvent(_ stop: LocalStop, outputTokens: Int, into buffer: inout ByteBuffer) {
        let metrics = bedrock ? self.metrics(outputTokens: outputTokens) : nil
        guard api == .messages else {
            var final = completion(text: "", stop: stop)
            final.metrics = metrics
            return write("completion", ServeJSON.encode(final), into: &buffer)
        }
        let (reason, sequence) = Self.messagesStop(stop)
        write("content_block_stop", ServeJSON.encode(StreamEvent(type: "content_block_stop", index: 0)), into: &buffer)
        write("message_delta", ServeJSON.encode(StreamEvent(type: "message_delta",
                                                            delta: .init(stopReason: reason, stopSequence: .init(sequence)),
                                                            usage: .init(outputTokens: outputTokens))), into: &buffer)
        write("message_stop", ServeJSON.encode(StreamEvent(type: "message_stop", metrics: metrics)), into: &buffer)
    }

    /// One event: as SSE, or as a Bedrock chunk carrying its JSON.
    private func write(_ name: String, _ json: [UInt8], into buffer: inout ByteBuffer) {
        if bedrock {
            buffer.writeBytes(BedrockServer.chunkFrame(modelJSON: json))
            return
        }
        buffer.writeString("event: \(name)\ndata: ")
        buffer.writeBytes(json)
        buffer.writeStaticString("\n\n")
    }

    // MARK: - One JSON body

    /// JSON and the request id; on Bedrock also the latency and token counts it reports in headers.
    func bodyHeaders(outputTokens: Int) -> [(String, String)] {
        guard bedrock else { return [("content-type", "application/json"), ("request-id", requestID)] }
        return [("content-type", "application/json"), ("x-amzn-RequestId", requestID),
                ("X-Amzn-Bedrock-Invocation-Latency", String(Self.milliseconds(.now() - received))),
                ("X-Amzn-Bedrock-Input-Token-Count", String(inputTokens)),
                ("X-Amzn-Bedrock-Output-Token-Count", String(outputTokens))]
    }

    /// The whole answer: all of `text`, the stop reason and sequence, after `outputTokens` tokens.
    func body(text: String, stop: LocalStop, outputTokens: Int) -> [UInt8] {
        guard api == .messages else { return ServeJSON.encode(completion(text: text, stop: stop)) }
        return ServeJSON.encode(message(text: text, stop: stop, outputTokens: outputTokens))
    }

    // MARK: - The objects

    /// The Messages stop reason for the local model's: its own end of turn (writing `"\n\nHuman:"`) is `end_turn`.
    static func messagesStop(_ stop: LocalStop) -> (reason: String, sequence: String?) {
        switch stop.reason {
        case .maxTokens: return ("max_tokens", nil)
        case .stopSequence where stop.sequence == nil || stop.sequence == PromptFormat.humanMarker: return ("end_turn", nil)
        case .stopSequence: return ("stop_sequence", stop.sequence)
        }
    }

    private func completion(text: String, stop: LocalStop?) -> CompletionJSON {
        CompletionJSON(type: bedrock ? nil : "completion", id: bedrock ? nil : id, completion: text,
                       model: bedrock ? nil : model, stopReason: .init(stop?.reason.rawValue), stop: .init(stop?.sequence))
    }

    private func message(text: String?, stop: LocalStop?, outputTokens: Int) -> MessageJSON {
        let reason = stop.map(Self.messagesStop)
        return MessageJSON(id: id, model: model, content: text.map { [.init(text: $0)] } ?? [],
                           stopReason: .init(reason?.reason), stopSequence: .init(reason?.sequence),
                           usage: .init(inputTokens: inputTokens, outputTokens: outputTokens))
    }

    private func metrics(outputTokens: Int) -> BedrockServer.InvocationMetrics {
        let now = NIODeadline.now()
        return .init(inputTokenCount: inputTokens, outputTokenCount: outputTokens,
                     invocationLatency: Self.milliseconds(now - received),
                     firstByteLatency: Self.milliseconds((firstText ?? now) - received))
    }

    private static func milliseconds(_ amount: TimeAmount) -> Int {
        Int(max(0, amount.nanoseconds) / 1_000_000)
    }
}
