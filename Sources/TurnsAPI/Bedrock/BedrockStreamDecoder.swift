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
        do throws(EventStreamError) {
            while read.error == nil, let message = try decoder.next() {
                switch Self.interpret(message) {
                case .chunk(let payload):
                    do throws(WireDecodingError) {
                        let json = try BedrockChunk.modelBytes(payload)
                        json.withUnsafeBytes { raw in
                            let bytes = raw.bindMemory(to: UInt8.self)
                            if messages != nil {
                                read.add(messages!.read(bytes))
                            } else {
                                read.add(bytes, unreadable: "a chunk event could not be read")
                            }
                        }
                    } catch {
                        read.error = Self.unreadableChunk(error)
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

    /// The error that ends the stream at a chunk whose payload cannot be read.
    private static func unreadableChunk(_ error: WireDecodingError) -> APIError {
        APIError(kind: .malformedResponse, status: 200, message: "a chunk event could not be read: \(error.description)")
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
        /// A `chunk` event, with its payload.
        case chunk([UInt8])
        case failure(APIError)
        case skip
    }

    /// Interprets one event-stream message of a Bedrock response stream.
    static func interpret(_ message: EventStreamMessage) -> Meaning {
        switch message.messageType {
        case "event":
            guard message.stringHeader(":event-type") == "chunk" else { return .skip }
            return .chunk(message.payload)
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
    /// The decoded `bytes` of a chunk payload; other keys (e.g. a `p` padding key) are ignored.
    static func modelBytes(_ payload: [UInt8]) throws(WireDecodingError) -> Data {
        // The form Bedrock sends, `{"bytes":"…"}` and nothing else, needs no JSON decoder.
        let prefix = compactPrefix, suffix = compactSuffix
        if payload.count >= prefix.count + suffix.count, payload.starts(with: prefix),
           payload[(payload.count - suffix.count)...].elementsEqual(suffix),
           let decoded = Data(base64Encoded: Data(payload[prefix.count..<payload.count - suffix.count])) {
            return decoded
        }
        let text: String
        do {
            text = try JSONDecoder().decode(Payload.self, from: Data(payload)).bytes
        } catch {
            throw WireDecodingError("the chunk payload is not {\"bytes\": base64}: \(WireDecodingError(error).description)")
        }
        guard let decoded = Data(base64Encoded: text) else { throw WireDecodingError("the chunk's \"bytes\" is not base64 text") }
        return decoded
    }

    private static let compactPrefix = Array(#"{"bytes":""#.utf8)
    private static let compactSuffix = Array(#""}"#.utf8)

    private struct Payload: Decodable {
        var bytes: String
    }
}
