import CByteKernels
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
    /// Reused for the decoded payloads of a run of chunks, back to back, and where each ends.
    private var runBytes: [UInt8] = []
    private var runEnds: [Int] = []
    /// What the last message's header block made of it (a stream repeats one block for every chunk).
    private var lastKind: MessageKind?
    /// An error was reported: the rest of the stream is ignored.
    private var failed = false
    /// The last `stop_reason` seen; its presence marks a complete answer.
    public private(set) var stopReason: String?

    /// Creates a decoder at the start of a stream.
    public init() {}

    /// Decodes the next bytes of the body: every piece completed by them merged into one.
    public mutating func feed(_ bytes: [UInt8]) -> CompletionStreamBatch {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// Decodes the next bytes of the body, read where they lie (only a message cut by their end is copied): every
    /// piece completed by them merged into one.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> CompletionStreamBatch {
        guard !failed else { return CompletionStreamBatch() }
        // The decoder is moved out while it reads, so that reading its messages can change the rest of `self`.
        var decoder = EventStreamDecoder()
        swap(&decoder, &self.decoder)
        var failure: APIError?
        do throws(EventStreamError) {
            try decoder.readMessages(appending: bytes, runs: { run in
                let (read, error) = readRun(run)
                if let error { failure = error }
                return read
            }) { message in
                guard let error = read(message) else { return true }
                failure = error
                return false
            }
        } catch {
            failure = APIError(kind: .malformedResponse, status: 200,
                               message: "the event stream could not be read: \(error.description)")
        }
        swap(&decoder, &self.decoder)
        let count = pieces.count
        let merged = pieces.take()
        if let reason = merged?.stopReason { stopReason = reason }
        if failure != nil { failed = true }
        return CompletionStreamBatch(piece: merged, error: failure, pieceCount: count)
    }

    /// What a message is, by its `:message-type` and `:event-type` headers.
    private enum MessageKind {
        case chunk, otherEvent, notAnEvent
    }

    /// Reads a run of messages that repeat the last header block: when that block is a chunk's, their payloads are
    /// decoded in one C loop and their model JSON read in one Swift loop; a payload in another form, or a message of
    /// another kind, is read on its own. Returns how many were read and the error that ends the stream, if any (its
    /// message counts as read).
    private mutating func readRun(_ run: EventStreamDecoder.MessageRun) -> (read: Int, error: APIError?) {
        var index = 0, offset = 0
        while index < run.count {
            if lastKind == .chunk {
                let (added, error) = addChunks(run, from: index, at: offset)
                for taken in index..<index + added { offset += Int(run.frames[taken].total) }
                index += added
                if let error { return (index, error) }
                guard index < run.count else { break }
            }
            // A payload the loop stopped at, or a message of another kind.
            let message = run.view(at: offset, index: index)
            offset += message.total
            index += 1
            if let error = read(message) { return (index, error) }
        }
        return (index, nil)
    }

    /// Adds the chunks of `run` from `index` (at byte `offset`) while their payloads are the compact
    /// `{"bytes":"…"}` with valid base64: decoded back to back by `turns_base64_decode_payloads`, then read. Returns
    /// how many were added, and the error of the one that could not be read (counted among them), if any.
    private mutating func addChunks(_ run: EventStreamDecoder.MessageRun, from index: Int, at offset: Int)
        -> (added: Int, error: APIError?) {
        // The buffers are moved out while in use, so the pieces can change meanwhile.
        var bytes: [UInt8] = [], ends: [Int] = []
        swap(&bytes, &runBytes)
        swap(&ends, &runEnds)
        defer {
            swap(&bytes, &runBytes)
            swap(&ends, &runEnds)
        }
        // Room for every payload's bytes (no more than the message's length) and the 64 the C loop asks of each.
        var room = 0
        for frame in run.frames[index...] { room += Int(frame.total) + 64 }
        if bytes.count < room { bytes = [UInt8](repeating: 0, count: max(room, 2 * bytes.count)) }
        if ends.count < run.count - index { ends = [Int](repeating: 0, count: max(run.count - index, 128)) }
        let prefix = BedrockChunk.compactPrefix, suffix = BedrockChunk.compactSuffix
        let decoded = bytes.withUnsafeMutableBufferPointer { output in
            ends.withUnsafeMutableBufferPointer { ends in
                turns_base64_decode_payloads((run.start + offset).assumingMemoryBound(to: UInt8.self),
                                             run.frames.baseAddress! + index, run.count - index,
                                             prefix.utf8Start, prefix.utf8CodeUnitCount,
                                             suffix.utf8Start, suffix.utf8CodeUnitCount,
                                             output.baseAddress, output.count, ends.baseAddress)
            }
        }
        return bytes.withUnsafeBufferPointer { bytes in
            var start = 0
            for taken in 0..<decoded {
                do throws(WireDecodingError) {
                    try pieces.add(UnsafeBufferPointer(rebasing: bytes[start..<ends[taken]]))
                } catch {
                    return (taken + 1, Self.unreadableChunk(error))
                }
                start = ends[taken]
            }
            return (decoded, nil)
        }
    }

    /// Reads one message: a `chunk` event into the read's pieces; the error it ends the stream with, if any.
    private mutating func read(_ message: EventStreamDecoder.MessageView) -> APIError? {
        let kind: MessageKind
        if message.repeatsHeaders, let lastKind {
            kind = lastKind
        } else if let messageType = message.messageType, messageType.bindMemory(to: UInt8.self).equals("event") {
            kind = message.eventType.map { $0.bindMemory(to: UInt8.self).equals("chunk") } == true ? .chunk : .otherEvent
        } else {
            kind = .notAnEvent
        }
        lastKind = kind
        // The common message, an `event` of type `chunk`, is read in place; anything else as values.
        guard kind != .notAnEvent else {
            do throws(EventStreamError) {
                if case .failure(let error) = Self.interpret(try EventStreamDecoder.message(message)) { return error }
                return nil
            } catch {
                return APIError(kind: .malformedResponse, status: 200,
                                message: "the event stream could not be read: \(error.description)")
            }
        }
        guard kind == .chunk else { return nil }
        do throws(WireDecodingError) {
            try addChunk(message.payload.bindMemory(to: UInt8.self))
            return nil
        } catch {
            return Self.unreadableChunk(error)
        }
    }

    /// The error that ends the stream at a chunk whose payload cannot be read.
    private static func unreadableChunk(_ error: WireDecodingError) -> APIError {
        APIError(kind: .malformedResponse, status: 200, message: "a chunk event could not be read: \(error.description)")
    }

    /// Adds the completion a `chunk` payload carries to the read's pieces.
    private mutating func addChunk(_ payload: UnsafeBufferPointer<UInt8>) throws(WireDecodingError) {
        if let found = BedrockChunk.compactBase64(in: payload) {
            let text = UnsafeBufferPointer(rebasing: payload[found])
            // Room for any base64 of this length, and slack for the vector decoder's wide stores (16 bytes for 12, 32
            // for 24), which then need no copy near the end; `decode` checks the text itself.
            let needed = text.count / 4 * 3 + 2 + 16
            if chunkBytes.count < needed { chunkBytes = [UInt8](repeating: 0, count: max(needed, 2 * chunkBytes.count)) }
            // The scratch buffer is moved out while in use, so the pieces can change meanwhile.
            var scratch: [UInt8] = []
            swap(&scratch, &chunkBytes)
            defer { swap(&scratch, &chunkBytes) }
            if let written = scratch.withUnsafeMutableBufferPointer({ Base64.decode(text, into: $0) }) {
                try scratch.withUnsafeBufferPointer { buffer throws(WireDecodingError) in
                    try pieces.add(UnsafeBufferPointer(rebasing: buffer[0..<written]))
                }
                return
            }
        }
        // Any other form, or base64 with JSON escapes: the general reader decides.
        let bytes = try BedrockChunk.modelBytes(Array(payload))
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
                return .failure(unreadableChunk(error))
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

    /// What comes before and after the base64 in the form Bedrock sends.
    static let compactPrefix: StaticString = "{\"bytes\":\""
    static let compactSuffix: StaticString = "\"}"

    /// Where the base64 text lies in the form Bedrock sends, `{"bytes":"…"}` with nothing else, so it can be
    /// decoded in place without building a JSON value; nil for any other form (then the general reader decides;
    /// base64 with JSON escapes in it fails to decode and goes that way too).
    @inline(__always)
    static func compactBase64(in payload: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        let prefix = compactPrefix.utf8CodeUnitCount, suffix = compactSuffix.utf8CodeUnitCount
        guard payload.count >= prefix + suffix, memcmp(payload.baseAddress!, compactPrefix.utf8Start, prefix) == 0,
              memcmp(payload.baseAddress! + payload.count - suffix, compactSuffix.utf8Start, suffix) == 0
        else { return nil }
        return prefix..<payload.count - suffix
    }

    /// The payload of a `chunk` event carrying `modelJSON`: `{"bytes":"<base64>"}`.
    public static func payload(modelJSON: [UInt8]) -> [UInt8] {
        Array("{\"bytes\":\"\(Base64.encode(modelJSON))\"}".utf8)
    }
}
