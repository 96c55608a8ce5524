import Foundation
import TurnsCore

/// A strict JSON scanner over bytes that decodes only what it is asked for: the completion object's hot path.
///
/// It runs once per streamed token, so it works on a raw pointer with every step inlined in this file (the
/// general `JSONReader` lives in another module, where each call is a real call); it hands over to `JSONReader`
/// only for what is rare in a stream: escapes in a string, numbers, `true` and `false`.
struct JSONScanner {
    private let base: UnsafePointer<UInt8>
    private let count: Int
    private var index = 0
    /// `nextKey()` has returned a key, so a separator comes before the next one.
    private var startedMembers = false
    /// The object's closing brace was read.
    private var objectEnded = false

    init(bytes: UnsafeBufferPointer<UInt8>, at position: Int = 0) {
        // An empty buffer may have no address; any valid pointer does, since nothing is read at `count` 0.
        base = bytes.baseAddress ?? UnsafePointer(bitPattern: 1)!
        count = bytes.count
        index = position
    }

    /// The offset of the next byte to read.
    var position: Int { index }

    @inline(__always) private var atEnd: Bool { index >= count }
    @inline(__always) private var current: UInt8 { base[index] }

    private func failure(_ reason: String) -> WireDecodingError {
        WireDecodingError(description: "invalid JSON at byte \(index): \(reason)")
    }

    /// The first position from `start` whose 8-byte word may hold a quote, a backslash, a control character or a
    /// non-ASCII byte, skipping plain words 8 bytes per step (the "has zero byte" bit trick); string scans go on
    /// byte by byte from there. Most keys and tokens are a word or two of plain ASCII.
    @inline(__always) private func skipPlainWords(from start: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var position = start
        while position + 8 <= count {
            let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
            let quote = word ^ (ones &* 0x22)
            let backslash = word ^ (ones &* 0x5C)
            let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
                | ((word &- ones &* 0x20) & ~word) | word
            if special & highs != 0 { break }
            position += 8
        }
        return position
    }

    @inline(__always) private mutating func skipSpace() {
        while index < count {
            let byte = base[index]
            guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
            index += 1
        }
    }

    /// Reads the opening brace of an object; `nextKey()` then walks its members.
    mutating func enterObject() throws(WireDecodingError) {
        skipSpace()
        guard !atEnd, current == UInt8(ascii: "{") else { throw failure("expected an object") }
        index += 1
        skipSpace()
        if !atEnd && current == UInt8(ascii: "}") { index += 1; objectEnded = true }
    }

    /// The next member's key, positioned at its value (which the caller must read or skip), or nil after the
    /// closing brace.
    mutating func nextKey() throws(WireDecodingError) -> CompletionKey? {
        if objectEnded { return nil }
        if startedMembers {
            skipSpace()
            guard !atEnd else { throw failure("unexpected end of input") }
            if current == UInt8(ascii: "}") { index += 1; objectEnded = true; return nil }
            guard current == UInt8(ascii: ",") else { throw failure("expected ',' or '}'") }
            index += 1
        }
        startedMembers = true
        skipSpace()
        let key = try readKey()
        skipSpace()
        guard !atEnd, current == UInt8(ascii: ":") else { throw failure("expected ':'") }
        index += 1
        skipSpace()
        return key
    }

    /// Fails unless only white space is left.
    mutating func expectEnd() throws(WireDecodingError) {
        skipSpace()
        if !atEnd { throw failure("unexpected text after the JSON value") }
    }

    /// Reads a key; plain keys are matched in place, keys with escapes are decoded first.
    private mutating func readKey() throws(WireDecodingError) -> CompletionKey {
        guard !atEnd, current == UInt8(ascii: "\"") else { throw failure("expected a string key") }
        let start = index + 1
        // The keys of a streamed event are nearly always the same few: matched with their closing quote in one
        // comparison each, before the general scan.
        if start < count {
            var known: (CompletionKey, Int)?
            switch base[start] {
            case UInt8(ascii: "c") where isKey("completion", at: start): known = (.completion, 10)
            case UInt8(ascii: "t") where isKey("type", at: start): known = (.other, 4)
            case UInt8(ascii: "i") where isKey("id", at: start): known = (.id, 2)
            case UInt8(ascii: "m") where isKey("model", at: start): known = (.model, 5)
            case UInt8(ascii: "s") where isKey("stop_reason", at: start): known = (.stopReason, 11)
            case UInt8(ascii: "s") where isKey("stop", at: start): known = (.stop, 4)
            default: break
            }
            if let (key, length) = known {
                index = start + length + 1
                return key
            }
        }
        var end = skipPlainWords(from: start)
        while end < count {
            let byte = base[end]
            if byte == UInt8(ascii: "\"") {
                index = end + 1
                return CompletionKey(UnsafeBufferPointer(start: base + start, count: end - start))
            }
            if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            end += 1
        }
        var decoded: [UInt8] = []
        try readStringSlowly(appendingTo: &decoded)
        return decoded.withUnsafeBufferPointer { CompletionKey($0) }
    }

    /// True when the bytes at `start` are `word` followed by the closing quote.
    @inline(__always) private func isKey(_ word: StaticString, at start: Int) -> Bool {
        let length = word.utf8CodeUnitCount
        return start + length < count && base[start + length] == UInt8(ascii: "\"")
            && memcmp(base + start, word.utf8Start, length) == 0
    }

