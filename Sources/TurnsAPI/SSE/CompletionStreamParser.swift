/// What one network read of a completion stream decoded to.
public struct CompletionStreamBatch: Sendable, Hashable {
    /// The read's completion events merged into one delta: texts concatenated, and the last non-nil
    /// `stop_reason`, `stop`, `model` and `id`. Nil when the read completed no event.
    public var delta: CompletionDelta?
    /// The failure the stream reported in this read (an `error` event or an unreadable `completion`
    /// event). Events before it are in `delta`; nothing after it is decoded.
    public var error: APIError?

    /// Creates a batch.
    public init(delta: CompletionDelta? = nil, error: APIError? = nil) {
        self.delta = delta
        self.error = error
    }

    /// Adds the events of one read to a batch, one at a time, then gives the batch.
    struct Builder {
        private var merged = CompletionDelta(text: "")
        /// The read's text, made a String once for the batch.
        private var text: [UInt8] = []
        private var events = 0
        /// What follows the text in the read's recurring completion objects (`PlainEventScan.addRecurring`).
        private var recurringTail: [UInt8] = []
        /// The failure that ends the read, if any.
        var error: APIError?

        /// Adds one completion event's object; an unreadable one ends the read with `error`.
        mutating func add(_ json: UnsafeBufferPointer<UInt8>, unreadable: String) {
            do throws(WireDecodingError) {
                try CompletionObject.add(json, to: &merged, text: &text, tail: &recurringTail)
                events += 1
            } catch {
                self.error = APIError(kind: .malformedResponse, status: 200, message: "\(unreadable): \(error.description)")
            }
        }

        /// Adds one Messages event: a text delta by `PlainEventScan`, any event by `reader`.
        mutating func add(_ json: UnsafeBufferPointer<UInt8>, messages reader: inout MessagesEventReader) {
            guard !PlainEventScan.addTextDelta(json, to: &text) else {
                events += 1
                return
            }
            switch reader.read(json) {
            case .delta(var delta):
                text.append(contentsOf: delta.text.utf8)
                delta.text = ""
                merged.append(delta)
                events += 1
            case .failure(let failure): error = failure
            case .skip: break
            }
        }

        /// The batch: the merged delta when an event was added, and the error.
        var batch: CompletionStreamBatch {
            guard events > 0 else { return CompletionStreamBatch(error: error) }
            var delta = merged
            delta.text = String(decoding: text, as: UTF8.self)
            return CompletionStreamBatch(delta: delta, error: error)
        }
    }
}

/// Decodes a `/v1/complete` or `/v1/messages` server-sent-event stream into deltas (PROTOCOL.md A.5, B.4, E.2).
///
/// `completion` events (for Messages, the events `MessagesEventReader` reads) become deltas, `ping` and unknown
/// events are ignored, an `error` event (with or without the top-level `"type": "error"`) becomes an `APIError`
/// with status 200 and the kind its `error.type` names. Feed it the response body in the pieces the network
/// gives, then call `finish()`.
public struct CompletionStreamParser: Sendable {
    private var decoder = SSEDecoder()
    /// Set for a Messages stream.
    private var messages: MessagesEventReader?
    /// An error was reported: the rest of the stream is ignored.
    private var failed = false
    /// The last `stop_reason` seen; its presence marks a complete answer.
    public private(set) var stopReason: String?

    /// Creates a parser at the start of a stream of the given API.
    public init(api: AnthropicAPI = .complete) {
        messages = api == .messages ? MessagesEventReader() : nil
    }

    /// Decodes the next bytes of the body: the events they complete, merged into one delta.
    public mutating func feed(_ bytes: [UInt8]) -> CompletionStreamBatch {
        guard !failed else { return CompletionStreamBatch() }
        var read = CompletionStreamBatch.Builder()
        var messages = self.messages
        let readsMessages = messages != nil  // asked once: asking the optional reader copied it for every event
        decoder.feed(bytes) { name, data, _, _ in
            guard read.error == nil else { return }
            if readsMessages {
                // A Messages event says what it is in its JSON `type` (the SSE name repeats it).
                read.add(data, messages: &messages!)
            } else if name.equals("completion") {
                read.add(data, unreadable: "a completion event could not be read")
            } else if name.equals("error") {
                read.error = Self.streamError(Array(data))
            }
            // `ping` and event names this client does not know are ignored, as the API asks.
        }
        self.messages = messages
        let batch = read.batch
        if let reason = batch.delta?.stopReason { stopReason = reason }
        if batch.error != nil { failed = true }
        return batch
    }

    /// Ends the stream: returns the error to report when it ended before a delta with a stop reason
    /// (and no error was reported already), or nil when the answer is complete.
    public mutating func finish() -> APIError? {
        decoder.finish()
        guard !failed else { return nil }
        guard stopReason == nil else { return nil }
        failed = true
        return APIError(kind: .connection, message: CompletionStreamParser.incompleteStreamMessage)
    }

    /// The message when a stream ends without its final delta.
    public static let incompleteStreamMessage = "the stream ended before the answer was complete"

    /// The error an `error` event's data describes, in either body form; unreadable data becomes the message.
    static func streamError(_ data: [UInt8]) -> APIError {
        let details = ErrorBody(data)
        let kind = details.type.map(APIError.kind(forErrorType:)) ?? .apiStatus
        return APIError(kind: kind, status: 200, errorType: details.type, message: details.message)
    }
}
