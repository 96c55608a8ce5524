import Foundation

/// Reads the per-event JSON of both stream wires in the plain form servers send: a Text Completions `completion`
/// object, and a Messages `content_block_delta` carrying a `text_delta`. Values are strings (UTF-8, any escape but
/// `\u`), null and unsigned integers. Anything else (a `\u` escape, a float, an array, a repeated key, another event)
/// is left to `JSONDecoder`, so the two agree by construction.
// Why not JSONDecoder alone: it took ~17 µs per event here, against the --print budget of ~1 µs per event all-in.
enum PlainEventScan {
    /// Adds a `completion` object: its text to `text`, its other non-null fields to `delta`; false, with both
    /// untouched, when the object is not plain. The model and id, the same in every event, become Strings only when
    /// they differ from `delta`'s.
    ///
    /// When the object starts with its text (`{"completion":"`) and has no stop reason, `tail` becomes the bytes after
    /// the text, for `addRecurring`; otherwise it is emptied.
    static func addCompletion(_ json: UnsafeBufferPointer<UInt8>, to delta: inout CompletionDelta,
                              text: inout [UInt8], tail: inout [UInt8]) -> Bool {
        var scan = Cursor(bytes: json)
        var completion, stopReason, stop, model, id: Cursor.Text?
        var seen: UInt8 = 0
        let plain = scan.object { scan, key in
            let value = scan.string()
            guard value != nil || scan.takeNull() else { return scan.digits() && Field(key) == nil }
            guard let field = Field(key) else { return true }
            guard seen & 1 << field.rawValue == 0 else { return false }
            seen |= 1 << field.rawValue
            switch field {
            case .completion: completion = value
            case .stopReason: stopReason = value
            case .stop: stop = value
            case .model: model = value
            case .id: id = value
            }
            return true
        }
        // The other fields are identifiers: one with an escape or a non-ASCII byte is left to JSONDecoder.
        guard plain, scan.atEnd, stopReason?.isASCII ?? true, stop?.isASCII ?? true, model?.isASCII ?? true,
              id?.isASCII ?? true else { return false }
        if let completion, !scan.append(completion, to: &text) { return false }
        if let completion, stopReason == nil, stop == nil, completion.range.lowerBound == recurringHead.utf8CodeUnitCount {
            tail = Array(json[(completion.range.upperBound + 1)...])
        } else {
            tail = []  // a later object ending as an older one may still differ from this one
        }
        set(&delta.stopReason, stopReason, in: json)
        set(&delta.stop, stop, in: json)
        set(&delta.model, model, in: json)
        set(&delta.id, id, in: json)
        return true
    }

    /// Adds the text of a `completion` object that is `{"completion":"`, its text, then exactly `tail` (the bytes after
    /// the text of an object of the same stream that `addCompletion` read): only the text is read. False, with `text`
    /// untouched, for any other object.
    // Why: every event repeats its id, model and nulls, and reading them was ~half of --print's CPU (budget 5× curl).
    static func addRecurring(_ json: UnsafeBufferPointer<UInt8>, tail: [UInt8], to text: inout [UInt8]) -> Bool {
        let head = recurringHead.utf8CodeUnitCount
        guard !tail.isEmpty, json.count > head + tail.count,
              UnsafeBufferPointer(rebasing: json[..<head]).equals(recurringHead) else { return false }
        var scan = Cursor(bytes: json, index: head - 1)
        guard let completion = scan.string(), json.count - scan.index == tail.count,
              memcmp(json.baseAddress! + scan.index, tail, tail.count) == 0 else { return false }
        return scan.append(completion, to: &text)
    }

    /// How a `completion` object that `addRecurring` reads starts.
    private static let recurringHead: StaticString = #"{"completion":""#

    /// Adds the text of a `content_block_delta` event whose delta is a `text_delta` to `text`; false, with `text`
    /// untouched, for any other event or form.
    static func addTextDelta(_ json: UnsafeBufferPointer<UInt8>, to text: inout [UInt8]) -> Bool {
        var scan = Cursor(bytes: json)
        var seen: UInt8 = 0, deltaSeen: UInt8 = 0
        var deltaText: Cursor.Text?
        let plain = scan.object { scan, key in
            let bit: UInt8 = key.equals("type") ? 1 : key.equals("index") ? 2 : key.equals("delta") ? 4 : 0
            guard bit != 0, seen & bit == 0 else { return false }
            seen |= bit
            switch bit {
            case 1: return scan.string().map { UnsafeBufferPointer(rebasing: json[$0.range]).equals("content_block_delta") } ?? false
            case 2: return scan.digits()
            default:
                return scan.object { scan, key in
                    let bit: UInt8 = key.equals("type") ? 1 : key.equals("text") ? 2 : 0
                    guard bit != 0, deltaSeen & bit == 0, let value = scan.string() else { return false }
                    deltaSeen |= bit
                    if bit == 2 { deltaText = value }
                    return bit == 2 || UnsafeBufferPointer(rebasing: json[value.range]).equals("text_delta")
                }
            }
        }
        guard plain, scan.atEnd, seen == 7, deltaSeen == 3, let deltaText else { return false }
        return scan.append(deltaText, to: &text)
    }

