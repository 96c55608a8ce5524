// TODO(merge): only TurnsAPI/TurnsServe use this
/// A JSON document as a Swift value. Objects keep their keys in the order they were read or built, so
/// what is written back is stable (transcripts round-trip byte for byte).
public enum JSONValue: Sendable, Equatable {
    /// `null`
    case null
    /// `true` / `false`
    case bool(Bool)
    /// A number, kept as the double it denotes.
    case number(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, as ordered key/value pairs.
    case object([(String, JSONValue)])

    /// Equality compares objects as ordered pair lists.
    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case let (.bool(a), .bool(b)): return a == b
        case let (.number(a), .number(b)): return a == b
        case let (.string(a), .string(b)): return a == b
        case let (.array(a), .array(b)): return a == b
        case let (.object(a), .object(b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// The value for `key` when this is an object (the first one, if a key repeats).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first(where: { $0.0 == key })?.1
    }

    /// The string, when this is one.
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    /// The number, when this is one.
    public var doubleValue: Double? { if case .number(let d) = self { return d } else { return nil } }
    /// The number as an integer, when this is a whole number that fits.
    public var intValue: Int? {
        guard case .number(let d) = self, d == d.rounded(), abs(d) < 9.0e15 else { return nil }
        return Int(d)
    }
    /// The boolean, when this is one.
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    /// The pairs, when this is an object.
    public var objectValue: [(String, JSONValue)]? { if case .object(let o) = self { return o } else { return nil } }
    /// True for `null`.
    public var isNull: Bool { if case .null = self { return true } else { return false } }
}

// MARK: - Parsing

/// Why a JSON text could not be read, with the byte offset where reading stopped.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was wrong.
    public var reason: String
    /// The byte offset into the input.
    public var offset: Int
    /// "invalid JSON at byte 12: expected ':'"
    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

extension JSONValue {
    /// Parses a complete JSON text (RFC 8259); trailing non-space bytes are an error.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        var copy = text
        let result: Result<JSONValue, JSONParseError> = copy.withUTF8 { buffer in
            do throws(JSONParseError) { return .success(try parse(bytes: buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    /// Parses a complete JSON text from UTF-8 bytes.
    public static func parse(bytes: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var reader = JSONReader(bytes: bytes)
        reader.skipSpace()
        let value = try reader.readValue(depth: 0)
        reader.skipSpace()
        if reader.index != bytes.count { throw reader.error("unexpected text after the JSON value") }
        return value
    }

    /// Parses a complete JSON text from UTF-8 bytes.
    public static func parse(bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        let result: Result<JSONValue, JSONParseError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(JSONParseError) { return .success(try parse(bytes: buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}

/// A cursor over UTF-8 bytes that reads JSON values. Usable on its own for fast, targeted scans.
public struct JSONReader {
    /// The input.
    public let bytes: UnsafeBufferPointer<UInt8>
    /// The next byte to read.
    public var index: Int = 0
    /// Nesting deeper than this is refused, so hostile input cannot exhaust the stack.
    public static let maxDepth = 512

    /// Creates a reader at the start of `bytes`.
    public init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func error(_ reason: String) -> JSONParseError { JSONParseError(reason: reason, offset: index) }

    /// Skips JSON white space.
    public mutating func skipSpace() {
        while index < bytes.count {
            let b = bytes[index]
            if b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 { index += 1 } else { break }
        }
    }

    /// Reads one value of any kind.
    public mutating func readValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try readObject(depth: depth)
        case UInt8(ascii: "["): return try readArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try readNumber())
        default: throw error("unexpected character")
        }
    }

    private mutating func expectWord(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count else { throw error("unexpected end of input") }
        for k in 0..<count where bytes[index + k] != word.utf8Start[k] { throw error("unexpected character") }
        index += count
    }

    private mutating func readObject(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth < JSONReader.maxDepth else { throw error("nesting too deep") }
        var pairs: [(String, JSONValue)] = []
        try typed { (reader: inout JSONReader) throws in
            try reader.readObjectMembers { reader, key in pairs.append((key, try reader.readValue(depth: depth + 1))) }
        }
        return .object(pairs)
    }

    private mutating func readArray(depth: Int) throws(JSONParseError) -> JSONValue {
        guard depth < JSONReader.maxDepth else { throw error("nesting too deep") }
        var items: [JSONValue] = []
        try typed { (reader: inout JSONReader) throws in
            try reader.readArrayElements { reader in items.append(try reader.readValue(depth: depth + 1)) }
        }
        return .array(items)
    }

    /// Runs a walk whose closures can only throw `JSONParseError`, keeping `readValue`'s typed throws.
    private mutating func typed(_ walk: (inout JSONReader) throws -> Void) throws(JSONParseError) {
        do {
            try walk(&self)
        } catch let failure as JSONParseError {
            throw failure
        } catch {
            throw self.error("\(error)")
        }
    }

    /// Reads a number in JSON syntax.
    public mutating func readNumber() throws(JSONParseError) -> Double {
        let start = index
        if index < bytes.count && bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
        if bytes[index] == UInt8(ascii: "0") { index += 1 } else { while index < bytes.count && isDigit(bytes[index]) { index += 1 } }
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        }
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-")) { index += 1 }
            guard index < bytes.count, isDigit(bytes[index]) else { throw error("invalid number") }
            while index < bytes.count && isDigit(bytes[index]) { index += 1 }
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        guard let value = Double(text) else { throw JSONParseError(reason: "invalid number", offset: start) }
        return value
    }

    @inline(__always) private func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// Reads a string literal (the reader is at its opening quote), decoding escapes and checking UTF-8.
    public mutating func readString() throws(JSONParseError) -> String {
        let quote = index
        index += 1
        let start = index
        // Fast path: no escapes, plain bytes up to the closing quote, made into a String in one step. ASCII needs
        // no validation, and validating was a quarter of the SSE decoder's time.
        var ascii = true
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<index])
                index += 1
                guard ascii || UTF8Validation.isValid(slice) else {
                    throw JSONParseError(reason: "string is not valid UTF-8", offset: start)
                }
                return String(decoding: slice, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") || b < 0x20 { break }
            if b >= 0x80 { ascii = false }
            index += 1
        }
        index = quote
        var out: [UInt8] = []
        try readString(appendingTo: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Reads a string literal (the reader is at its opening quote) and appends its decoded UTF-8 bytes to `out`,
    /// so a caller gathering many strings (the texts of streamed events) builds no String per literal.
    /// On failure `out` may hold part of the literal; the caller discards it.
    public mutating func readString(appendingTo out: inout [UInt8]) throws(JSONParseError) {
        index += 1
        let start = index
        let outStart = out.count
        var runStart = index
        var ascii = true
        while index < bytes.count {
            let b = bytes[index]
            if b == UInt8(ascii: "\"") {
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
                index += 1
                // Escapes only ever produce whole, valid scalars, so checking the result checks the raw bytes.
                guard ascii || out.withUnsafeBufferPointer({ UTF8Validation.isValid(UnsafeBufferPointer(rebasing: $0[outStart...])) }) else {
                    throw JSONParseError(reason: "string is not valid UTF-8", offset: start)
                }
                return
            }
            if b < 0x20 { throw error("control character in string") }
            if b >= 0x80 { ascii = false }
            guard b == UInt8(ascii: "\\") else { index += 1; continue }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index]))
            index += 1
            guard index < bytes.count else { break }
            let e = bytes[index]
            index += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try readHex4()
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    // A high surrogate must be followed by an escaped low surrogate.
                    if index + 1 < bytes.count && bytes[index] == UInt8(ascii: "\\") && bytes[index + 1] == UInt8(ascii: "u") {
                        index += 2
                        let low = try readHex4()
                        if low >= 0xDC00 && low < 0xE000 {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            appendScalar(0xFFFD, to: &out)
                            scalar = low
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if scalar >= 0xDC00 && scalar < 0xE000 {
                    scalar = 0xFFFD
                }
                appendScalar(scalar, to: &out)
            default: throw error("invalid escape")
            }
            runStart = index
        }
        throw JSONParseError(reason: "unterminated string", offset: start - 1)
    }

    private mutating func readHex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw error("invalid \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[index]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw error("invalid \\u escape")
            }
            v = v << 4 | d
            index += 1
        }
        return v
    }

    private func appendScalar(_ value: UInt32, to out: inout [UInt8]) {
        let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
        out.append(contentsOf: String(Character(scalar)).utf8)
    }

    /// Reads an object member by member: `body` is called with each key, positioned at its value, and must
    /// read (or skip) that value. Lets a large document be decoded without building the whole tree.
    public mutating func readObjectMembers(_ body: (inout JSONReader, String) throws -> Void) throws {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { throw error("expected an object") }
        index += 1
        skipSpace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "}") { index += 1; return }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try readString()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':'") }
            index += 1
            skipSpace()
            try body(&self, key)
            skipSpace()
            guard index < bytes.count else { throw error("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return }
            throw error("expected ',' or '}'")
        }
    }

    /// Reads an array element by element: `body` is called positioned at each element and must read it.
    public mutating func readArrayElements(_ body: (inout JSONReader) throws -> Void) throws {
        skipSpace()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { throw error("expected an array") }
        index += 1
        skipSpace()
        if index < bytes.count && bytes[index] == UInt8(ascii: "]") { index += 1; return }
        while true {
            skipSpace()
            try body(&self)
            skipSpace()
            guard index < bytes.count else { throw error("unexpected end of input") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return }
            throw error("expected ',' or ']'")
        }
    }

    /// Skips one value of any kind without building it.
    public mutating func skipValue(depth: Int = 0) throws(JSONParseError) {
        _ = try readValue(depth: depth)
    }
}

// MARK: - Writing

extension JSONValue {
    /// The compact JSON text of this value (no spaces), with keys in their stored order.
    public var jsonText: String {
        var out = ""
        write(to: &out, indent: nil, level: 0)
        return out
    }

    /// JSON text indented with two spaces per level, for files people may read.
    public var prettyJSONText: String {
        var out = ""
        write(to: &out, indent: "  ", level: 0)
        return out
    }

    private func write(to out: inout String, indent: String?, level: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let d): out += JSONValue.formatNumber(d)
        case .string(let s): JSONValue.writeString(s, to: &out)
        case .array(let items):
            if items.isEmpty { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                newline(&out, indent, level + 1)
                item.write(to: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out += "]"
        case .object(let pairs):
            if pairs.isEmpty { out += "{}"; return }
            out += "{"
            for (i, pair) in pairs.enumerated() {
                if i > 0 { out += "," }
                newline(&out, indent, level + 1)
                JSONValue.writeString(pair.0, to: &out)
                out += indent == nil ? ":" : ": "
                pair.1.write(to: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent, level)
            out += "}"
        }
    }

    private func newline(_ out: inout String, _ indent: String?, _ level: Int) {
        guard let indent else { return }
        out += "\n"
        for _ in 0..<level { out += indent }
    }

    /// Formats a number as JSON: whole numbers without a fraction, others in Swift's shortest round-trip form.
    public static func formatNumber(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }

    /// Appends `s` as a JSON string literal: quotes, backslashes and control characters escaped.
    public static func writeString(_ s: String, to out: inout String) {
        var s = s
        guard s.withUTF8({ $0.contains(where: needsEscape) }) else {
            out += "\""
            out += s
            out += "\""
            return
        }
        s.withUTF8 { bytes in
            // Escaped byte by byte into one buffer, runs without escapes copied whole: a byte that needs escaping
            // is never part of a multi-byte character (those bytes are all 0x80 or above), and one append of the
            // result beats appending to the String per character (a streamed answer is mostly such runs).
            var escaped: [UInt8] = []
            escaped.reserveCapacity(bytes.count + bytes.count / 8 + 2)
            escaped.append(0x22)
            var run = 0
            for (index, byte) in bytes.enumerated() where needsEscape(byte) {
                escaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<index]))
                appendEscape(of: byte, to: &escaped)
                run = index + 1
            }
            escaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run...]))
            escaped.append(0x22)
            out += String(decoding: escaped, as: UTF8.self)
        }
    }

    /// Whether a byte of UTF-8 must be escaped in a JSON string: a quote, a backslash or a control character.
    @inline(__always)
    private static func needsEscape(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x22 || byte == 0x5C }

    /// The escape of one such byte: the short forms JSON has, else `\u00XX`.
    private static func appendEscape(of byte: UInt8, to escaped: inout [UInt8]) {
        let backslash: UInt8 = 0x5C
        switch byte {
        case 0x22: escaped += [backslash, 0x22]
        case 0x5C: escaped += [backslash, backslash]
        case 0x0A: escaped += [backslash, UInt8(ascii: "n")]
        case 0x0D: escaped += [backslash, UInt8(ascii: "r")]
        case 0x09: escaped += [backslash, UInt8(ascii: "t")]
        case 0x08: escaped += [backslash, UInt8(ascii: "b")]
        case 0x0C: escaped += [backslash, UInt8(ascii: "f")]
        default:
            let hex = Array("0123456789abcdef".utf8)
            escaped += [backslash, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)],
                        hex[Int(byte & 0x0F)]]
        }
    }

    /// `s` as a JSON string literal.
    public static func quoted(_ s: String) -> String {
        var out = ""
        writeString(s, to: &out)
        return out
    }
}
