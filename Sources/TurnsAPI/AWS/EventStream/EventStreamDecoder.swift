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

    private var buffer: [UInt8] = []
    /// Where the next message starts in `buffer` (consumed bytes are dropped lazily, in bulk).
    private var start = 0
    /// The checked prelude of the message being received, once its 12 bytes are in.
    private var pending: (total: Int, headers: Int, preludeCRC: UInt32)?
    private var failure: EventStreamError?

    /// Creates a decoder at the start of a stream.
    public init() {}

    /// Bytes received that do not yet make a whole message.
    public var bufferedByteCount: Int { buffer.count - start }

    /// Adds the next bytes of the stream.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard failure == nil, !bytes.isEmpty else { return }
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Adds the next bytes of the stream.
    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    /// The next complete message, or nil until more bytes arrive.
    ///
    /// - Throws: `EventStreamError` when the bytes are not a valid message; the same error on every later call.
    public mutating func next() throws(EventStreamError) -> EventStreamMessage? {
        if let failure { throw failure }
        do throws(EventStreamError) {
            return try decodeNext()
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

    private mutating func decodeNext() throws(EventStreamError) -> EventStreamMessage? {
        let available = buffer.count - start
        if pending == nil {
            guard available >= Self.preludeLength else { return nil }
            let start = self.start
            pending = try buffer.withUnsafeBytes { raw in
                Result { () throws(EventStreamError) in
                    try Self.checkPrelude(UnsafeRawBufferPointer(rebasing: raw[start..<start + Self.preludeLength]))
                }
            }.get()
        }
        guard let prelude = pending, available >= prelude.total else { return nil }
        let start = self.start
        let message = try buffer.withUnsafeBytes { raw in
            Result { () throws(EventStreamError) in
                try Self.decodeMessage(UnsafeRawBufferPointer(rebasing: raw[start..<start + prelude.total]),
                                       headersLength: prelude.headers, preludeCRC: prelude.preludeCRC)
            }
        }.get()
        pending = nil
        self.start += prelude.total
        compactIfWorthwhile()
        return message
    }

    /// Drops consumed bytes when they are most of the buffer, so a long stream does not grow it forever.
    private mutating func compactIfWorthwhile() {
        if start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start >= 64 * 1024 && start * 2 >= buffer.count {
            buffer.removeSubrange(0..<start)
            start = 0
        }
    }

    /// Checks the prelude's CRC, then the lengths it declares.
    static func checkPrelude(_ prelude: UnsafeRawBufferPointer) throws(EventStreamError)
        -> (total: Int, headers: Int, preludeCRC: UInt32) {
        let total = Int(readUInt32(prelude, at: 0))
        let headers = Int(readUInt32(prelude, at: 4))
        let expected = readUInt32(prelude, at: 8)
        let computed = CRC32.checksum(UnsafeRawBufferPointer(rebasing: prelude[0..<8]))
        guard expected == computed else { throw .preludeChecksumMismatch(expected: expected, computed: computed) }
        guard headers <= maxHeadersLength else { throw .headersTooLong(headers) }
        guard total >= minimumMessageLength, headers <= total - minimumMessageLength else {
            throw .invalidTotalLength(total: total, headers: headers)
        }
        let payload = total - headers - minimumMessageLength
        guard payload <= maxPayloadLength else { throw .payloadTooLong(payload) }
        return (total, headers, expected)
    }

    /// Checks the message CRC and decodes the headers and payload of one whole message.
    static func decodeMessage(_ bytes: UnsafeRawBufferPointer, headersLength: Int,
                              preludeCRC: UInt32) throws(EventStreamError) -> EventStreamMessage {
        let total = bytes.count
        let expected = readUInt32(bytes, at: total - 4)
        // Continuing from the prelude CRC over bytes 8..<T-4 equals the CRC of bytes 0..<T-4 (botocore's way).
        let computed = CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[8..<total - 4]), seed: preludeCRC)
        guard expected == computed else { throw .messageChecksumMismatch(expected: expected, computed: computed) }
        let headersEnd = preludeLength + headersLength
        let headers = try decodeHeaders(UnsafeRawBufferPointer(rebasing: bytes[preludeLength..<headersEnd]))
        let payload = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[headersEnd..<total - 4]))
        return EventStreamMessage(headers: headers, payload: payload)
    }

    /// Decodes a header block: `name_len:u8 name type:u8 value`, repeated to its end.
    /// The bytes as a string when they are valid UTF-8. Header names and values are almost always ASCII, which
    /// needs no validation (validating was the largest cost of decoding a message's headers).
    static func utf8String(_ bytes: UnsafeRawBufferPointer) -> String? {
        var ascii = true
        for byte in bytes where byte >= 0x80 { ascii = false; break }
        if ascii { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }

    static func decodeHeaders(_ block: UnsafeRawBufferPointer) throws(EventStreamError) -> [EventStreamHeader] {
        var headers: [EventStreamHeader] = []
        headers.reserveCapacity(4)
        var names: Set<String>?
        var offset = 0
        let end = block.count
        while offset < end {
            let nameLength = Int(block[offset])
            offset += 1
            guard offset + nameLength < end else { throw .malformedHeader("a header name runs past the header block") }
            guard let name = utf8String(UnsafeRawBufferPointer(rebasing: block[offset..<offset + nameLength])) else {
                throw .malformedHeader("a header name is not UTF-8")
            }
            offset += nameLength
            let type = block[offset]
            offset += 1
            let value = try decodeValue(type: type, name: name, block, &offset)
            // A linear scan is cheapest for the handful of headers real messages carry; a set bounds the
            // cost of a hostile block of thousands of tiny headers.
            if headers.count < 16 {
                if headers.contains(where: { $0.name == name }) { throw .duplicateHeader(name) }
            } else {
                if names == nil { names = Set(headers.map(\.name)) }
                if !names!.insert(name).inserted { throw .duplicateHeader(name) }
            }
            headers.append(EventStreamHeader(name, value))
        }
        return headers
    }

    private static func decodeValue(type: UInt8, name: String, _ block: UnsafeRawBufferPointer,
                                    _ offset: inout Int) throws(EventStreamError) -> EventStreamHeaderValue {
        func take(_ count: Int) throws(EventStreamError) -> Int {
            guard offset + count <= block.count else {
                throw .malformedHeader("the value of \"\(name)\" runs past the header block")
            }
            defer { offset += count }
            return offset
        }
        switch type {
        case 0: return .bool(true)
        case 1: return .bool(false)
        case 2: return .byte(Int8(bitPattern: block[try take(1)]))
        case 3: return .short(Int16(bitPattern: UInt16(readUInt(block, at: try take(2), size: 2))))
        case 4: return .integer(Int32(bitPattern: readUInt32(block, at: try take(4))))
        case 5: return .long(Int64(bitPattern: readUInt(block, at: try take(8), size: 8)))
        case 6, 7:
            let length = Int(readUInt(block, at: try take(2), size: 2))
            let at = try take(length)
            let bytes = UnsafeRawBufferPointer(rebasing: block[at..<at + length])
            if type == 6 { return .byteArray([UInt8](bytes)) }
            guard let text = utf8String(bytes) else {
                throw .malformedHeader("the string value of \"\(name)\" is not UTF-8")
            }
            return .string(text)
        case 8: return .timestamp(Int64(bitPattern: readUInt(block, at: try take(8), size: 8)))
        case 9:
            let at = try take(16)
            var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &uuid) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: block[at..<at + 16])) }
            return .uuid(UUID(uuid: uuid))
        default:
            throw .invalidHeaderType(type)
        }
    }

    @inline(__always) static func readUInt32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always) static func readUInt(_ bytes: UnsafeRawBufferPointer, at offset: Int, size: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in offset..<offset + size { value = value << 8 | UInt64(bytes[index]) }
        return value
    }
}
