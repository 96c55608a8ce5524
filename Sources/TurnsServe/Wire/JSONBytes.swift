import NIOCore
import TurnsLocal

/// Writes JSON string contents straight into a `ByteBuffer`: the hot path of every completion event, so it copies
/// runs of plain bytes at once and escapes only quotes, backslashes and control characters.
enum JSONBytes {
    /// Appends `bytes` (valid UTF-8) escaped for use between JSON quotes.
    static func writeEscaped(_ bytes: UnsafeRawBufferPointer, into buffer: inout ByteBuffer) {
        var runStart = 0
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b >= 0x20 && b != 0x22 && b != 0x5C {
                i += 1
                continue
            }
            if runStart < i { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<i])) }
            writeEscape(for: b, into: &buffer)
            i += 1
            runStart = i
        }
        if runStart < n { buffer.writeBytes(UnsafeRawBufferPointer(rebasing: bytes[runStart..<n])) }
    }

    /// Appends `bytes` escaped for use between JSON quotes.
    static func writeEscaped(_ bytes: [UInt8], into buffer: inout ByteBuffer) {
        bytes.withUnsafeBytes { writeEscaped($0, into: &buffer) }
    }

    /// Appends `"stop_reason":"…","stop":…`, the fields both wires end a completion with (`stop` is the matched
    /// sequence or null).
    static func writeStopFields(_ stop: LocalStop, into buffer: inout ByteBuffer) {
        buffer.writeStaticString("\"stop_reason\":")
        writeQuoted(stop.reason.rawValue, into: &buffer)
        buffer.writeStaticString(",\"stop\":")
        if let sequence = stop.sequence {
            writeQuoted(sequence, into: &buffer)
        } else {
            buffer.writeStaticString("null")
        }
    }

    /// Appends `text` as a complete JSON string literal, quotes included.
    static func writeQuoted(_ text: String, into buffer: inout ByteBuffer) {
        var copy = text
        buffer.writeInteger(UInt8(ascii: "\""))
        copy.withUTF8 { writeEscaped(UnsafeRawBufferPointer($0), into: &buffer) }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    /// The JSON string literal of `text` as bytes (for parts of events that are built once per response).
    static func quoted(_ text: String) -> [UInt8] {
        var buffer = ByteBufferAllocator().buffer(capacity: text.utf8.count + 2)
        writeQuoted(text, into: &buffer)
        return buffer.readBytes(length: buffer.readableBytes) ?? []
    }

    private static func writeEscape(for byte: UInt8, into buffer: inout ByteBuffer) {
        switch byte {
        case 0x22: buffer.writeStaticString("\\\"")
        case 0x5C: buffer.writeStaticString("\\\\")
        case 0x0A: buffer.writeStaticString("\\n")
        case 0x0D: buffer.writeStaticString("\\r")
        case 0x09: buffer.writeStaticString("\\t")
        case 0x08: buffer.writeStaticString("\\b")
        case 0x0C: buffer.writeStaticString("\\f")
        default:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            buffer.writeStaticString("\\u00")
            buffer.writeInteger(hex[Int(byte >> 4)])
            buffer.writeInteger(hex[Int(byte & 0x0F)])
        }
    }
}