    /// Sets `field` to the ASCII string `text` of `json` when there is one and it differs from `field`.
    private static func set(_ field: inout String?, _ text: Cursor.Text?, in json: UnsafeBufferPointer<UInt8>) {
        guard let text else { return }
        let bytes = UnsafeBufferPointer(rebasing: json[text.range])
        let same = field?.utf8.withContiguousStorageIfAvailable {
            $0.count == bytes.count && memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0
        }
        if same != true { field = String(decoding: bytes, as: UTF8.self) }
    }

    /// The fields of a `completion` object read; any other key is skipped.
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

    /// A position in an object's bytes; every step skips the white space before what it reads.
    private struct Cursor {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0

        /// A string: where its bytes lie between the quotes, and whether they are ASCII without escapes.
        struct Text {
            var range: Range<Int>
            var isASCII: Bool
        }

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

        /// Reads an object, handing each key (ASCII without escapes) to `field`, which reads its value.
        mutating func object(_ field: (inout Cursor, UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
            guard take(UInt8(ascii: "{")) else { return false }
            if take(UInt8(ascii: "}")) { return true }
            repeat {
                guard let key = string(), key.isASCII, take(UInt8(ascii: ":")),
                      field(&self, UnsafeBufferPointer(rebasing: bytes[key.range])) else { return false }
            } while take(UInt8(ascii: ","))
            return take(UInt8(ascii: "}"))
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

        /// Reads an unsigned integer without a leading zero (other than 0 itself).
        mutating func digits() -> Bool {
            skipSpace()
            let start = index
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) { index += 1 }
            return index - start == 1 || index > start && bytes[start] != 0x30
        }

        /// Reads a string without control characters; after a string that is not one, nothing more is read.
        mutating func string() -> Text? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            var unplain: UInt8 = 0
            // Eight bytes a step to the first that needs a look (a byte a step was ~40% of --print's CPU).
            while index + 8 <= bytes.count {
                let marks = Self.marks(UnsafeRawPointer(bytes.baseAddress! + index))
                index += marks.trailingZeroBitCount / 8
                if marks != 0 { break }
            }
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    index += 1
                    return Text(range: start..<index - 1, isASCII: unplain == 0)
                }
                if byte < 0x20 { break }
                if byte == UInt8(ascii: "\\") { index += 1 }
                unplain |= byte >> 7 | (byte == UInt8(ascii: "\\") ? 1 : 0)
                index += 1
            }
            index = bytes.count  // what follows is not read: the object cannot end
            return nil
        }

        /// The high bit of each of the eight bytes at `word` that is a quote, a backslash, a control character or
        /// not ASCII; exact up to the lowest mark (borrows only carry upwards), which is all the caller reads.
        static func marks(_ word: UnsafeRawPointer) -> UInt64 {
            let bytes = UInt64(littleEndian: word.loadUnaligned(as: UInt64.self))
            let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
            func below(_ limit: UInt64, _ value: UInt64) -> UInt64 { (value &- ones &* limit) & ~value & highs }
            return (bytes & highs) | below(0x20, bytes) | below(1, bytes ^ (ones &* 0x22)) | below(1, bytes ^ (ones &* 0x5C))
        }

        /// Appends what `text` says to `out`: its escapes decoded, its bytes checked to be UTF-8; false, with `out`
        /// as it was, for a `\u` escape or bytes that are not UTF-8.
        func append(_ text: Text, to out: inout [UInt8]) -> Bool {
            let raw = UnsafeBufferPointer(rebasing: bytes[text.range])
            if text.isASCII {
                out.append(contentsOf: raw)
                return true
            }
            let start = out.count
            var index = 0
            while index < raw.count {
                var byte = raw[index]
                index += 1
                if byte == UInt8(ascii: "\\") {
                    switch raw[index] {
                    case UInt8(ascii: "n"): byte = 0x0A
                    case UInt8(ascii: "t"): byte = 0x09
                    case UInt8(ascii: "r"): byte = 0x0D
                    case UInt8(ascii: "b"): byte = 0x08
                    case UInt8(ascii: "f"): byte = 0x0C
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): byte = raw[index]
                    default: byte = 0xFF  // `\u` or not an escape: never valid UTF-8 below
                    }
                    index += 1
                }
                out.append(byte)
            }
            guard String(validating: out[start...], as: UTF8.self) != nil else {
                out.removeSubrange(start...)
                return false
            }
            return true
        }
    }
}
