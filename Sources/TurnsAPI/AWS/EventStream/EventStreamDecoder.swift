import Foundation

/// Decodes an `application/vnd.amazon.eventstream` body incrementally (PROTOCOL.md C.6).
///
/// Feed the bytes in whatever pieces the network gives with `append`, then take every complete message
/// with `next()`. Both checksums are verified, the prelude's as soon as its 12 bytes are in (so a corrupt
/// length is caught before anything is buffered for it). After an error the stream cannot be resynchronised:
/// every later `next()` throws the same error.
///
/// ```swift
/// var decoder = EventStreamDecoder()
/// decoder.append(bytes)
/// while let message = try decoder.next() { … }
/// ```
public struct EventStreamDecoder: Sendable {
    /// The longest header block accepted (botocore's and aws-sdk-go's limit).
    public static let maxHeadersLength = 128 * 1024
    /// The longest payload accepted (botocore's limit).
    public static let maxPayloadLength = 24 * 1024 * 1024
    /// Bytes of `total_length`, `headers_length` and the prelude CRC.
    public static let preludeLength = 12
    /// A message with no headers and no payload: the prelude and the message CRC.
    public static let minimumMessageLength = 16

    /// Bytes received; those before `start` were taken as messages already.
    private var buffer: [UInt8] = []
    private var start = 0
    private var failure: EventStreamError?

    /// Creates a decoder at the start of a stream.
    public init() {}

