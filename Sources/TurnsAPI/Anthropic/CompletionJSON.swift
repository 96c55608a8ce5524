import Foundation
import TurnsCore

/// Why a JSON body could not be read as the object the wire expects.
struct WireDecodingError: Error, Sendable, CustomStringConvertible {
    /// What was wrong, with the byte offset where known.
    var description: String
}

/// Reads the `completion` object of `/v1/complete` (a whole response or one streamed event's data) with a
/// targeted scan: only `completion`, `stop_reason`, `stop`, `model` and `id` become values; every other
/// key is skipped without building anything.
enum CompletionJSON {
    /// Decodes a completion object; unknown keys are ignored, a missing `completion` text counts as empty.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(WireDecodingError) -> Completion {
        var pieces = CompletionPieces()
        try pieces.add(bytes)
        return pieces.take() ?? Completion(completion: "")
    }

    /// Decodes a completion object from an array of bytes.
    static func decode(_ bytes: [UInt8]) throws(WireDecodingError) -> Completion {
        let result: Result<Completion, WireDecodingError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(WireDecodingError) { return .success(try decode(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// The completion in a whole 2xx response body, as both wires read it; a body that is not a completion object
    /// is a `.malformedResponse`.
    static func decodeResponse(_ body: [UInt8]) throws(APIError) -> Completion {
        do throws(WireDecodingError) {
            return try decode(body)
        } catch {
            throw APIError(kind: .malformedResponse, status: 200,
                           message: "the response could not be read as a completion: \(error.description)")
        }
    }
}

/// Merges the completion objects of one network read into one piece, working on bytes: the texts are gathered
/// into one buffer and become a single String when the piece is taken, and the model and id (the same in every
/// event) become Strings only when they change. A streamed token thus costs a scan of its event and no allocation.
struct CompletionPieces {
    /// The texts of the objects added since the last `take()`, concatenated; always valid UTF-8.
    private var text: [UInt8] = []
    /// How many objects were added since the last `take()`.
    private(set) var count = 0
    /// The last non-null `stop_reason`, `stop`, `model` and `id` since the last `take()`.
    private var stopReason: String?
    private var stop: String?
    private var model: String?
    private var id: String?
    /// The model and id last seen, kept across takes so a repeated value is not made into a String again.
    private var recentModel = RecurringString()
    private var recentID = RecurringString()
    /// Reused for the bytes of the model and id.
    private var scratch: [UInt8] = []

    /// Adds one completion object. When it cannot be read, nothing of it is kept and the error says why.
    mutating func add(_ json: UnsafeBufferPointer<UInt8>) throws(WireDecodingError) {
        let textStart = text.count
        var scanner = JSONScanner(bytes: json)
        var reason: String?, stopValue: String?, modelValue: String?, idValue: String?
        do throws(WireDecodingError) {
            try scanner.enterObject()
            while let key = try scanner.nextKey() {
                switch key {
                case .completion:
                    // A repeated key replaces the earlier value, as in any JSON object read into a dictionary.
                    text.removeSubrange(textStart...)
                    try scanner.readOptionalString(appendingTo: &text)
                case .stopReason: reason = try scanner.readOptionalString()
                case .stop: stopValue = try scanner.readOptionalString()
                case .model: modelValue = try Self.readRecurring(&scanner, scratch: &scratch, into: &recentModel)
                case .id: idValue = try Self.readRecurring(&scanner, scratch: &scratch, into: &recentID)
                case .other: try scanner.skipValue(depth: 1)
                }
            }
            try scanner.expectEnd()
        } catch {
            text.removeSubrange(textStart...)
            throw error
        }
        count += 1
        if let reason { stopReason = reason }
        if let stopValue { stop = stopValue }
        if let modelValue { model = modelValue }
        if let idValue { id = idValue }
    }

    /// The objects added since the last call merged into one (texts concatenated, the last non-null other
    /// fields), or nil when none was added.
    mutating func take() -> Completion? {
        guard count > 0 else { return nil }
        let piece = Completion(id: id, completion: String(decoding: text, as: UTF8.self),
                               stopReason: stopReason, stop: stop, model: model)
        text.removeAll(keepingCapacity: true)
        count = 0
        stopReason = nil
        stop = nil
        model = nil
        id = nil
        return piece
    }

    private static func readRecurring(_ scanner: inout JSONScanner, scratch: inout [UInt8],
                                      into recent: inout RecurringString) throws(WireDecodingError) -> String? {
        scratch.removeAll(keepingCapacity: true)
        guard try scanner.readOptionalString(appendingTo: &scratch) else { return nil }
        return recent.string(for: scratch)
    }
}

/// A string that usually repeats: made from bytes only when they differ from the previous ones.
struct RecurringString {
    private var bytes: [UInt8] = []
    private var string = ""

    /// The String for `newBytes` (valid UTF-8), reusing the previous one when the bytes are the same.
    mutating func string(for newBytes: [UInt8]) -> String {
        if newBytes != bytes {
            bytes = newBytes
            string = String(decoding: newBytes, as: UTF8.self)
        }
        return string
    }
}

/// The keys of a completion object the scanner looks for.
enum CompletionKey {
    case completion, stopReason, stop, model, id, other

    init(_ key: UnsafeBufferPointer<UInt8>) {
        // memcmp on the raw bytes: this runs for every key of every event, and generic `elementsEqual` was a
        // tenth of the decoder's time.
        func equals(_ word: StaticString) -> Bool {
            memcmp(key.baseAddress!, word.utf8Start, word.utf8CodeUnitCount) == 0
        }
        switch key.count {
        case 10 where equals("completion"): self = .completion
        case 11 where equals("stop_reason"): self = .stopReason
        case 4 where equals("stop"): self = .stop
        case 5 where equals("model"): self = .model
        case 2 where equals("id"): self = .id
        default: self = .other
        }
    }
}

/// A strict JSON scanner over bytes that decodes only what it is asked for, built on `JSONReader`.
struct JSONScanner {
    private var reader: JSONReader
    /// `nextKey()` has returned a key, so a separator comes before the next one.
    private var startedMembers = false
    /// The object's closing brace was read.
    private var objectEnded = false

    init(bytes: UnsafeBufferPointer<UInt8>) { reader = JSONReader(bytes: bytes) }

    private var bytes: UnsafeBufferPointer<UInt8> { reader.bytes }
    private var atEnd: Bool { reader.index >= bytes.count }
    private var current: UInt8 { bytes[reader.index] }

    private func failure(_ reason: String) -> WireDecodingError {
        WireDecodingError(description: "invalid JSON at byte \(reader.index): \(reason)")
    }

    /// Reads the opening brace of an object; `nextKey()` then walks its members.
    mutating func enterObject() throws(WireDecodingError) {
        reader.skipSpace()
        guard !atEnd, current == UInt8(ascii: "{") else { throw failure("expected an object") }
        reader.index += 1
        reader.skipSpace()
        if !atEnd && current == UInt8(ascii: "}") { reader.index += 1; objectEnded = true }
    }

    /// The next member's key, positioned at its value (which the caller must read or skip), or nil after the
    /// closing brace.
    mutating func nextKey() throws(WireDecodingError) -> CompletionKey? {
        if objectEnded { return nil }
        if startedMembers {
            reader.skipSpace()
            guard !atEnd else { throw failure("unexpected end of input") }
            if current == UInt8(ascii: "}") { reader.index += 1; objectEnded = true; return nil }
            guard current == UInt8(ascii: ",") else { throw failure("expected ',' or '}'") }
            reader.index += 1
        }
        startedMembers = true
        reader.skipSpace()
        let key = try readKey()
        reader.skipSpace()
        guard !atEnd, current == UInt8(ascii: ":") else { throw failure("expected ':'") }
        reader.index += 1
        reader.skipSpace()
        return key
    }

    /// Fails unless only white space is left.
    mutating func expectEnd() throws(WireDecodingError) {
        reader.skipSpace()
        if !atEnd { throw failure("unexpected text after the JSON value") }
    }

    /// Reads a key; plain keys are matched in place, keys with escapes are decoded first.
    private mutating func readKey() throws(WireDecodingError) -> CompletionKey {
        guard !atEnd, current == UInt8(ascii: "\"") else { throw failure("expected a string key") }
        let start = reader.index + 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\"") {
            reader.index = end + 1
            return CompletionKey(UnsafeBufferPointer(rebasing: bytes[start..<end]))
        }
        var decoded = try readString()
        return decoded.withUTF8 { CompletionKey($0) }
    }

    private mutating func readString() throws(WireDecodingError) -> String {
        do throws(JSONParseError) { return try reader.readString() } catch {
            throw WireDecodingError(description: error.description)
        }
    }

    /// Reads a string, or `null` as nil; anything else is an error.
    mutating func readOptionalString() throws(WireDecodingError) -> String? {
        guard !atEnd else { throw failure("unexpected end of input") }
        if current == UInt8(ascii: "\"") { return try readString() }
        if current == UInt8(ascii: "n") {
            try skipValue(depth: 1)
            return nil
        }
        throw failure("expected a string or null")
    }

    /// Reads a string, appending its decoded bytes to `out`, or `null`; returns false for `null`.
    @discardableResult
    mutating func readOptionalString(appendingTo out: inout [UInt8]) throws(WireDecodingError) -> Bool {
        guard !atEnd else { throw failure("unexpected end of input") }
        if current == UInt8(ascii: "\"") {
            do throws(JSONParseError) { try reader.readString(appendingTo: &out) } catch {
                throw WireDecodingError(description: error.description)
            }
            return true
        }
        if current == UInt8(ascii: "n") {
            try skipValue(depth: 1)
            return false
        }
        throw failure("expected a string or null")
    }

    /// Skips one value, checking its syntax, without building it.
    mutating func skipValue(depth: Int) throws(WireDecodingError) {
        guard depth < JSONReader.maxDepth else { throw failure("nesting too deep") }
        guard !atEnd else { throw failure("unexpected end of input") }
        switch current {
        case UInt8(ascii: "\""):
            try skipString()
        case UInt8(ascii: "{"):
            reader.index += 1
            reader.skipSpace()
            if !atEnd && current == UInt8(ascii: "}") { reader.index += 1; return }
            while true {
                reader.skipSpace()
                guard !atEnd, current == UInt8(ascii: "\"") else { throw failure("expected a string key") }
                try skipString()
                reader.skipSpace()
                guard !atEnd, current == UInt8(ascii: ":") else { throw failure("expected ':'") }
                reader.index += 1
                reader.skipSpace()
                try skipValue(depth: depth + 1)
                reader.skipSpace()
                guard !atEnd else { throw failure("unexpected end of input") }
                if current == UInt8(ascii: ",") { reader.index += 1; continue }
                if current == UInt8(ascii: "}") { reader.index += 1; return }
                throw failure("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            reader.index += 1
            reader.skipSpace()
            if !atEnd && current == UInt8(ascii: "]") { reader.index += 1; return }
            while true {
                reader.skipSpace()
                try skipValue(depth: depth + 1)
                reader.skipSpace()
                guard !atEnd else { throw failure("unexpected end of input") }
                if current == UInt8(ascii: ",") { reader.index += 1; continue }
                if current == UInt8(ascii: "]") { reader.index += 1; return }
                throw failure("expected ',' or ']'")
            }
        default:
            // Numbers and the literals build no heap values, so the core reader can check them.
            do throws(JSONParseError) { _ = try reader.readValue(depth: depth) } catch {
                throw WireDecodingError(description: error.description)
            }
        }
    }

    /// Skips a string literal, checking its escapes, without decoding it.
    private mutating func skipString() throws(WireDecodingError) {
        reader.index += 1
        while !atEnd {
            let byte = current
            if byte == UInt8(ascii: "\"") { reader.index += 1; return }
            if byte < 0x20 { throw failure("control character in string") }
            if byte == UInt8(ascii: "\\") {
                reader.index += 1
                guard !atEnd else { break }
                switch current {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    reader.index += 1
                case UInt8(ascii: "u"):
                    reader.index += 1
                    for _ in 0..<4 {
                        guard !atEnd, current.isHexDigit else { throw failure("invalid \\u escape") }
                        reader.index += 1
                    }
                default:
                    throw failure("invalid escape")
                }
                continue
            }
            reader.index += 1
        }
        throw failure("unterminated string")
    }
}

extension UInt8 {
    var isHexDigit: Bool {
        (self >= 0x30 && self <= 0x39) || (self >= 0x41 && self <= 0x46) || (self >= 0x61 && self <= 0x66)
    }
}
