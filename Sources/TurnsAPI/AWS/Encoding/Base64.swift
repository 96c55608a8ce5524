import CByteKernels

/// Standard base64 (RFC 4648, `+/`, `=` padding) on bytes, for event-stream `chunk` payloads.
///
/// Foundation's `Data(base64Encoded:)` would cost a `Data` and a `String` per chunk; this works on the
/// payload's bytes in place. On x86-64 the text is decoded 16 (SSSE3), 32 (AVX2) or 64 (AVX-512 VBMI) characters per
/// step, in C (`turns_base64_decode`); on other CPUs by the table loop here.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// 0–63 for alphabet bytes, 0xFF for anything else.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        return table
    }()

    /// The padded base64 text of `bytes`.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let group = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            out.append(alphabet[Int(group >> 18)])
            out.append(alphabet[Int((group >> 12) & 63)])
            out.append(second == nil ? UInt8(ascii: "=") : alphabet[Int((group >> 6) & 63)])
            out.append(third == nil ? UInt8(ascii: "=") : alphabet[Int(group & 63)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes base64 `text` stands for, or nil when it is not base64 (padding may be left out; no white space).
    public static func decode(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard let count = decodedCount(of: text) else { return nil }
        var valid = false
        let out = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            valid = decode(text, into: buffer) != nil
            initialized = valid ? count : 0
        }
        return valid ? out : nil
    }

    /// How many bytes base64 `text` decodes to, or nil when its length or padding cannot be base64.
    public static func decodedCount(of text: UnsafeBufferPointer<UInt8>) -> Int? {
        measure(text)?.produced
    }

    /// Where the characters of `text` end (before its padding) and how many bytes they stand for; nil when its
    /// length or padding cannot be base64 (the rule is `turns_base64_measure`'s, shared with the C decoders).
    @inline(__always)
    private static func measure(_ text: UnsafeBufferPointer<UInt8>) -> (end: Int, produced: Int)? {
        guard let base = text.baseAddress else { return (0, 0) }
        var end = 0, produced = 0
        guard turns_base64_measure(base, text.count, &end, &produced) != 0 else { return nil }
        return (end, produced)
    }

    /// Decodes base64 `text` into the start of `output` (at least `decodedCount(of:)` bytes); returns the count
    /// written, or nil when the text is not base64 (bytes of `output` past the written ones may be overwritten: the
    /// vector path stores 16 or 32 bytes at a time). A streamed chunk is decoded into a buffer its reader reuses,
    /// so a token costs no allocation here.
    public static func decode(_ text: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        decode(text, into: output, method: canDecodeBlocks ? .widest : .table)
    }

    /// How the text may be decoded (tests compare every path this CPU has).
    enum Method: Equatable {
        /// The table loop.
        case table
        /// Vector steps of at most this many characters: 16 (SSSE3), 32 (AVX2) or 64 (AVX-512 VBMI).
        case steps(Int)
        /// The widest vector steps the CPU has.
        case widest
    }

    /// The widest vector step this CPU decodes in, in characters (64, 32 or 16); 0 when it has none.
    static let widestStep = Int(turns_base64_widest_step())

    /// Whether this CPU decodes with the vector steps.
    static let canDecodeBlocks = widestStep > 0

    /// Decodes the way `method` says (a vector method only where `canDecodeBlocks`).
    static func decode(_ text: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>,
                       method: Method) -> Int? {
        let capacity = output.count
        guard let (end, produced) = measure(text), capacity >= produced else { return nil }
        guard produced > 0, let input = text.baseAddress, let output = output.baseAddress else { return 0 }
        if method != .table {
            // The C kernels take the measured characters (the padding left off) and the room checked above.
            let written = switch method {
            case .steps(let step): turns_base64_decode_steps(input, end, output, capacity, Int32(step))
            default: turns_base64_decode(input, end, output, capacity)
            }
            return written < 0 ? nil : written
        }
        let quads = end / 4
        let valid = values.withUnsafeBufferPointer { table in
            var bad: UInt8 = 0
            // Four characters to three bytes; an invalid character maps to 0xFF, whose high bit is checked once.
            for quad in 0..<quads {
                let a = table[Int(input[quad * 4])], b = table[Int(input[quad * 4 + 1])]
                let c = table[Int(input[quad * 4 + 2])], d = table[Int(input[quad * 4 + 3])]
                bad |= a | b | c | d
                let group = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                output[quad * 3] = UInt8(truncatingIfNeeded: group >> 16)
                output[quad * 3 + 1] = UInt8(truncatingIfNeeded: group >> 8)
                output[quad * 3 + 2] = UInt8(truncatingIfNeeded: group)
            }
            let tail = end % 4
            if tail > 0 {
                var group: UInt32 = 0
                for index in quads * 4..<end {
                    let value = table[Int(input[index])]
                    bad |= value
                    group = group << 6 | UInt32(value & 0x3F)
                }
                if tail == 2 {
                    output[quads * 3] = UInt8(truncatingIfNeeded: group >> 4)
                } else {
                    output[quads * 3] = UInt8(truncatingIfNeeded: group >> 10)
                    output[quads * 3 + 1] = UInt8(truncatingIfNeeded: group >> 2)
                }
            }
            return bad & 0x80 == 0
        }
        return valid ? produced : nil
    }

    /// The bytes base64 `text` stands for, or nil when it is not base64.
    public static func decode(_ text: String) -> [UInt8]? {
        var text = text
        return text.withUTF8 { decode($0) }
    }
}
