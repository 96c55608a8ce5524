import NIOCore
import TurnsLocal

/// Writes one completion's wire form: the SSE events of a stream (PROTOCOL.md A.5) or the JSON body of a
/// non-streamed answer (A.4).
///
/// The parts that are the same for every event (id, model) are encoded once, so an event costs two copies and the
/// escaping of its new text.
struct CompletionEncoder: AnswerEncoding {
    /// `event: completion`, then the data object up to the opening quote of `completion`.
    private let eventHead: [UInt8]
    /// From the closing quote of `completion` to the end of a non-final event.
    private let eventTail: [UInt8]
    /// `"model":"…"}` with the model name escaped once.
    private let modelField: [UInt8]
    /// The completion id, e.g. `compl_01…`.
    private let completionID: String
    /// The `request-id` header value.
    private let requestID: String

    /// Creates an encoder for one completion answered as `model`.
    init(completionID: String, model: String, requestID: String) {
        self.completionID = completionID
        self.requestID = requestID
        let idJSON = String(decoding: JSONBytes.quoted(completionID), as: UTF8.self)
        let modelJSON = String(decoding: JSONBytes.quoted(model), as: UTF8.self)
        eventHead = Array("event: completion\ndata: {\"type\":\"completion\",\"id\":\(idJSON),\"completion\":\"".utf8)
        eventTail = Array("\",\"stop_reason\":null,\"stop\":null,\"model\":\(modelJSON)}\n\n".utf8)
        modelField = Array("\"model\":\(modelJSON)}".utf8)
    }

    // MARK: - Streaming

    /// `text/event-stream`, no caching, and the `request-id`.
    func streamHeaders() -> [(String, String)] {
        [("content-type", "text/event-stream; charset=utf-8"), ("cache-control", "no-cache"), ("request-id", requestID)]
    }

    /// The `ping` event the API sends early in a stream.
    func writeStreamStart(into buffer: inout ByteBuffer) {
        Self.writePing(into: &buffer)
    }

    /// The `ping` event the API sends early in a stream.
    static func writePing(into buffer: inout ByteBuffer) {
        buffer.writeStaticString("event: ping\ndata: {\"type\":\"ping\"}\n\n")
    }

    /// A `completion` event carrying new text (UTF-8 bytes) and no stop reason yet.
    func writeTextEvent(_ text: [UInt8], into buffer: inout ByteBuffer) {
        buffer.writeBytes(eventHead)
        JSONBytes.writeEscaped(text, into: &buffer)
        buffer.writeBytes(eventTail)
    }

    /// The final `completion` event: empty text, the stop reason and the matched stop sequence.
    func writeFinalEvent(_ stop: LocalStop, outputTokens: Int, into buffer: inout ByteBuffer) {
        buffer.writeBytes(eventHead)
        buffer.writeInteger(UInt8(ascii: "\""))
        writeStopFields(stop, into: &buffer)
        buffer.writeStaticString(",")
        buffer.writeBytes(modelField)
        buffer.writeStaticString("\n\n")
    }

    // MARK: - One JSON body

    /// JSON and the `request-id`.
    func bodyHeaders(outputTokens: Int) -> [(String, String)] {
        [("content-type", "application/json"), ("request-id", requestID)]
    }

    /// The start of a non-streamed body, up to the opening quote of `completion`; the text follows with
    /// `JSONBytes.writeEscaped`, then `writeBodyEnd`.
    func writeBodyStart(into buffer: inout ByteBuffer) {
        buffer.writeStaticString("{\"id\":")
        JSONBytes.writeQuoted(completionID, into: &buffer)
        buffer.writeStaticString(",\"type\":\"completion\",\"completion\":\"")
    }

    /// The end of a non-streamed body: closes the text and adds the stop reason, stop sequence and model.
    func writeBodyEnd(_ stop: LocalStop, into buffer: inout ByteBuffer) {
        buffer.writeInteger(UInt8(ascii: "\""))
        writeStopFields(stop, into: &buffer)
        buffer.writeStaticString(",")
        buffer.writeBytes(modelField)
    }

    /// `,"stop_reason":"…","stop":…`.
    private func writeStopFields(_ stop: LocalStop, into buffer: inout ByteBuffer) {
        buffer.writeStaticString(",")
        JSONBytes.writeStopFields(stop, into: &buffer)
    }
}
