import Foundation
import TurnsCore

/// Decodes the event stream of `invoke-with-response-stream` into completion pieces (PROTOCOL.md C.6).
///
/// `event` messages with `:event-type` `chunk` carry `{"bytes": base64}` whose bytes are the model's
/// JSON (`completion`, `stop_reason`, `stop`; metrics and unknown keys ignored); other event types are
/// skipped. `exception` and `error` messages become an `APIError` (status 200) with the server's message;
/// bytes that are not a valid event stream (a CRC failure, …) become `.malformedResponse`.
public struct BedrockStreamDecoder: Sendable {
    private var decoder = EventStreamDecoder()
    /// Where the chunks of the current read are merged.
    private var pieces = CompletionPieces()
    /// Reused for each chunk's decoded base64 (its count is its capacity; only a prefix is used at a time).
    private var chunkBytes: [UInt8] = []
    /// An error was reported: the rest of the stream is ignored.
    private var failed = false
    /// The last `stop_reason` seen; its presence marks a complete answer.
    public private(set) var stopReason: String?

    /// Creates a decoder at the start of a stream.
    public init() {}

    /// Decodes the next bytes of the body: every piece completed by them merged into one.
    public mutating func feed(_ bytes: [UInt8]) -> CompletionStreamBatch {
        guard !failed else { return CompletionStreamBatch() }
        decoder.append(bytes)
        var failure: APIError?
        while failure == nil {
            let raw: EventStreamDecoder.RawMessage
            do throws(EventStreamError) {
                guard let next = try decoder.nextRawMessage() else { break }
                raw = next
            } catch {
                failure = APIError(kind: .malformedResponse, status: 200,
                                   message: "the event stream could not be read: \(error.description)")
                break
            }
            // The common message, an `event` of type `chunk`, is read in place; anything else as values.
            guard isString(raw.messageType, "event") else {
                do throws(EventStreamError) {
                    if case .failure(let error) = Self.interpret(try decoder.message(raw)) { failure = error }
                } catch {
                    failure = APIError(kind: .malformedResponse, status: 200,
                                       message: "the event stream could not be read: \(error.description)")
                }
                continue
            }
            guard isString(raw.eventType, "chunk") else { continue }
            do throws(WireDecodingError) {
                try addChunk(raw.payload)
            } catch {
                failure = APIError(kind: .malformedResponse, status: 200,
                                   message: "a chunk event could not be read: \(error.description)")
            }
        }
        let count = pieces.count
        let merged = pieces.take()
        if let reason = merged?.stopReason { stopReason = reason }
        if failure != nil { failed = true }
        return CompletionStreamBatch(piece: merged, error: failure, pieceCount: count)
    }

    /// True when the header value at `range` is exactly `expected`.
    private func isString(_ range: Range<Int>?, _ expected: StaticString) -> Bool {
        guard let range else { return false }
        return decoder.withBytes(range) { $0.bindMemory(to: UInt8.self).equals(expected) }
    }

    /// Adds the completion a `chunk` payload carries to the read's pieces.
    private mutating func addChunk(_ payload: Range<Int>) throws(WireDecodingError) {
        let found = decoder.withBytes(payload) { BedrockChunk.compactBase64(in: $0.bindMemory(to: UInt8.self)) }
        if let found {
            // Where the base64 text lies in the decoder's buffer (`found` is within the payload).
            let text = payload.lowerBound + found.lowerBound..<payload.lowerBound + found.upperBound
            // Room for any base64 of this length; `decode` checks the text itself.
            let needed = text.count / 4 * 3 + 2
            if chunkBytes.count < needed { chunkBytes = [UInt8](repeating: 0, count: max(needed, 2 * chunkBytes.count)) }
            var written: Int?
            decoder.withBytes(text) { base64 in
                chunkBytes.withUnsafeMutableBufferPointer { written = Base64.decode(base64.bindMemory(to: UInt8.self), into: $0) }
            }
            if let written {
                try chunkBytes.withUnsafeBufferPointer { buffer throws(WireDecodingError) in
                    try pieces.add(UnsafeBufferPointer(rebasing: buffer[0..<written]))
                }
                return
            }
        }
        // Any other form, or base64 with JSON escapes: the general reader decides.
        let bytes = try BedrockChunk.modelBytes(decoder.withBytes(payload) { Array($0) })
        try bytes.withUnsafeBufferPointer { buffer throws(WireDecodingError) in try pieces.add(buffer) }
    }

