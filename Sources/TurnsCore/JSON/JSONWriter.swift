/// Writes JSON with its keys in the order given, compact (journal lines) or indented by two spaces (transcripts).
/// Not JSONEncoder: it cannot reproduce the existing files' bytes (it reorders keys and writes `"key" : value`).
struct JSONWriter {
    /// The UTF-8 text written so far.
    private(set) var bytes: [UInt8] = []
    private let indented: Bool
    private var depth = 0
    /// True when the next key or value follows another in the same container.
    private var followsValue = false
    /// True right after a key, where its value goes without a separator.
    private var followsKey = false
    /// Takes the text whenever it passes 64 KB between two array elements (the writer then starts afresh), so a
    /// long document goes to its file without ever being whole in memory.
    private let drain: (([UInt8]) -> Void)?

    /// Creates a writer; `indented` writes one member or element per line.
    init(indented: Bool, drain: (([UInt8]) -> Void)? = nil) {
        self.indented = indented
        self.drain = drain
    }

    /// Writes an object whose members `body` writes (each with `key` and a value).
    mutating func object(_ body: (inout JSONWriter) -> Void) {
        open(UInt8(ascii: "{"))
        body(&self)
        close(UInt8(ascii: "}"))
    }

    /// Writes an array of `items`, each written by `element`.
    mutating func array<Items: Collection>(_ items: Items, _ element: (inout JSONWriter, Items.Element) -> Void) {
        if items.isEmpty {
            startValue()
            bytes += [UInt8(ascii: "["), UInt8(ascii: "]")]
            return
        }
        open(UInt8(ascii: "["))
        for item in items {
            element(&self, item)
            if let drain, bytes.count >= 1 << 16 {
                drain(bytes)
                bytes.removeAll(keepingCapacity: true)
            }
        }
        close(UInt8(ascii: "]"))
    }

    /// Writes a member's key; the next value written is its value.
    mutating func key(_ name: String) {
        startValue()
        quote(name)
        bytes.append(UInt8(ascii: ":"))
        if indented { bytes.append(UInt8(ascii: " ")) }
        followsKey = true
    }

    /// Writes a string, or null.
    mutating func string(_ value: String?) {
        startValue()
        if let value { quote(value) } else { bytes += Array("null".utf8) }
    }

    /// Writes a number (whole numbers without a fraction, others in Swift's shortest round-trip form), or null.
    mutating func number(_ value: Double?) {
        startValue()
        guard let value, value.isFinite else { bytes += Array("null".utf8); return }
        let text = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        bytes += Array(text.utf8)
    }

    /// Writes `true` or `false`.
    mutating func bool(_ value: Bool) {
        startValue()
        bytes += Array((value ? "true" : "false").utf8)
    }

    /// Writes a member whose value is a string or null.
    mutating func member(_ name: String, _ value: String?) { key(name); string(value) }
    /// Writes a member whose value is a number or null.
    mutating func member(_ name: String, _ value: Double?) { key(name); number(value) }

    private mutating func open(_ bracket: UInt8) {
        startValue()
        bytes.append(bracket)
        depth += 1
        followsValue = false
    }

    private mutating func close(_ bracket: UInt8) {
        depth -= 1
        newline()
        bytes.append(bracket)
        followsValue = true
    }

    /// The separator before a key or value: none after a key, else a comma after a sibling and a new line.
    private mutating func startValue() {
        if followsKey {
            followsKey = false
        } else {
            if followsValue { bytes.append(UInt8(ascii: ",")) }
            if depth > 0 { newline() }
        }
        followsValue = true
    }

    private mutating func newline() {
        guard indented else { return }
        bytes.append(0x0A)
        bytes += repeatElement(UInt8(ascii: " "), count: 2 * depth)
    }

    /// Appends `text` as a string literal: quotes, backslashes and control characters escaped, the rest as is.
    private mutating func quote(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var run = 0
            // A byte that needs escaping is never part of a multi-byte character (those bytes are all 0x80 or above).
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                bytes += UnsafeBufferPointer(rebasing: utf8[run..<index])
                appendEscape(of: byte)
                run = index + 1
            }
            bytes += UnsafeBufferPointer(rebasing: utf8[run...])
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// The escape of one byte: the short forms JSON has, else `\u00XX`.
    private mutating func appendEscape(of byte: UInt8) {
        bytes.append(0x5C)
        switch byte {
        case 0x22, 0x5C: bytes.append(byte)
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default:
            let hex = Array("0123456789abcdef".utf8)
            bytes += [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]]
        }
    }
}
