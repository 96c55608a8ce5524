import Foundation
import NIOCore
import TurnsLocal

/// Writes one completion's wire form: the SSE events of a stream (PROTOCOL.md A.5) or the JSON body of a
/// non-streamed answer (A.4).
struct CompletionEncoder: AnswerEncoding {
    /// The completion id, e.g. `compl_01…`.
    private let completionID: String
    /// The model named in every event.
    private let model: String
    /// The `request-id` header value.
    private let requestID: String
    /// Reused by every event of the answer.
    private let json = WireJSON.encoder()

    /// Creates an encoder for one completion answered as `model`.
    init(completionID: String, model: String, requestID: String) {
        self.completionID = completionID
        self.model = model
        self.requestID = requestID
    }

    // MARK: - Streaming

    /// `text/event-stream`, no caching, and the `request-id`.
    func streamHeaders() -> [(String, String)] {
        [("content-type", "text/event-stream; charset=utf-8"), ("cache-control", "no-cache"), ("request-id", requestID)]
    }

    /// The `ping` event the API sends early in a stream.
    func writeStreamStart(into buffer: inout ByteBuffer) {
        buffer.writeStaticString("event: ping\ndata: {\"type\":\"ping\"}\n\n")
    }

    /// A `completion` event carrying new text and no stop reason yet.
    func writeTextEvent(_ text: String, into buffer: inout ByteBuffer) {
        writeEvent(CompletionObject(id: completionID, completion: text, model: model), into: &buffer)
    }

    /// The final `completion` event: empty text, the stop reason and the matched stop sequence.
    func writeFinalEvent(_ stop: LocalStop, outputTokens: Int, into buffer: inout ByteBuffer) {
        writeEvent(CompletionObject(id: completionID, completion: "", model: model, stop: stop), into: &buffer)
    }

    private func writeEvent(_ object: CompletionObject, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("event: completion\ndata: ")
        buffer.writeBytes(WireJSON.encode(object, with: json))
        buffer.writeStaticString("\n\n")
    }

    // MARK: - One JSON body

    /// JSON and the `request-id`.
    func bodyHeaders(outputTokens: Int) -> [(String, String)] {
        [("content-type", "application/json"), ("request-id", requestID)]
    }

    /// The whole body: the completion object with all the text, the stop reason and sequence.
    func body(text: String, stop: LocalStop) -> [UInt8] {
        WireJSON.encode(CompletionObject(id: completionID, completion: text, model: model, stop: stop), with: json)
    }
}

/// The API's `completion` object (PROTOCOL.md A.4): `stop_reason` and `stop` written as null until the end.
struct CompletionObject: Encodable {
    var type = "completion"
    var id: String
    var completion: String
    var model: String
    var stopReason: String?
    var stop: String?

    init(id: String, completion: String, model: String, stop: LocalStop? = nil) {
        self.id = id
        self.completion = completion
        self.model = model
        stopReason = stop?.reason.rawValue
        self.stop = stop?.sequence
    }

    private enum CodingKeys: String, CodingKey {
        case type, id, completion, model, stopReason = "stop_reason", stop
    }

    func encode(to encoder: any Encoder) throws {
        var fields = encoder.container(keyedBy: CodingKeys.self)
        try fields.encode(type, forKey: .type)
        try fields.encode(id, forKey: .id)
        try fields.encode(completion, forKey: .completion)
        try fields.encode(model, forKey: .model)
        try fields.encode(stopReason, forKey: .stopReason)
        try fields.encode(stop, forKey: .stop)
    }
}
