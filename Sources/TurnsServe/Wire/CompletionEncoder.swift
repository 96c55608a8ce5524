import Foundation
import NIOCore
import TurnsLocal

/// Writes one completion's wire form: the SSE events of a stream (PROTOCOL.md A.5) or the JSON body of a
/// non-streamed answer (A.4).
///
/// The JSON around a text event's text is encoded once per answer, so an event costs two copies and the escaping of
/// its new text.
struct CompletionEncoder: AnswerEncoding {
    /// The completion id, e.g. `compl_01…`.
    private let completionID: String
    /// The model named in every event.
    private let model: String
    /// The `request-id` header value.
    private let requestID: String
    /// Reused by every whole object of the answer.
    private let json = WireJSON.encoder()
    /// A text event up to its text, and from its text to the end.
    private let eventHead: [UInt8], eventTail: [UInt8]

    /// Creates an encoder for one completion answered as `model`.
    init(completionID: String, model: String, requestID: String) {
        self.completionID = completionID
        self.model = model
        self.requestID = requestID
        let (head, tail) = JSONEscaping.aroundCompletion(CompletionObject(id: completionID, completion: "", model: model),
                                                         with: json)
        eventHead = Array("event: completion\ndata: ".utf8) + head
        eventTail = tail + Array("\n\n".utf8)
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

    /// A `completion` event carrying new text (UTF-8) and no stop reason yet.
    func writeTextEvent(_ text: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeBytes(eventHead)
        JSONEscaping.write(text, into: &buffer)
        buffer.writeBytes(eventTail)
    }

    /// The final `completion` event: empty text, the stop reason and the matched stop sequence.
    func writeFinalEvent(_ stop: LocalStop, outputTokens: Int, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("event: completion\ndata: ")
        buffer.writeBytes(WireJSON.encode(CompletionObject(id: completionID, completion: "", model: model, stop: stop),
                                          with: json))
        buffer.writeStaticString("\n\n")
    }

    // MARK: - One JSON body

    /// JSON and the `request-id`.
    func bodyHeaders(outputTokens: Int) -> [(String, String)] {
        [("content-type", "application/json"), ("request-id", requestID)]
    }

    /// The whole body: the completion object with all the text, the stop reason and sequence.
    func body(text: String, stop: LocalStop, outputTokens: Int) -> [UInt8] {
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
