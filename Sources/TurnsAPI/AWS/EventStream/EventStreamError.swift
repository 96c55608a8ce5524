import Foundation

/// Why event-stream bytes could not be decoded, or a message could not be encoded.
public enum EventStreamError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The CRC-32 of the first 8 bytes does not match the prelude's checksum.
    case preludeChecksumMismatch(expected: UInt32, computed: UInt32)
    /// The CRC-32 of the message does not match its trailing checksum.
    case messageChecksumMismatch(expected: UInt32, computed: UInt32)
    /// The headers are longer than `EventStreamDecoder.maxHeadersLength` (128 KiB).
    case headersTooLong(Int)
    /// The payload is longer than `EventStreamDecoder.maxPayloadLength` (24 MiB).
    case payloadTooLong(Int)
    /// The total length is below the 16-byte minimum or cannot hold the headers.
    case invalidTotalLength(total: Int, headers: Int)
    /// A header's type byte is not 0–9.
    case invalidHeaderType(UInt8)
    /// A header name occurs twice in one message.
    case duplicateHeader(String)
    /// A header runs past the end of the header block, or its name or string value is not UTF-8.
    case malformedHeader(String)
    /// A header name longer than 255 bytes or a value longer than 65,535 bytes (encoding only).
    case headerTooLong(String)
    /// The stream ended inside a message.
    case truncated(buffered: Int)

    /// What went wrong, starting with the words the reference decoders use (e.g. "Prelude checksum mismatch").
    public var description: String {
        switch self {
        case .preludeChecksumMismatch(let expected, let computed):
            return "Prelude checksum mismatch: the message says \(hex(expected)), its bytes give \(hex(computed))"
        case .messageChecksumMismatch(let expected, let computed):
            return "Message checksum mismatch: the message says \(hex(expected)), its bytes give \(hex(computed))"
        case .headersTooLong(let length):
            return "Headers too long: \(length) bytes, more than the \(EventStreamDecoder.maxHeadersLength) allowed"
        case .payloadTooLong(let length):
            return "Payload too long: \(length) bytes, more than the \(EventStreamDecoder.maxPayloadLength) allowed"
        case .invalidTotalLength(let total, let headers):
            return "Invalid message length: \(total) bytes in all cannot hold \(headers) bytes of headers and the 16 bytes of framing"
        case .invalidHeaderType(let type):
            return "Invalid header type: \(type) (types are 0 to 9)"
        case .duplicateHeader(let name):
            return "Duplicate header: \"\(name)\" occurs more than once in one message"
        case .malformedHeader(let reason):
            return "Malformed header: \(reason)"
        case .headerTooLong(let name):
            return "Header too long: \"\(name)\" has a name over 255 bytes or a value over 65535 bytes"
        case .truncated(let buffered):
            return "Truncated message: the stream ended \(buffered) bytes into a message"
        }
    }

    private func hex(_ value: UInt32) -> String { String(format: "0x%08x", value) }
}
