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
        let headersLength = try headersLength(message.headers)
        guard headersLength <= EventStreamDecoder.maxHeadersLength else { throw .headersTooLong(headersLength) }
        guard message.payload.count <= EventStreamDecoder.maxPayloadLength else {
            throw .payloadTooLong(message.payload.count)
        }
        let total = EventStreamDecoder.minimumMessageLength + headersLength + message.payload.count
        let messageStart = out.count
        out.reserveCapacity(out.count + total)
        appendUInt32(UInt32(total), to: &out)
        appendUInt32(UInt32(headersLength), to: &out)
        let preludeCRC = out.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[messageStart..<messageStart + 8])) }
        appendUInt32(preludeCRC, to: &out)
        for header in message.headers { appendHeader(header, to: &out) }
        out.append(contentsOf: message.payload)
        let messageCRC = out.withUnsafeBytes {
            CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[messageStart + 8..<out.count]), seed: preludeCRC)
        }
        appendUInt32(messageCRC, to: &out)
    }

    /// The encoded size of a header block, after checking names, value sizes and duplicates.
    private static func headersLength(_ headers: [EventStreamHeader]) throws(EventStreamError) -> Int {
        var length = 0
        var seen = Set<String>()
        for header in headers {
            let nameLength = header.name.utf8.count
            guard nameLength <= 255 else { throw .headerTooLong(String(header.name.prefix(40))) }
            guard seen.insert(header.name).inserted else { throw .duplicateHeader(header.name) }
            let valueLength: Int
            switch header.value {
            case .bool: valueLength = 0
            case .byte: valueLength = 1
            case .short: valueLength = 2
            case .integer: valueLength = 4
            case .long, .timestamp: valueLength = 8
            case .uuid: valueLength = 16
            case .byteArray(let bytes): valueLength = 2 + bytes.count
            case .string(let text): valueLength = 2 + text.utf8.count
            }
            guard valueLength <= 2 + Int(UInt16.max) else { throw .headerTooLong(header.name) }
            length += 1 + nameLength + 1 + valueLength
        }
        return length
    }

    private static func appendHeader(_ header: EventStreamHeader, to out: inout [UInt8]) {
        out.append(UInt8(header.name.utf8.count))
        out.append(contentsOf: header.name.utf8)
        out.append(header.value.typeCode)
        switch header.value {
        case .bool: break
        case .byte(let value): out.append(UInt8(bitPattern: value))
        case .short(let value): appendBigEndian(UInt64(UInt16(bitPattern: value)), size: 2, to: &out)
        case .integer(let value): appendUInt32(UInt32(bitPattern: value), to: &out)
        case .long(let value), .timestamp(let value): appendBigEndian(UInt64(bitPattern: value), size: 8, to: &out)
        case .byteArray(let bytes):
            appendBigEndian(UInt64(bytes.count), size: 2, to: &out)
            out.append(contentsOf: bytes)
        case .string(let text):
            appendBigEndian(UInt64(text.utf8.count), size: 2, to: &out)
            out.append(contentsOf: text.utf8)
        case .uuid(let uuid):
            withUnsafeBytes(of: uuid.uuid) { out.append(contentsOf: $0) }
        }
    }

    @inline(__always) private static func appendUInt32(_ value: UInt32, to out: inout [UInt8]) {
        appendBigEndian(UInt64(value), size: 4, to: &out)
    }

    @inline(__always) private static func appendBigEndian(_ value: UInt64, size: Int, to out: inout [UInt8]) {
        for shift in stride(from: (size - 1) * 8, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}
