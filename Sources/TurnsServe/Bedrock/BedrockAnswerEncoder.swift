import NIOCore
import TurnsAPI
import TurnsLocal

/// Writes one answer as Bedrock Runtime does (PROTOCOL.md C.5, C.6): for `invoke-with-response-stream`, a
/// `chunk` event per piece of text (`{"completion":…,"stop":null,"stop_reason":null}`) and a last chunk with
/// the stop reason, the matched stop sequence and `amazon-bedrock-invocationMetrics`; for `invoke`, one JSON
/// object `{"completion":…,"stop":…,"stop_reason":…}` with the counts and latency in `X-Amzn-Bedrock-*` headers.
struct BedrockAnswerEncoder: AnswerEncoding {
    /// The `x-amzn-RequestId` header value.
    private let requestID: String
    /// Tokens in the prompt, for the metrics.
    private let inputTokens: Int
    /// When the request was received, for the latencies.
    private let received: NIODeadline
    /// When the first text was encoded.
    private var firstText: NIODeadline?
    /// The model JSON of a text chunk up to its text, and from its text to the end.
    private let modelHead: [UInt8], modelTail: [UInt8]
    /// Scratch for one piece's model JSON, reused by every event.
    private var modelJSON = ByteBufferAllocator().buffer(capacity: 256)

    /// Creates an encoder for a request received at `received`, whose prompt has `inputTokens` tokens.
    init(requestID: String, inputTokens: Int, received: NIODeadline = .now()) {
        self.requestID = requestID
        self.inputTokens = inputTokens
        self.received = received
        (modelHead, modelTail) = JSONEscaping.aroundCompletion(ModelJSON(completion: ""), with: WireJSON.encoder())
    }

    // MARK: - Streaming

    /// `application/vnd.amazon.eventstream`, `X-Amzn-Bedrock-Content-Type` and the request id.
    func streamHeaders() -> [(String, String)] {
        BedrockServer.streamHeaders.map { ($0.name, $0.value) } + [("x-amzn-RequestId", requestID)]
    }

    /// Nothing: a Bedrock stream starts with its first chunk.
    func writeStreamStart(into buffer: inout ByteBuffer) {}

    /// A chunk carrying `text` (UTF-8).
    mutating func writeTextEvent(_ text: [UInt8], into buffer: inout ByteBuffer) {
        if firstText == nil { firstText = .now() }
        modelJSON.clear()
        modelJSON.writeBytes(modelHead)
        JSONEscaping.write(text, into: &modelJSON)
        modelJSON.writeBytes(modelTail)
        modelJSON.withUnsafeReadableBytes { ChunkFrame.write(modelJSON: $0, into: &buffer) }
    }

    /// The last chunk: no text, the stop reason and sequence, and the invocation metrics.
    mutating func writeFinalEvent(_ stop: LocalStop, outputTokens: Int, into buffer: inout ByteBuffer) {
        let now = NIODeadline.now()
        let metrics = BedrockServer.InvocationMetrics(
            inputTokenCount: inputTokens, outputTokenCount: outputTokens,
            invocationLatency: Self.milliseconds(now - received),
            firstByteLatency: Self.milliseconds((firstText ?? now) - received))
        let json = BedrockServer.completionJSON(
            Completion(completion: "", stopReason: stop.reason.rawValue, stop: stop.sequence), metrics: metrics)
        json.withUnsafeBytes { ChunkFrame.write(modelJSON: $0, into: &buffer) }
    }

    // MARK: - One JSON body

    /// JSON, the request id, and the latency and token counts Bedrock reports in headers.
    func bodyHeaders(outputTokens: Int) -> [(String, String)] {
        [("content-type", "application/json"), ("x-amzn-RequestId", requestID),
         ("X-Amzn-Bedrock-Invocation-Latency", String(Self.milliseconds(.now() - received))),
         ("X-Amzn-Bedrock-Input-Token-Count", String(inputTokens)),
         ("X-Amzn-Bedrock-Output-Token-Count", String(outputTokens))]
    }

    /// `{"completion":…,"stop":…,"stop_reason":…}`.
    func body(text: String, stop: LocalStop, outputTokens: Int) -> [UInt8] {
        BedrockServer.completionJSON(Completion(completion: text, stopReason: stop.reason.rawValue, stop: stop.sequence))
    }

    private static func milliseconds(_ amount: TimeAmount) -> Int {
        Int(max(0, amount.nanoseconds) / 1_000_000)
    }
}
