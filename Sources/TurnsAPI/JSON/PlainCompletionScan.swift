import Foundation

/// Reads a streamed completion object in the plain form servers send: keys and values that are ASCII strings
/// without escapes, or null. Anything else (an escape, a number, a nested value, a repeated key) is left to
/// `JSONDecoder`, so the two agree by construction.
// Why not JSONDecoder alone: it took ~17 µs per event here, against the --print budget of ~1 µs per event all-in.
enum PlainCompletionScan {
    /// Adds the object `json` holds to `delta` (its text appended, its other non-null fields set); false, with
    /// `delta` untouched, when the object is not in the plain form. The model and id, the same in every event,
    /// become Strings only when they differ from `delta`'s.
    static func add(_ json: UnsafeBufferPointer<UInt8>, to delta: inout CompletionDelta) -> Bool {
        var scan = Cursor(bytes: json)
        var text, stopReason, stop, model, id: Range<Int>?
        var seen: UInt8 = 0
        guard scan.take(UInt8(ascii: "{")) else { return false }
        if !scan.take(UInt8(ascii: "}")) {
            repeat {
                guard let key = scan.string(), scan.take(UInt8(ascii: ":")) else { return false }
                let value = scan.string()
                guard value != nil || scan.takeNull() else { return false }
                guard let field = Field(UnsafeBufferPointer(rebasing: json[key])) else { continue }
                guard seen & 1 << field.rawValue == 0 else { return false }
                seen |= 1 << field.rawValue
                switch field {
                case .completion: text = value
                case .stopReason: stopReason = value
                case .stop: stop = value
                case .model: model = value
                case .id: id = value
                }
            } while scan.take(UInt8(ascii: ","))
            guard scan.take(UInt8(ascii: "}")) else { return false }
        }
        guard scan.atEnd else { return false }
        if let text { delta.text += String(decoding: UnsafeBufferPointer(rebasing: json[text]), as: UTF8.self) }
        set(&delta.stopReason, stopReason, in: json)
        set(&delta.stop, stop, in: json)
        set(&delta.model, model, in: json)
        set(&delta.id, id, in: json)
        return true
    }

    /// Sets `field` to the string at `range` of `json` when there is one and it differs from `field`.
    private static func set(_ field: inout String?, _ range: Range<Int>?, in json: UnsafeBufferPointer<UInt8>) {
        guard let range else { return }
        let bytes = UnsafeBufferPointer(rebasing: json[range])
        let same = field?.utf8.withContiguousStorageIfAvailable {
            $0.count == bytes.count && memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0
        }
        if same != true { field = String(decoding: bytes, as: UTF8.self) }
    }

    /// The fields read; any other key is skipped.
    private enum Field: UInt8 {
        case completion, stopReason, stop, model, id

        init?(_ key: UnsafeBufferPointer<UInt8>) {
            if key.equals("completion") { self = .completion }
            else if key.equals("stop_reason") { self = .stopReason }
            else if key.equals("stop") { self = .stop }
            else if key.equals("model") { self = .model }
            else if key.equals("id") { self = .id }
            else { return nil }
        }
    }

    /// A position in the object's bytes; every step skips the white space before what it reads.
    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        var atEnd: Bool {
            mutating get {
                skipSpace()
                return index == bytes.count
            }
        }

        mutating func skipSpace() {
            while index < bytes.count {
                let byte = bytes[index]
                guard byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 else { return }
                index += 1
            }
        }

        /// Reads `byte`; false (and nothing read) when something else comes.
        mutating func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        /// Reads `null`.
        mutating func takeNull() -> Bool {
            skipSpace()
            guard bytes.count - index >= 4, UnsafeBufferPointer(rebasing: bytes[index..<index + 4]).equals("null") else {
                return false
            }
            index += 4
            return true
        }

        /// Reads a string of printable ASCII without escapes: where its characters lie, between the quotes.
        mutating func string() -> Range<Int>? {
            guard take(UInt8(ascii: "\"")), index < bytes.count,
                  let quote = memchr(bytes.baseAddress! + index, Int32(UInt8(ascii: "\"")), bytes.count - index) else {
                return nil
            }
            let start = index
            index += UnsafeRawPointer(quote) - UnsafeRawPointer(bytes.baseAddress! + start)
            // One pass without early exit, so the compiler can check many bytes per step.
            var unplain: UInt8 = 0
            for byte in UnsafeBufferPointer(rebasing: bytes[start..<index]) {
                unplain |= (byte < 0x20 ? 1 : 0) | byte >> 7 | (byte == UInt8(ascii: "\\") ? 1 : 0)
            }
            guard unplain == 0 else { return nil }
            index += 1
            return start..<index - 1
        }
    }
}