    /// Ends the stream: the error to report when it stopped inside a message or before the piece with the
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
        case piece(Completion)
        case failure(APIError)
        case skip
    }

    /// Interprets one event-stream message of a Bedrock response stream.
    static func interpret(_ message: EventStreamMessage) -> Meaning {
        switch message.messageType {
        case "event":
            guard message.stringHeader(":event-type") == "chunk" else { return .skip }
            do throws(WireDecodingError) {
                return .piece(try BedrockChunk.completion(fromPayload: message.payload))
            } catch {
                return .failure(APIError(kind: .malformedResponse, status: 200,
                                         message: "a chunk event could not be read: \(error.description)"))
            }
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
    /// The completion piece a chunk payload carries.
    ///
    /// - Throws: `WireDecodingError` when the payload is not `{"bytes": base64}` or its bytes are not a
    ///   completion object.
    static func completion(fromPayload payload: [UInt8]) throws(WireDecodingError) -> Completion {
        let bytes = try modelBytes(payload)
        return try CompletionJSON.decode(bytes)
    }

    /// The decoded `bytes` of a chunk payload; other keys (e.g. a `p` padding key) are skipped.
    static func modelBytes(_ payload: [UInt8]) throws(WireDecodingError) -> [UInt8] {
        let compact: [UInt8]?? = payload.withUnsafeBufferPointer { buffer in
            compactBase64(in: buffer).map { Base64.decode(UnsafeBufferPointer(rebasing: buffer[$0])) }
        }
        if case .some(.some(let decoded)) = compact { return decoded }
        let result: Result<[UInt8], WireDecodingError> = payload.withUnsafeBufferPointer { buffer in
            do throws(JSONParseError) {
                var reader = JSONReader(bytes: buffer)
                var found: [UInt8]?
                reader.skipSpace()
                guard reader.index < buffer.count, buffer[reader.index] == UInt8(ascii: "{") else {
                    return .failure(WireDecodingError(description: "the chunk payload is not a JSON object"))
                }
                guard case .object(let pairs) = try reader.readValue(depth: 0) else {
                    return .failure(WireDecodingError(description: "the chunk payload is not a JSON object"))
                }
                reader.skipSpace()
                guard reader.index == buffer.count else {
                    return .failure(WireDecodingError(description: "unexpected text after the chunk payload"))
                }
                for (key, value) in pairs where key == "bytes" {
                    guard let text = value.stringValue, let decoded = Base64.decode(text) else {
                        return .failure(WireDecodingError(description: "the chunk's \"bytes\" is not base64 text"))
                    }
                    found = decoded
                }
                guard let found else {
                    return .failure(WireDecodingError(description: "the chunk payload has no \"bytes\""))
                }
                return .success(found)
            } catch {
                return .failure(WireDecodingError(description: error.description))
            }
        }
        return try result.get()
    }

    private static let compactPrefix: StaticString = "{\"bytes\":\""

    /// Where the base64 text lies in the form Bedrock sends, `{"bytes":"…"}` with nothing else, so it can be
    /// decoded in place without building a JSON value; nil for any other form (then the general reader decides;
    /// base64 with JSON escapes in it fails to decode and goes that way too).
    static func compactBase64(in payload: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        let prefix = compactPrefix.utf8CodeUnitCount
        guard payload.count >= prefix + 2, payload[payload.count - 1] == UInt8(ascii: "}"),
              payload[payload.count - 2] == UInt8(ascii: "\""),
              memcmp(payload.baseAddress!, compactPrefix.utf8Start, prefix) == 0
        else { return nil }
        return prefix..<payload.count - 2
    }

    /// The payload of a `chunk` event carrying `modelJSON`: `{"bytes":"<base64>"}`.
    public static func payload(modelJSON: [UInt8]) -> [UInt8] {
        Array("{\"bytes\":\"\(Base64.encode(modelJSON))\"}".utf8)
    }
}
