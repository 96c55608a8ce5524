import Foundation
import TurnsCore

/// Why a JSON body could not be read as the object the wire expects.
struct WireDecodingError: Error, Sendable, CustomStringConvertible {
    /// What was wrong, with the byte offset where known.
    var description: String
}

/// Reads the `completion` object of `/v1/complete` (a whole response or one streamed event's data) with a
/// targeted scan: only `completion`, `stop_reason`, `stop`, `model` and `id` become values; every other
/// key is skipped without building anything, so a streamed event costs about one string for its text.
enum CompletionJSON {
    /// Decodes a completion object; unknown keys are ignored, a missing `completion` text counts as empty.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(WireDecodingError) -> Completion {
        var scanner = JSONScanner(bytes: bytes)
        var completion = Completion(completion: "")
        try scanner.readObject { key, scanner throws(WireDecodingError) in
            switch key {
            case .completion: completion.completion = try scanner.readOptionalString() ?? ""
            case .stopReason: completion.stopReason = try scanner.readOptionalString()
            case .stop: completion.stop = try scanner.readOptionalString()
            case .model: completion.model = try scanner.readOptionalString()
            case .id: completion.id = try scanner.readOptionalString()
            case .other: try scanner.skipValue(depth: 1)
            }
        }
        try scanner.expectEnd()
        return completion
    }

    /// Decodes a completion object from an array of bytes.
    static func decode(_ bytes: [UInt8]) throws(WireDecodingError) -> Completion {
        let result: Result<Completion, WireDecodingError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(WireDecodingError) { return .success(try decode(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

/// The keys of a completion object the scanner looks for.
extension CompletionJSON {
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

    init(bytes: UnsafeBufferPointer<UInt8>) { reader = JSONReader(bytes: bytes) }

    private var bytes: UnsafeBufferPointer<UInt8> { reader.bytes }
    private var atEnd: Bool { reader.index >= bytes.count }
    private var current: UInt8 { bytes[reader.index] }

    private func failure(_ reason: String) -> WireDecodingError {
        WireDecodingError(description: "invalid JSON at byte \(reader.index): \(reason)")
    }

    /// Reads `{ "key": value, … }`, handing each key to `field`, which must consume the value.
    mutating func readObject(_ field: (CompletionKey, inout JSONScanner) throws(WireDecodingError) -> Void)
        throws(WireDecodingError) {
        reader.skipSpace()
        guard !atEnd, current == UInt8(ascii: "{") else { throw failure("expected an object") }
        reader.index += 1
        reader.skipSpace()
        if !atEnd && current == UInt8(ascii: "}") { reader.index += 1; return }
        while true {
            reader.skipSpace()
            let key = try readKey()
            reader.skipSpace()
            guard !atEnd, current == UInt8(ascii: ":") else { throw failure("expected ':'") }
            reader.index += 1
            reader.skipSpace()
            try field(key, &self)
            reader.skipSpace()
            guard !atEnd else { throw failure("unexpected end of input") }
            if current == UInt8(ascii: ",") { reader.index += 1; continue }
            if current == UInt8(ascii: "}") { reader.index += 1; return }
            throw failure("expected ',' or '}'")
        }
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
