import Foundation

/// Decodes the event stream of `invoke-with-response-stream` into deltas (PROTOCOL.md C.6; for Messages, E.4).
///
/// `event` messages with `:event-type` `chunk` carry `{"bytes": base64}` whose bytes are the model's
/// JSON (`completion`, `stop_reason`, `stop`; metrics and unknown keys ignored); other event types are
/// skipped. `exception` and `error` messages become an `APIError` (status 200) with the server's message;
/// bytes that are not a valid event stream (a CRC failure, …) become `.malformedResponse`.
public struct BedrockStreamDecoder: Sendable {
    private var decoder = EventStreamDecoder()
    /// Set for a Messages stream: each chunk's bytes are one Messages event.
    private var messages: MessagesEventReader?
    /// An error was reported: the rest of the stream is ignored.
    private var failed = false
    /// The last `stop_reason` seen; its presence marks a complete answer.
    public private(set) var stopReason: String?

    /// Creates a decoder at the start of a stream of the given API's events.
    public init(api: AnthropicAPI = .complete) {
        messages = api == .messages ? MessagesEventReader() : nil
    }

    /// Decodes the next bytes of the body: the chunks they complete, merged into one delta.
    public mutating func feed(_ bytes: [UInt8]) -> CompletionStreamBatch {
        guard !failed else { return CompletionStreamBatch() }
        var read = CompletionStreamBatch.Builder()
        decoder.append(bytes)
        var messages = self.messages
        do throws(EventStreamError) {
            try decoder.takeMessages { headers, kind, payload in
                let meaning = Self.interpret(headers: headers, kind: kind, payload: payload) { json in
                    if messages != nil {
                        read.add(json, messages: &messages!)
                    } else {
                        read.add(json, unreadable: "a chunk event could not be read")
                    }
                }
                if case .failure(let error) = meaning { read.error = error }
                return read.error == nil
            }
        } catch {
            read.error = APIError(kind: .malformedResponse, status: 200,
                                  message: "the event stream could not be read: \(error.description)")
        }
        self.messages = messages
        let batch = read.batch
        if let reason = batch.delta?.stopReason { stopReason = reason }
        if batch.error != nil { failed = true }
        return batch
    }

    /// Ends the stream: the error to report when it stopped inside a message or before the delta with the
    /// stop reason (and no error was reported already), else nil.
    public mutating func finish() -> APIError? {
        guard !failed else { return nil }
        failed = true
        do throws(EventStreamError) {
            try decoder.finish()
        } catch {
            return APIError(kind: .connection, message: "\(CompletionStreamParser.incompleteStreamMessage) (\(error.description))")
        }
        guard stopReason == nil else { return nil }
        return APIError(kind: .connection, message: CompletionStreamParser.incompleteStreamMessage)
    }

    /// What one message means for the completion.
    enum Meaning {
        /// A `chunk` event, its model JSON handed on.
        case chunk
        case failure(APIError)
        case skip
    }

    /// Interprets one message of a Bedrock response stream from its checked header block, the kind its headers say
    /// and its payload, handing a chunk's model JSON to `onChunk`.
    static func interpret(headers: EventStreamDecoder.Bytes, kind: EventStreamDecoder.MessageKind,
                          payload: EventStreamDecoder.Bytes, onChunk: (UnsafeBufferPointer<UInt8>) -> Void) -> Meaning {
        guard let messageType = kind.messageType, UnsafeBufferPointer(rebasing: messageType).equals("event") else {
            return interpret(EventStreamMessage(headers: EventStreamDecoder.headers(checked: headers), payload: Array(payload)))
        }
        guard let eventType = kind.eventType, UnsafeBufferPointer(rebasing: eventType).equals("chunk") else { return .skip }
        do throws(WireDecodingError) {
            try BedrockChunk.withModelBytes(UnsafeBufferPointer(rebasing: payload), onChunk)
            return .chunk
        } catch {
            return .failure(APIError(kind: .malformedResponse, status: 200,
                                     message: "a chunk event could not be read: \(error.description)"))
        }
    }

    /// Interprets a message whose `:message-type` is not `event`.
    private static func interpret(_ message: EventStreamMessage) -> Meaning {
        switch message.messageType {
        case "exception":
            return .failure(BedrockErrors.streamException(type: message.stringHeader(":exception-type"),
                                                          payload: message.payload))
        case "error":
            return .failure(BedrockErrors.streamError(code: message.stringHeader(":error-code"),
                                                      message: message.stringHeader(":error-message")))
        case let other:
            return .failure(APIError(kind: .malformedResponse, status: 200,
                                     message: "an event-stream message has the unknown :message-type \(other.map { "\"\($0)\"" } ?? "(none)")"))
        }
    }
}

