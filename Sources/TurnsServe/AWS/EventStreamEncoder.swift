import Foundation
import TurnsAPI

/// Encodes event-stream messages byte-exactly (PROTOCOL.md C.6): the prelude with its CRC, the headers in
/// the given order, the payload and the message CRC. `turns serve` frames its Bedrock answers with it.
public enum EventStreamEncoder {
    /// The wire bytes of `message`.
    ///
    /// - Throws: `EventStreamError` when the message breaks a limit the decoder enforces (header name over
    ///   255 bytes, value over 65,535, headers over 128 KiB, payload over 24 MiB) or repeats a header name.
    public static func encode(_ message: EventStreamMessage) throws(EventStreamError) -> [UInt8] {
        var out: [UInt8] = []
        try encode(message, into: &out)
        return out
    }

    /// Appends the wire bytes of `message` to `out` (which is left as it was when this throws).
    public static func encode(_ message: EventStreamMessage, into out: inout [UInt8]) throws(EventStreamError) {
        let headers = try headerBlock(message.headers)
        guard headers.count <= EventStreamDecoder.maxHeadersLength else { throw .headersTooLong(headers.count) }
        guard message.payload.count <= EventStreamDecoder.maxPayloadLength else {
            throw .payloadTooLong(message.payload.count)
        }
        let start = out.count
        append(EventStreamDecoder.minimumMessageLength + headers.count + message.payload.count, bytes: 4, to: &out)
        append(headers.count, bytes: 4, to: &out)
        let preludeCRC = out.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        append(Int(preludeCRC), bytes: 4, to: &out)
        out += headers
        out += message.payload
        let messageCRC = out.withUnsafeBytes {
            CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[(start + 8)...]), seed: preludeCRC)
        }
        append(Int(messageCRC), bytes: 4, to: &out)
    }

    /// The encoded headers, after checking names, value sizes and duplicates.
    private static func headerBlock(_ headers: [EventStreamHeader]) throws(EventStreamError) -> [UInt8] {
        var block: [UInt8] = []
        for (index, header) in headers.enumerated() {
            guard header.name.utf8.count <= 255 else { throw .headerTooLong(String(header.name.prefix(40))) }
            // A message carries a few headers: comparing with the earlier names costs less than hashing them.
            guard !headers[..<index].contains(where: { $0.name == header.name }) else { throw .duplicateHeader(header.name) }
            block.append(UInt8(header.name.utf8.count))
            block += header.name.utf8
            block.append(header.value.typeCode)
            switch header.value {
            case .bool: break
            case .byte(let value): block.append(UInt8(bitPattern: value))
            case .short(let value): append(Int(value), bytes: 2, to: &block)
            case .integer(let value): append(Int(value), bytes: 4, to: &block)
            case .long(let value), .timestamp(let value): append(Int(value), bytes: 8, to: &block)
            case .uuid(let uuid): withUnsafeBytes(of: uuid.uuid) { block += $0 }
            case .byteArray(let bytes): try appendSized(bytes, of: header.name, to: &block)
            case .string(let text): try appendSized(text.utf8, of: header.name, to: &block)
            }
        }
        return block
    }

    /// Appends a variable-size value: its 2-byte length, then its bytes.
    private static func appendSized(_ value: some Collection<UInt8>, of name: String,
                                    to block: inout [UInt8]) throws(EventStreamError) {
        guard value.count <= Int(UInt16.max) else { throw .headerTooLong(name) }
        append(value.count, bytes: 2, to: &block)
        block += value
    }

    /// Appends the low `bytes` bytes of `value`, big-endian.
    private static func append(_ value: Int, bytes: Int, to out: inout [UInt8]) {
        for shift in stride(from: (bytes - 1) * 8, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> shift)) }
    }
}
