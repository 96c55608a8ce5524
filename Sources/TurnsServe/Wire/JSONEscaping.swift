import Foundation
import NIOCore

/// Writes text between JSON quotes as `JSONEncoder` escapes it: quotes, backslashes and control characters.
/// Hand-written for the per-token events: JSONEncoder per event took 1.66 s of server CPU (0.12 s with this) on the
/// unpaced 300k-token stream, making the server, not the client, the limit.
enum JSONEscaping {
    /// Appends `bytes` (valid UTF-8) escaped for use between JSON quotes.
    static func write(_ bytes: [UInt8], into buffer: inout ByteBuffer) {
        var runStart = 0
        for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
            if runStart < index { buffer.writeBytes(bytes[runStart..<index]) }
            switch byte {
            case 0x22: buffer.writeStaticString("\\\"")
            case 0x5C: buffer.writeStaticString("\\\\")
            case 0x0A: buffer.writeStaticString("\\n")
            case 0x0D: buffer.writeStaticString("\\r")
            case 0x09: buffer.writeStaticString("\\t")
            case 0x08: buffer.writeStaticString("\\b")
            case 0x0C: buffer.writeStaticString("\\f")
            default:
                let hex = Array("0123456789abcdef".utf8)
                buffer.writeStaticString("\\u00")
                buffer.writeBytes([hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
            }
            runStart = index + 1
        }
        if runStart < bytes.count { buffer.writeBytes(bytes[runStart...]) }
    }

    /// The JSON of an object whose first key (in sorted order) is `completion`, cut around that text: what comes
    /// before the text (`{"completion":"`) and what after it, so an event is the two with the escaped text between.
    static func aroundCompletion(_ object: some Encodable, with encoder: JSONEncoder) -> (head: [UInt8], tail: [UInt8]) {
        let head = Array(#"{"completion":""#.utf8)
        let whole = WireJSON.encode(object, with: encoder)
        precondition(whole.starts(with: head + [UInt8(ascii: "\"")]), "the object's text must be empty and sort first")
        return (head, Array(whole.dropFirst(head.count)))
    }
}
