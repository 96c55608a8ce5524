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
        var json: [UInt8] = []
        do throws(EventStreamError) {
            while read.error == nil,
                  let meaning = try decoder.nextMessage({ Self.interpret(headers: $0, payload: $1, json: &json) }) {
                switch meaning {
                case .chunk:
                    json.withUnsafeBufferPointer { bytes in
                        if messages != nil {
                            read.add(bytes, messages: &messages!)
                        } else {
                            read.add(bytes, unreadable: "a chunk event could not be read")
                        }
                    }
                case .failure(let error): read.error = error
                case .skip: break
                }
            }
        } catch {
            read.error = APIError(kind: .malformedResponse, status: 200,
                                  message: "the event stream could not be read: \(error.description)")
        }
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
        /// A `chunk` event, its model JSON decoded.
        case chunk
        case failure(APIError)
        case skip
    }

    /// Interprets one message of a Bedrock response stream from its checked header block and payload, decoding a
    /// chunk's model JSON into `json`. An event's headers are compared as bytes: building their values was ~16% of
    /// the path's CPU.
    static func interpret(headers: EventStreamDecoder.Bytes, payload: EventStreamDecoder.Bytes,
                          json: inout [UInt8]) -> Meaning {
        var messageType, eventType: EventStreamDecoder.Bytes?
        EventStreamDecoder.forEachHeader(checked: headers) { name, type, value in
            guard type == 7 else { return }
            if UnsafeBufferPointer(rebasing: name).equals(":message-type") { messageType = value }
            else if UnsafeBufferPointer(rebasing: name).equals(":event-type") { eventType = value }
        }
        guard let messageType, UnsafeBufferPointer(rebasing: messageType).equals("event") else {
            return interpret(EventStreamMessage(headers: EventStreamDecoder.headers(checked: headers), payload: Array(payload)))
        }
        guard let eventType, UnsafeBufferPointer(rebasing: eventType).equals("chunk") else { return .skip }
        do throws(WireDecodingError) {
            try BedrockChunk.modelBytes(UnsafeBufferPointer(rebasing: payload), into: &json)
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
    /// Puts the decoded `bytes` of a chunk payload in `json`; other keys (e.g. a `p` padding key) are ignored.
    static func modelBytes(_ payload: UnsafeBufferPointer<UInt8>, into json: inout [UInt8]) throws(WireDecodingError) {
        json.removeAll(keepingCapacity: true)
        // The form Bedrock sends, `{"bytes":"…"}` and nothing else, needs no JSON decoder.
        let prefix = compactPrefix, suffix = compactSuffix
        if payload.count >= prefix.count + suffix.count, payload.starts(with: prefix),
           payload[(payload.count - suffix.count)...].elementsEqual(suffix),
           decodeBase64(UnsafeBufferPointer(rebasing: payload[prefix.count..<payload.count - suffix.count]), into: &json) {
            return
        }
        json.removeAll(keepingCapacity: true)
        let text: String
        do {
            text = try JSONDecoder().decode(Payload.self, from: Data(payload)).bytes
        } catch {
            throw WireDecodingError("the chunk payload is not {\"bytes\": base64}: \(WireDecodingError(error).description)")
        }
        guard let decoded = Data(base64Encoded: text) else { throw WireDecodingError("the chunk's \"bytes\" is not base64 text") }
        json.append(contentsOf: decoded)
    }

    /// Appends what canonical padded base64 `text` encodes to `out`; false (`out` partly written) for anything else,
    /// which Foundation then reads.
    // Hand-written: Foundation's needs a Data in and gives one out, ~15% of the Bedrock path's CPU (budget 1.5× SSE's).
    static func decodeBase64(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        guard text.count % 4 == 0 else { return false }
        let padding = text.count == 0 ? 0 : text[text.count - 1] != UInt8(ascii: "=") ? 0 : text[text.count - 2] != UInt8(ascii: "=") ? 1 : 2
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: text.count / 4 * 3))
        let valid = out.withUnsafeMutableBufferPointer { out in
            var bits: UInt32 = 0, invalid: UInt8 = 0, written = start
            for index in 0..<text.count - padding {
                let value = base64Values[Int(text[index])]
                invalid |= value
                bits = bits << 6 | UInt32(value)
                if index & 3 == 3 {
                    out[written] = UInt8(truncatingIfNeeded: bits >> 16)
                    out[written + 1] = UInt8(truncatingIfNeeded: bits >> 8)
                    out[written + 2] = UInt8(truncatingIfNeeded: bits)
                    written += 3
                }
            }
            switch padding {
            case 1:
                out[written] = UInt8(truncatingIfNeeded: bits >> 10)
                out[written + 1] = UInt8(truncatingIfNeeded: bits >> 2)
                return invalid < 64 && bits & 0x3 == 0
            case 2:
                out[written] = UInt8(truncatingIfNeeded: bits >> 4)
                return invalid < 64 && bits & 0xF == 0
            default:
                return invalid < 64
            }
        }
        out.removeLast(padding)
        return valid
    }

    /// Each byte's base64 digit value, 0xFF for a byte that is none.
    private static let base64Values: [UInt8] = {
        var values = [UInt8](repeating: 0xFF, count: 256)
        for (value, character) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            values[Int(character)] = UInt8(value)
        }
        return values
    }()

    private static let compactPrefix = Array(#"{"bytes":""#.utf8)
    private static let compactSuffix = Array(#""}"#.utf8)

    private struct Payload: Decodable {
        var bytes: String
    }
}
