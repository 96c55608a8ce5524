import TurnsCore

/// What one network read of a completion stream decoded to.
public struct CompletionStreamBatch: Sendable, Hashable {
    /// The completion pieces of the read merged into one: texts concatenated, and the last non-nil
    /// `stop_reason`, `stop`, `model` and `id`. Nil when the read completed no piece.
    public var piece: Completion?
    /// The failure the stream reported in this read (an `error` event or an unreadable `completion`
    /// event). Pieces before it are in `piece`; nothing after it is decoded.
    public var error: APIError?
    /// How many `completion` events were merged into `piece` (a streaming rate counts these).
    public var pieceCount: Int

    /// Creates a batch.
    public init(piece: Completion? = nil, error: APIError? = nil, pieceCount: Int? = nil) {
        self.piece = piece
        self.error = error
        self.pieceCount = pieceCount ?? (piece == nil ? 0 : 1)
    }
}

/// Decodes a `/v1/complete` server-sent-event stream into completion pieces (PROTOCOL.md A.5 and B.4).
///
/// `completion` events become pieces, `ping` and unknown events are ignored, an `error` event (with or
/// without the top-level `"type": "error"`) becomes an `APIError` with status 200 and the kind its
/// `error.type` names. Feed it the response body in the pieces the network gives, then call `finish()`.
public struct CompletionStreamParser: Sendable {
    private var decoder = SSEDecoder()
    /// Where the completion events of the current read are merged.
    private var pieces = CompletionPieces()
    /// An error was reported: the rest of the stream is ignored.
    private var failed = false
    /// The last `stop_reason` seen; its presence marks a complete answer.
    public private(set) var stopReason: String?

    /// Creates a parser at the start of a stream.
    public init() {}

    /// Decodes the next bytes of the body.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> CompletionStreamBatch {
        guard !failed else { return CompletionStreamBatch() }
        // Moved out (not copied) so the event handler can use it while the decoder is being mutated.
        var pieces = CompletionPieces()
        swap(&pieces, &self.pieces)
        defer { swap(&pieces, &self.pieces) }
        var failure: APIError?
        decoder.feed(bytes) { event in
            guard failure == nil else { return }
            if event.isNamed("completion") {
                do throws(WireDecodingError) {
                    try pieces.add(event.data)
                } catch {
                    failure = APIError(kind: .malformedResponse, status: 200,
                                       message: "a completion event could not be read: \(error.description)")
                }
            } else if event.isNamed("error") {
                failure = Self.streamError(event.data)
            }
            // `ping` and event names this client does not know are ignored, as the API asks.
        }
        let count = pieces.count
        let merged = pieces.take()
        if let reason = merged?.stopReason { stopReason = reason }
        if failure != nil { failed = true }
        return CompletionStreamBatch(piece: merged, error: failure, pieceCount: count)
    }

    /// Decodes the next bytes of the body.
    public mutating func feed(_ bytes: [UInt8]) -> CompletionStreamBatch {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// Ends the stream: returns the error to report when it ended before a piece with a stop reason
    /// (and no error was reported already), or nil when the answer is complete.
    public mutating func finish() -> APIError? {
        decoder.finish()
        guard !failed else { return nil }
        guard stopReason == nil else { return nil }
        failed = true
        return APIError(kind: .connection, message: CompletionStreamParser.incompleteStreamMessage)
    }

    /// The message when a stream ends without its final piece.
    public static let incompleteStreamMessage = "the stream ended before the answer was complete"

    /// The error an `error` event's data describes, in either body form; unreadable data becomes the message.
    static func streamError(_ data: UnsafeBufferPointer<UInt8>) -> APIError {
        let details = ErrorBody(data)
        let kind = details.type.map(APIError.kind(forErrorType:)) ?? .apiStatus
        return APIError(kind: kind, status: 200, errorType: details.type, message: details.message)
    }
}

extension Completion {
    /// Appends a later piece of the same completion: its text, and whatever it says about the end.
    mutating func append(_ next: Completion) {
        completion += next.completion
        if let value = next.stopReason { stopReason = value }
        if let value = next.stop { stop = value }
        if let value = next.model { model = value }
        if let value = next.id { id = value }
    }
}