    /// Reads a string, or `null` as nil; anything else is an error.
    mutating func readOptionalString() throws(WireDecodingError) -> String? {
        var bytes: [UInt8] = []
        guard try readOptionalString(appendingTo: &bytes) else { return nil }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Reads a string, appending its decoded bytes to `out`, or `null`; returns false for `null`.
    @discardableResult
    mutating func readOptionalString(appendingTo out: inout [UInt8]) throws(WireDecodingError) -> Bool {
        try readOptionalString { (bytes: UnsafeBufferPointer<UInt8>?) -> Bool in
            guard let bytes else { return false }
            out.append(contentsOf: bytes)
            return true
        }
    }

    /// Reads a string or `null`, handing its decoded bytes (nil for `null`) to `body`; plain text (no escapes)
    /// is handed over in place, without a copy.
    @inline(__always)
    mutating func readOptionalString<Result>(
        _ body: (UnsafeBufferPointer<UInt8>?) -> Result) throws(WireDecodingError) -> Result {
        guard !atEnd else { throw failure("unexpected end of input") }
        switch current {
        case UInt8(ascii: "\""):
            let start = index + 1
            var end = skipPlainWords(from: start)
            var ascii = true
            while end < count {
                let byte = base[end]
                if byte == UInt8(ascii: "\"") {
                    let text = UnsafeBufferPointer(start: base + start, count: end - start)
                    guard ascii || UTF8Validation.isValid(text) else {
                        throw WireDecodingError(description: "invalid JSON at byte \(start): string is not valid UTF-8")
                    }
                    index = end + 1
                    return body(text)
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { break }
                if byte >= 0x80 { ascii = false }
                end += 1
            }
            // Escapes and control characters go the long way.
            var decoded: [UInt8] = []
            try readStringSlowly(appendingTo: &decoded)
            return decoded.withUnsafeBufferPointer { body($0) }
        case UInt8(ascii: "n"):
            try expectNull()
            return body(nil)
        default:
            throw failure("expected a string or null")
        }
    }

    @inline(__always) private mutating func expectNull() throws(WireDecodingError) {
        guard index + 4 <= count, base[index + 1] == UInt8(ascii: "u"), base[index + 2] == UInt8(ascii: "l"),
              base[index + 3] == UInt8(ascii: "l") else {
            throw failure(index + 4 <= count ? "unexpected character" : "unexpected end of input")
        }
        index += 4
    }

    /// Skips one value, checking its syntax, without building it.
    mutating func skipValue(depth: Int) throws(WireDecodingError) {
        guard depth < JSONReader.maxDepth else { throw failure("nesting too deep") }
        guard !atEnd else { throw failure("unexpected end of input") }
        switch current {
        case UInt8(ascii: "\""):
            try skipString()
        case UInt8(ascii: "n"):
            try expectNull()
        case UInt8(ascii: "{"):
            index += 1
            skipSpace()
            if !atEnd && current == UInt8(ascii: "}") { index += 1; return }
            while true {
                skipSpace()
                guard !atEnd, current == UInt8(ascii: "\"") else { throw failure("expected a string key") }
                try skipString()
                skipSpace()
                guard !atEnd, current == UInt8(ascii: ":") else { throw failure("expected ':'") }
                index += 1
                skipSpace()
                try skipValue(depth: depth + 1)
                skipSpace()
                guard !atEnd else { throw failure("unexpected end of input") }
                if current == UInt8(ascii: ",") { index += 1; continue }
                if current == UInt8(ascii: "}") { index += 1; return }
                throw failure("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            index += 1
            skipSpace()
            if !atEnd && current == UInt8(ascii: "]") { index += 1; return }
            while true {
                skipSpace()
                try skipValue(depth: depth + 1)
                skipSpace()
                guard !atEnd else { throw failure("unexpected end of input") }
                if current == UInt8(ascii: ",") { index += 1; continue }
                if current == UInt8(ascii: "]") { index += 1; return }
                throw failure("expected ',' or ']'")
            }
        default:
            // Numbers, `true` and `false` build no heap values, so the core reader can check them.
            try withReader { reader throws(JSONParseError) in _ = try reader.readValue(depth: depth) }
        }
    }

    /// Skips a string literal, checking its escapes, without decoding it.
    private mutating func skipString() throws(WireDecodingError) {
        index = skipPlainWords(from: index + 1)
        while !atEnd {
            let byte = current
            if byte == UInt8(ascii: "\"") { index += 1; return }
            if byte < 0x20 { throw failure("control character in string") }
            if byte == UInt8(ascii: "\\") {
                index += 1
                guard !atEnd else { break }
                switch current {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
                     UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    index += 1
                case UInt8(ascii: "u"):
                    index += 1
                    for _ in 0..<4 {
                        guard !atEnd, current.isHexDigit else { throw failure("invalid \\u escape") }
                        index += 1
                    }
                default:
                    throw failure("invalid escape")
                }
                continue
            }
            index += 1
        }
        throw failure("unterminated string")
    }

    /// Decodes a string with escapes (the scanner is at its opening quote) through the core reader.
    private mutating func readStringSlowly(appendingTo out: inout [UInt8]) throws(WireDecodingError) {
        try withReader { reader throws(JSONParseError) in try reader.readString(appendingTo: &out) }
    }

    /// Runs `body` with a core reader at the scanner's position, then continues where it stopped.
    private mutating func withReader(_ body: (inout JSONReader) throws(JSONParseError) -> Void) throws(WireDecodingError) {
        var reader = JSONReader(bytes: UnsafeBufferPointer(start: base, count: count))
        reader.index = index
        do throws(JSONParseError) {
            try body(&reader)
            index = reader.index
        } catch {
            throw WireDecodingError(description: error.description)
        }
    }
}

extension UInt8 {
    /// True for the ASCII hexadecimal digits.
    var isHexDigit: Bool {
        (self >= 0x30 && self <= 0x39) || (self >= 0x41 && self <= 0x46) || (self >= 0x61 && self <= 0x66)
    }
}