extension BedrockStreamDecoder: CompletionStreamDecoding {}

/// The `PayloadPart` of a `chunk` event: `{"bytes": "<base64 of the model's JSON>"}`.
public enum BedrockChunk {
    /// Hands `body` the decoded `bytes` of a chunk payload; other keys (e.g. a `p` padding key) are ignored.
    static func withModelBytes<Result>(_ payload: UnsafeBufferPointer<UInt8>,
                                       _ body: (UnsafeBufferPointer<UInt8>) -> Result) throws(WireDecodingError) -> Result {
        // The form Bedrock sends, `{"bytes":"…"}` and nothing else, needs no JSON decoder.
        let prefix: StaticString = #"{"bytes":""#, suffix: StaticString = #""}"#
        let (head, tail) = (prefix.utf8CodeUnitCount, suffix.utf8CodeUnitCount)
        if payload.count >= head + tail, UnsafeBufferPointer(rebasing: payload[..<head]).equals(prefix),
           UnsafeBufferPointer(rebasing: payload[(payload.count - tail)...]).equals(suffix) {
            let text = UnsafeBufferPointer(rebasing: payload[head..<payload.count - tail])
            let result = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: text.count / 4 * 3 + 1) { out in
                decodeBase64(text, into: out).map { body(UnsafeBufferPointer(rebasing: out[..<$0])) }
            }
            if let result { return result }
        }
        let text: String
        do {
            text = try JSONDecoder().decode(Payload.self, from: Data(payload)).bytes
        } catch {
            throw WireDecodingError("the chunk payload is not {\"bytes\": base64}: \(WireDecodingError(error).description)")
        }
        guard let decoded = Data(base64Encoded: text) else { throw WireDecodingError("the chunk's \"bytes\" is not base64 text") }
        return decoded.withUnsafeBytes { body($0.bindMemory(to: UInt8.self)) }
    }

    /// Decodes canonical padded base64 `text` into `out` (room for `text.count / 4 * 3 + 1` bytes): the count
    /// written, or nil for anything else, which Foundation then reads.
    // Hand-written: Foundation's needs a Data in and gives one out, ~15% of the Bedrock path's CPU (budget 1.5× SSE's).
    static func decodeBase64(_ text: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        guard text.count % 4 == 0 else { return nil }
        let padding = text.count == 0 || text[text.count - 1] != UInt8(ascii: "=") ? 0
            : text[text.count - 2] != UInt8(ascii: "=") ? 1 : 2
        let whole = padding == 0 ? text.count : text.count - 4
        return base64Tables.withUnsafeBufferPointer { tables in
            // A quad's four lookups OR into its three bytes (little-endian); a byte that is no digit sets bit 24.
            var invalid: UInt32 = 0, written = 0
            for quad in stride(from: 0, to: whole, by: 4) {
                let word = tables[Int(text[quad])] | tables[256 + Int(text[quad + 1])]
                    | tables[512 + Int(text[quad + 2])] | tables[768 + Int(text[quad + 3])]
                invalid |= word
                UnsafeMutableRawPointer(out.baseAddress! + written).storeBytes(of: word.littleEndian, as: UInt32.self)
                written += 3
            }
            var bits: UInt32 = 0
            for index in whole..<text.count - padding {
                let value = tables[768 + Int(text[index])] >> 16
                invalid |= value << 16
                bits = bits << 6 | value & 0x3F
            }
            switch padding {
            case 1 where bits & 0x3 == 0:
                out[written] = UInt8(truncatingIfNeeded: bits >> 10)
                out[written + 1] = UInt8(truncatingIfNeeded: bits >> 2)
                written += 2
            case 2 where bits & 0xF == 0:
                out[written] = UInt8(truncatingIfNeeded: bits >> 4)
                written += 1
            case 0: break
            default: return nil
            }
            return invalid < 1 << 24 ? written : nil
        }
    }

    /// For each quad position, each byte's share of the quad's three bytes; 0x01FFFFFF for a byte that is no digit.
    private static let base64Tables: [UInt32] = {
        var tables = [UInt32](repeating: 0x01FF_FFFF, count: 4 * 256)
        for (value, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            let digit = UInt32(value), byte = Int(character)
            tables[byte] = digit << 2
            tables[256 + byte] = digit >> 4 | (digit & 0xF) << 12
            tables[512 + byte] = (digit >> 2) << 8 | (digit & 0x3) << 22
            tables[768 + byte] = digit << 16
        }
        return tables
    }()

    private struct Payload: Decodable {
        var bytes: String
    }
}
