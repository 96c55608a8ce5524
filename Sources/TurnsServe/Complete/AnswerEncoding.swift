import NIOCore
import TurnsLocal

/// How one API writes a generated answer: its response headers, the events of a stream and the JSON of a
/// whole body. `CompletionResponder` does the generating, pacing and backpressure for every API and asks its
/// encoder only for bytes, so `/v1/complete` (SSE) and Bedrock (event-stream frames) answer alike.
///
/// Encoders may keep scratch buffers and clocks, so the event methods are `mutating`; a responder owns its encoder and uses it on
/// the connection's event loop only.
protocol AnswerEncoding {
    /// The headers of a streamed answer (content type, request id), besides `connection`.
    func streamHeaders() -> [(String, String)]
    /// Bytes sent right after the head of a stream, before any text (the SSE `ping`); may write nothing.
    mutating func writeStreamStart(into buffer: inout ByteBuffer)
    /// One event carrying new text (UTF-8 bytes, never empty) and no stop reason yet.
    mutating func writeTextEvent(_ text: [UInt8], into buffer: inout ByteBuffer)
    /// The last event of a stream: the stop reason and sequence, after `outputTokens` generated tokens.
    mutating func writeFinalEvent(_ stop: LocalStop, outputTokens: Int, into buffer: inout ByteBuffer)

    /// The headers of a whole JSON answer (content type, request id), besides `content-length` and `connection`.
    func bodyHeaders(outputTokens: Int) -> [(String, String)]
    /// A whole JSON answer: all of `text`, the stop reason and sequence, after `outputTokens` generated tokens.
    func body(text: String, stop: LocalStop, outputTokens: Int) -> [UInt8]
}

/// A response being written, as the connection sees it: told when the socket drains or closes.
protocol ActiveAnswer: AnyObject {
    /// Starts answering.
    func start(context: ChannelHandlerContext)
    /// The channel became writable again.
    func channelWritable(context: ChannelHandlerContext)
    /// The connection is gone: stop at once.
    func cancel()
}