    /// Bytes received that do not yet make a whole message.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Adds the next bytes of the stream.
    public mutating func append(_ bytes: some Collection<UInt8>) {
        guard failure == nil, !bytes.isEmpty else { return }
        // What was taken is dropped before more comes, so the buffer holds at most one unfinished message and a read.
        if start > 0 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete message, or nil until more bytes arrive.
    ///
    /// - Throws: `EventStreamError` when the bytes are not a valid message; the same error on every later call.
    public mutating func next() throws(EventStreamError) -> EventStreamMessage? {
        if let failure { throw failure }
        do throws(EventStreamError) {
            guard bufferedByteCount >= Self.preludeLength else { return nil }
            let (total, headersLength, preludeCRC) = try Self.checkPrelude(buffer[start..<start + Self.preludeLength])
            guard bufferedByteCount >= total else { return nil }
            let message = buffer[start..<start + total]
            let expected = Self.readUInt32(message, at: total - 4)
            // Continuing from the prelude CRC over bytes 8..<T-4 equals the CRC of bytes 0..<T-4 (botocore's way).
            let computed = message.withUnsafeBytes {
                CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[8..<total - 4]), seed: preludeCRC)
            }
            guard expected == computed else { throw .messageChecksumMismatch(expected: expected, computed: computed) }
            let headersStart = start + Self.preludeLength
            let headers = try Self.decodeHeaders(buffer[headersStart..<headersStart + headersLength])
            let payload = Array(buffer[headersStart + headersLength..<start + total - 4])
            start += total
            return EventStreamMessage(headers: headers, payload: payload)
        } catch {
            failure = error
            buffer = []
            start = 0
            throw error
        }
    }

    /// Ends the stream.
    ///
    /// - Throws: `.truncated` when the stream stopped inside a message, or the error already reported.
    public mutating func finish() throws(EventStreamError) {
        if let failure { throw failure }
        if bufferedByteCount > 0 {
            let error = EventStreamError.truncated(buffered: bufferedByteCount)
            failure = error
            throw error
        }
    }

    // MARK: - Decoding

    /// Checks the prelude's CRC, then the lengths it declares, against each other and against the limits.
    static func checkPrelude(_ prelude: ArraySlice<UInt8>) throws(EventStreamError)
        -> (total: Int, headers: Int, preludeCRC: UInt32) {
        let total = Int(readUInt32(prelude, at: 0))
        let headers = Int(readUInt32(prelude, at: 4))
        let expected = readUInt32(prelude, at: 8)
        let computed = prelude.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[0..<8])) }
        guard expected == computed else { throw .preludeChecksumMismatch(expected: expected, computed: computed) }
        guard headers <= maxHeadersLength else { throw .headersTooLong(headers) }
        guard total >= minimumMessageLength, headers <= total - minimumMessageLength else {
            throw .invalidTotalLength(total: total, headers: headers)
        }
        let payload = total - headers - minimumMessageLength
        guard payload <= maxPayloadLength else { throw .payloadTooLong(payload) }
        return (total, headers, expected)
    }

    /// Decodes a header block: `name_len:u8 name type:u8 value`, repeated to its end; names and string values
    /// must be UTF-8 and no name may repeat.
    static func decodeHeaders(_ block: ArraySlice<UInt8>) throws(EventStreamError) -> [EventStreamHeader] {
        var headers: [EventStreamHeader] = []
        var names = Set<String>()
        var offset = block.startIndex
        while offset < block.endIndex {
            let nameLength = Int(block[offset])
            offset += 1
            guard offset + nameLength < block.endIndex else { throw .malformedHeader("a header name runs past the header block") }
            guard let name = utf8String(block[offset..<offset + nameLength]) else {
                throw .malformedHeader("a header name is not UTF-8")
            }
            offset += nameLength
            let type = block[offset]
            offset += 1
            let value = try readValue(type: type, name: name, block, &offset)
            guard names.insert(name).inserted else { throw .duplicateHeader(name) }
            headers.append(EventStreamHeader(name, value))
        }
        return headers
    }

    /// Reads the value of a header of `type` at `offset`, moving `offset` past it.
    private static func readValue(type: UInt8, name: String, _ block: ArraySlice<UInt8>,
                                  _ offset: inout Int) throws(EventStreamError) -> EventStreamHeaderValue {
        let size: Int
        switch type {
        case 0, 1: size = 0
        case 2: size = 1
        case 3: size = 2
        case 4: size = 4
        case 5, 8: size = 8
        case 9: size = 16
        case 6, 7:
            guard offset + 2 <= block.endIndex else { throw valueOverrun(name) }
            size = Int(readUInt(block, at: offset, size: 2))
            offset += 2
        default:
            throw .invalidHeaderType(type)
        }
        guard offset + size <= block.endIndex else { throw valueOverrun(name) }
        let bytes = block[offset..<offset + size]
        offset += size
        switch type {
        case 0: return .bool(true)
        case 1: return .bool(false)
        case 2: return .byte(Int8(bitPattern: bytes.first!))
        case 3: return .short(Int16(bitPattern: UInt16(readUInt(bytes, at: bytes.startIndex, size: 2))))
        case 4: return .integer(Int32(bitPattern: UInt32(readUInt(bytes, at: bytes.startIndex, size: 4))))
        case 5: return .long(Int64(bitPattern: readUInt(bytes, at: bytes.startIndex, size: 8)))
        case 6: return .byteArray(Array(bytes))
        case 7:
            guard let text = utf8String(bytes) else { throw .malformedHeader("the string value of \"\(name)\" is not UTF-8") }
            return .string(text)
        case 8: return .timestamp(Int64(bitPattern: readUInt(bytes, at: bytes.startIndex, size: 8)))
        default:
            var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &uuid) { $0.copyBytes(from: bytes) }
            return .uuid(UUID(uuid: uuid))
        }
    }

    private static func valueOverrun(_ name: String) -> EventStreamError {
        .malformedHeader("the value of \"\(name)\" runs past the header block")
    }

    /// The text of `bytes`, or nil when they are not UTF-8 (decoding replaces bad bytes, so the bytes would differ).
    private static func utf8String(_ bytes: ArraySlice<UInt8>) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        return text.utf8.elementsEqual(bytes) ? text : nil
    }

    /// The big-endian 32-bit integer at `offset` from the start of `bytes`.
    static func readUInt32(_ bytes: ArraySlice<UInt8>, at offset: Int) -> UInt32 {
        UInt32(readUInt(bytes, at: bytes.startIndex + offset, size: 4))
    }

    /// The big-endian integer of `size` bytes at index `index` of `bytes`.
    private static func readUInt(_ bytes: ArraySlice<UInt8>, at index: Int, size: Int) -> UInt64 {
        var value: UInt64 = 0
        for position in index..<index + size { value = value << 8 | UInt64(bytes[position]) }
        return value
    }
}
