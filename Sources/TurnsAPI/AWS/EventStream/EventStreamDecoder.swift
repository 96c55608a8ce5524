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
    private var lastChecked = CheckedBlock()

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
        var message: EventStreamMessage?
        try takeMessages { headers, _, payload in
            message = EventStreamMessage(headers: Self.headers(checked: headers), payload: Array(payload))
            return false
        }
        return message
    }

    /// The headers of a block `checkHeaders` accepted, as values.
    static func headers(checked block: Bytes) -> [EventStreamHeader] {
        var headers: [EventStreamHeader] = []
        var offset = block.startIndex
        while offset < block.endIndex {
            let name = block[offset + 1..<offset + 1 + Int(block[offset])]
            let type = block[name.endIndex]
            offset = name.endIndex + 1
            guard let value = try? valueBytes(type: type, name: name, block, &offset) else { break }
            headers.append(EventStreamHeader(String(decoding: name, as: UTF8.self), Self.value(type: type, value)))
        }
        return headers
    }

    /// Takes the complete messages, each checked as `next()` checks it, handing `body` each one's header block (valid,
    /// to be read with `headers(checked:)`), what its headers say it is, and its payload, all valid only during the
    /// call, until `body` returns false. No header value is built, and the buffer is reached once for all of a read's
    /// messages.
    mutating func takeMessages(_ body: (_ headers: Bytes, _ kind: MessageKind, _ payload: Bytes) -> Bool) throws(EventStreamError) {
        if let failure { throw failure }
        var start = self.start
        var lastChecked = self.lastChecked
        defer { self.lastChecked = lastChecked }
        do throws(EventStreamError) {
            try buffer.withUnsafeBufferPointer { buffer throws(EventStreamError) in
                while buffer.count - start >= Self.preludeLength {
                    let (total, headersLength, preludeCRC) = try Self.checkPrelude(buffer[start..<start + Self.preludeLength])
                    guard buffer.count - start >= total else { return }
                    let expected = UInt32(Self.readUInt(buffer, at: start + total - 4, size: 4))
                    // Continuing from the prelude CRC over bytes 8..<T-4 equals the CRC of 0..<T-4 (botocore's way).
                    let computed = CRC32.checksum(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[start + 8..<start + total - 4]),
                                                  seed: preludeCRC)
                    guard expected == computed else { throw .messageChecksumMismatch(expected: expected, computed: computed) }
                    let headers = buffer[start + Self.preludeLength..<start + Self.preludeLength + headersLength]
                    let kind = try lastChecked.kind(of: headers)
                    let more = body(headers, kind, buffer[headers.endIndex..<start + total - 4])
                    start += total
                    guard more else { return }
                }
            }
            self.start = start
        } catch {
            failure = error
            buffer = []
            self.start = 0
            throw error
        }
    }

    /// Bytes of the decoder's buffer, indexed from its start.
    typealias Bytes = Slice<UnsafeBufferPointer<UInt8>>

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
    static func checkPrelude(_ prelude: Bytes) throws(EventStreamError) -> (total: Int, headers: Int, preludeCRC: UInt32) {
        let total = Int(readUInt(prelude, at: prelude.startIndex, size: 4))
        let headers = Int(readUInt(prelude, at: prelude.startIndex + 4, size: 4))
        let expected = UInt32(readUInt(prelude, at: prelude.startIndex + 8, size: 4))
        let computed = CRC32.checksum(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: prelude.prefix(8))))
        guard expected == computed else { throw .preludeChecksumMismatch(expected: expected, computed: computed) }
        guard headers <= maxHeadersLength else { throw .headersTooLong(headers) }
        guard total >= minimumMessageLength, headers <= total - minimumMessageLength else {
            throw .invalidTotalLength(total: total, headers: headers)
        }
        let payload = total - headers - minimumMessageLength
        guard payload <= maxPayloadLength else { throw .payloadTooLong(payload) }
        return (total, headers, expected)
    }

    /// The `:message-type` and `:event-type` string values of a header block, found while checking it.
    struct MessageKind {
        var messageType: Bytes?
        var eventType: Bytes?
    }

    /// The last header block `checkHeaders` accepted, and where its kind headers' values lie in it: a stream sends
    /// the same block with every chunk, and a block equal to it needs no second check.
    // Why: checking every block was ~20% of the Bedrock path's CPU (budget 1.5× the SSE path's).
    private struct CheckedBlock {
        var bytes: [UInt8] = []
        var messageType, eventType: Range<Int>?

        /// The kind of `block`: remembered when it equals the last block checked, else checked (and remembered).
        @inline(__always) mutating func kind(of block: Bytes) throws(EventStreamError) -> MessageKind {
            let at = block.startIndex
            if block.count != bytes.count || memcmp(block.base.baseAddress! + at, bytes, block.count) != 0 {
                let kind = try EventStreamDecoder.checkHeaders(block)
                func offsets(_ value: Bytes?) -> Range<Int>? { value.map { ($0.startIndex - at)..<($0.endIndex - at) } }
                (bytes, messageType, eventType) = (Array(block), offsets(kind.messageType), offsets(kind.eventType))
            }
            func value(_ range: Range<Int>?) -> Bytes? { range.map { block[(at + $0.lowerBound)..<(at + $0.upperBound)] } }
            return MessageKind(messageType: value(messageType), eventType: value(eventType))
        }
    }

    /// Checks a header block: `name_len:u8 name type:u8 value`, repeated to its end; names and string values must be
    /// UTF-8 and no name may repeat. Returns the two headers that say what the message is.
    static func checkHeaders(_ block: Bytes) throws(EventStreamError) -> MessageKind {
        var kind = MessageKind()
        var names = Set<[UInt8]>()
        var offset = block.startIndex
        while offset < block.endIndex {
            let nameLength = Int(block[offset])
            guard offset + 1 + nameLength < block.endIndex else { throw .malformedHeader("a header name runs past the header block") }
            let name = block[offset + 1..<offset + 1 + nameLength]
            guard isUTF8(name) else { throw .malformedHeader("a header name is not UTF-8") }
            guard names.insert(Array(name)).inserted else { throw .duplicateHeader(String(decoding: name, as: UTF8.self)) }
            let type = block[name.endIndex]
            offset = name.endIndex + 1
            let value = try valueBytes(type: type, name: name, block, &offset)
            guard type == 7 else { continue }
            guard isUTF8(value) else {
                throw .malformedHeader("the string value of \"\(String(decoding: name, as: UTF8.self))\" is not UTF-8")
            }
            if UnsafeBufferPointer(rebasing: name).equals(":message-type") { kind.messageType = value }
            else if UnsafeBufferPointer(rebasing: name).equals(":event-type") { kind.eventType = value }
        }
        return kind
    }

    /// The value bytes of a header of `type` at `offset` (after a string's or byte array's length), moving `offset`
    /// past them.
    private static func valueBytes(type: UInt8, name: Bytes, _ block: Bytes,
                                   _ offset: inout Int) throws(EventStreamError) -> Bytes {
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
        offset += size
        return block[offset - size..<offset]
    }

    /// The value of a checked header of `type` whose value bytes are `bytes`.
    static func value(type: UInt8, _ bytes: Bytes) -> EventStreamHeaderValue {
        switch type {
        case 0: return .bool(true)
        case 1: return .bool(false)
        case 2: return .byte(Int8(bitPattern: bytes.first!))
        case 3: return .short(Int16(bitPattern: UInt16(readUInt(bytes, at: bytes.startIndex, size: 2))))
        case 4: return .integer(Int32(bitPattern: UInt32(readUInt(bytes, at: bytes.startIndex, size: 4))))
        case 5: return .long(Int64(bitPattern: readUInt(bytes, at: bytes.startIndex, size: 8)))
        case 6: return .byteArray(Array(bytes))
        case 7: return .string(String(decoding: bytes, as: UTF8.self))
        case 8: return .timestamp(Int64(bitPattern: readUInt(bytes, at: bytes.startIndex, size: 8)))
        default:
            var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &uuid) { $0.copyBytes(from: bytes) }
            return .uuid(UUID(uuid: uuid))
        }
    }

    private static func valueOverrun(_ name: Bytes) -> EventStreamError {
        .malformedHeader("the value of \"\(String(decoding: name, as: UTF8.self))\" runs past the header block")
    }

    /// True when `bytes` are UTF-8 (decoding would replace bad bytes, so the text would differ from them).
    private static func isUTF8(_ bytes: Bytes) -> Bool {
        String(decoding: bytes, as: UTF8.self).utf8.elementsEqual(bytes)
    }

    /// The big-endian integer of `size` bytes at index `index` of `bytes`.
    private static func readUInt<Bytes: RandomAccessCollection<UInt8>>(_ bytes: Bytes, at index: Int, size: Int) -> UInt64
        where Bytes.Index == Int {
        var value: UInt64 = 0
        for position in index..<index + size { value = value << 8 | UInt64(bytes[position]) }
        return value
    }
}
