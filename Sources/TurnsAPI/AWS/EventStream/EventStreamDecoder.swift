import CByteKernels
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
///
/// A client's hot path reads the messages of each network read in place instead (`readMessages(appending:_:)`):
/// only a message cut by the end of a read is copied, to be finished by the next one.
public struct EventStreamDecoder: Sendable {
    /// The longest header block accepted (botocore's and aws-sdk-go's limit).
    public static let maxHeadersLength = 128 * 1024
    /// The longest payload accepted (botocore's limit).
    public static let maxPayloadLength = 24 * 1024 * 1024
    /// Bytes of `total_length`, `headers_length` and the prelude CRC.
    public static let preludeLength = 12
    /// A message with no headers and no payload: the prelude and the message CRC.
    public static let minimumMessageLength = 16

    /// Bytes received and not yet taken as messages: with `readMessages`, only the start of one unfinished message.
    private var buffer: [UInt8] = []
    /// Where the next message starts in `buffer` (consumed bytes are dropped lazily, in bulk).
    private var start = 0
    private var failure: EventStreamError?
    /// The last header block checked, and where its `:message-type` and `:event-type` values lie: the messages of a
    /// stream mostly repeat the same block, which then needs no second walk.
    private var lastHeaderBlock: [UInt8] = []
    private var lastHeaderTypes: (messageType: Range<Int>?, eventType: Range<Int>?) = (nil, nil)
    /// Where `readMessages` has the C scan put the messages it finds in a read (made on first use, then reused from
    /// read to read; a decoder that only pulls with `next()` never needs it).
    private var frames: [turns_eventstream_frame] = []

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
        compactIfWorthwhile()
        let start = self.start
        var taken: (length: Int, message: EventStreamMessage)?
        do throws(EventStreamError) {
            let buffer = self.buffer
            self.buffer = []
            defer { self.buffer = buffer }
            taken = try buffer.withUnsafeBytes { raw in
                Result { () throws(EventStreamError) -> (length: Int, message: EventStreamMessage)? in
                    guard let (length, view) = try checkedMessage(UnsafeRawBufferPointer(rebasing: raw[start...])) else { return nil }
                    return (length, try Self.message(view))
                }
            }.get()
        } catch {
            fail(error)
            throw error
        }
        guard let taken else { return nil }
        self.start += taken.length
        return taken.message
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

    // MARK: - Reading in place

    /// One checked message, its checksums and header block verified, as bytes where it lies: valid only during the
    /// call it is passed to. A token's message then costs no String and no array.
    ///
    /// Made of the message's start and lengths only, its parts worked out when asked for: a reader of a repeated
    /// header block asks for the payload alone.
    struct MessageView {
        /// Where the message starts (its prelude).
        let start: UnsafeRawPointer
        /// The message's total length and its header block's length (checked).
        let total: Int, headersLength: Int
        /// Where the `:message-type` and `:event-type` string values lie in the header block, when present.
        let types: (messageType: Range<Int>?, eventType: Range<Int>?)
        /// The header block is byte for byte the previous message's: what a reader concluded from it still holds.
        let repeatsHeaders: Bool

        /// The header block's bytes.
        var headers: UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(start: start + EventStreamDecoder.preludeLength, count: headersLength)
        }

        /// The payload's bytes.
        @inline(__always)
        var payload: UnsafeRawBufferPointer {
            let payloadStart = EventStreamDecoder.preludeLength + headersLength
            return UnsafeRawBufferPointer(start: start + payloadStart, count: total - 4 - payloadStart)
        }

        /// The value of a `:message-type` string header, when there is one.
        var messageType: UnsafeRawBufferPointer? { types.messageType.map(headerValue) }

        /// The value of an `:event-type` string header, when there is one.
        var eventType: UnsafeRawBufferPointer? { types.eventType.map(headerValue) }

        private func headerValue(_ range: Range<Int>) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(start: start + EventStreamDecoder.preludeLength + range.lowerBound, count: range.count)
        }
    }

    /// Messages one scan found back to back, each checked (checksums, lengths) and each with the header block of the
    /// message before it: what a reader concluded from that block holds for all of them, so it can take them in one
    /// loop. Valid only during the call it is passed to.
    struct MessageRun {
        /// Where the first message starts.
        let start: UnsafeRawPointer
        /// What the scan found of each message (`total` and `headers` lengths).
        let frames: UnsafeBufferPointer<turns_eventstream_frame>
        /// Where the `:message-type` and `:event-type` string values lie in the repeated header block.
        let types: (messageType: Range<Int>?, eventType: Range<Int>?)

        /// How many messages the run holds.
        var count: Int { frames.count }

        /// The view of the message that starts `offset` bytes after `start`, whose frame is `frames[index]`.
        func view(at offset: Int, index: Int) -> MessageView {
            MessageView(start: start + offset, total: Int(frames[index].total), headersLength: Int(frames[index].headers),
                        types: types, repeatsHeaders: true)
        }
    }

    /// Takes `input` as the next bytes of the stream and passes every message they complete to `body`, in order,
    /// read where it lies: in `input` itself, or (for a message begun by an earlier read) in the decoder's buffer.
    /// Only an unfinished message at the end is copied, for the next call. When `body` returns false the rest of
    /// `input` is kept unread, as if appended.
    ///
    /// - Throws: `EventStreamError` when the bytes are not a valid message; the same error on every later call.
    mutating func readMessages(appending input: UnsafeRawBufferPointer,
                               _ body: (MessageView) -> Bool) throws(EventStreamError) {
        try readMessages(appending: input, takingRuns: false, runs: { _ in 0 }, body)
    }

    /// `readMessages(appending:_:)`, but the messages the scan finds with a repeated header block come to `runs`
    /// (see `MessageRun`), which returns how many of them it read: fewer than all stops reading as `body`'s false does.
    mutating func readMessages(appending input: UnsafeRawBufferPointer, runs: (MessageRun) -> Int,
                               _ body: (MessageView) -> Bool) throws(EventStreamError) {
        try readMessages(appending: input, takingRuns: true, runs: runs, body)
    }

    /// Both of the above: `runs` is called only when `takingRuns`.
    @inline(__always)
    private mutating func readMessages(appending input: UnsafeRawBufferPointer, takingRuns: Bool,
                                       runs: (MessageRun) -> Int,
                                       _ body: (MessageView) -> Bool) throws(EventStreamError) {
        if let failure { throw failure }
        do throws(EventStreamError) {
            var offset = 0
            // First the messages begun earlier, taking from `input` only the bytes they still lack.
            while bufferedByteCount > 0 {
                guard try finishBufferedMessage(from: input, at: &offset, body) else {
                    keep(input, from: offset)
                    return
                }
            }
            // The messages whose checksums the C scan computed in a batch; then, one by one, whatever it stopped at.
            if frames.isEmpty { frames = [turns_eventstream_frame](repeating: turns_eventstream_frame(), count: 128) }
            var stopped = false
            reading: while input.count - offset >= Self.preludeLength, let base = input.baseAddress {
                let found = frames.withUnsafeMutableBufferPointer { frames in
                    lastHeaderBlock.withUnsafeBufferPointer { last in
                        turns_eventstream_scan(base + offset, input.count - offset, last.baseAddress, last.count,
                                               frames.baseAddress!, frames.count)
                    }
                }
                var index = 0
                while index < found {
                    if takingRuns, frames[index].repeats_headers != 0 {
                        // The sound messages from here that repeat the last header block, taken together.
                        var end = index, length = 0
                        while end < found, frames[end].repeats_headers != 0,
                              Self.isSound(at: base + offset + length, frames[end]) {
                            length += Int(frames[end].total)
                            end += 1
                        }
                        if end > index {
                            let read = frames.withUnsafeBufferPointer { frames in
                                runs(MessageRun(start: base + offset,
                                                frames: UnsafeBufferPointer(rebasing: frames[index..<end]),
                                                types: lastHeaderTypes))
                            }
                            for taken in index..<index + read { offset += Int(frames[taken].total) }
                            index += read
                            guard index == end else {
                                stopped = true
                                break reading
                            }
                            continue
                        }
                    }
                    // One message: a new header block, or a run's end that is not sound (this throws why).
                    let (length, view) = try scannedMessage(at: base + offset, frames[index])
                    offset += length
                    index += 1
                    guard body(view) else {
                        stopped = true
                        break reading
                    }
                }
                if found < frames.count { break }
            }
            while !stopped && input.count - offset >= Self.preludeLength {
                let rest = UnsafeRawBufferPointer(rebasing: input[offset...])
                guard let (length, view) = try checkedMessage(rest) else { break }
                offset += length
                guard body(view) else { break }
            }
            keep(input, from: offset)
        } catch {
            fail(error)
            throw error
        }
    }

    /// Completes the buffered message with bytes of `input` from `offset` (moved past them) and passes it to
    /// `body`; true when reading may go on, false when `input` is used up or `body` said stop.
    private mutating func finishBufferedMessage(from input: UnsafeRawBufferPointer, at offset: inout Int,
                                                _ body: (MessageView) -> Bool) throws(EventStreamError) -> Bool {
        compactIfWorthwhile()
        // The prelude first, then (its length known and checked) the rest of the message.
        guard fillBuffer(to: Self.preludeLength, from: input, at: &offset) else { return false }
        let start = self.start
        let total = try buffer.withUnsafeBytes { raw in
            Result { () throws(EventStreamError) in
                try Self.checkPrelude(UnsafeRawBufferPointer(rebasing: raw[start..<start + Self.preludeLength])).total
            }
        }.get()
        guard fillBuffer(to: total, from: input, at: &offset) else { return false }
        let buffer = self.buffer
        self.buffer = []
        defer { self.buffer = buffer }
        let (length, goOn) = try buffer.withUnsafeBytes { raw in
            Result { () throws(EventStreamError) in
                // The whole message is in: `checkedMessage` does not ask for more.
                let (length, view) = try checkedMessage(UnsafeRawBufferPointer(rebasing: raw[start...]))!
                return (length, body(view))
            }
        }.get()
        self.start += length
        return goOn
    }

    /// Appends bytes of `input` from `offset` (moved past them) until `count` bytes are buffered; false when
    /// `input` ran out first.
    private mutating func fillBuffer(to count: Int, from input: UnsafeRawBufferPointer, at offset: inout Int) -> Bool {
        let lacking = count - bufferedByteCount
        guard lacking > 0 else { return true }
        let take = min(lacking, input.count - offset)
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[offset..<offset + take]))
        offset += take
        return take == lacking
    }

    /// Keeps the bytes of `input` from `offset` on, unread, for the next call.
    private mutating func keep(_ input: UnsafeRawBufferPointer, from offset: Int) {
        guard offset < input.count else { return }
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        }
        buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[offset...]))
    }

    /// Records `error` as the end of the stream: every later call throws it.
    private mutating func fail(_ error: EventStreamError) {
        failure = error
        buffer = []
        start = 0
    }

    // MARK: - Decoding

    /// The message at the start of `bytes`, checked, and its length; nil when its bytes are not all there yet (its
    /// prelude is checked as soon as its 12 bytes are, so a corrupt length never makes the decoder wait).
    private mutating func checkedMessage(_ bytes: UnsafeRawBufferPointer) throws(EventStreamError)
        -> (length: Int, view: MessageView)? {
        guard bytes.count >= Self.preludeLength, let base = bytes.baseAddress else { return nil }
        let prelude = try Self.checkPrelude(UnsafeRawBufferPointer(start: base, count: Self.preludeLength))
        guard bytes.count >= prelude.total else { return nil }
        try Self.checkMessageCRC(UnsafeRawBufferPointer(start: base, count: prelude.total), preludeCRC: prelude.preludeCRC)
        let block = UnsafeRawBufferPointer(start: base + Self.preludeLength, count: prelude.headers)
        let repeats = lastHeaderBlock.count == block.count
            && lastHeaderBlock.withUnsafeBytes { turns_equal_bytes(block.baseAddress!, $0.baseAddress!, block.count) != 0 }
        return (prelude.total, try view(at: base, total: prelude.total, headers: prelude.headers, repeatsHeaders: repeats))
    }

    /// The message the C scan found at `base` (its prelude CRC matched, its lengths fit, its CRC computed), checked.
    @inline(__always)
    private mutating func scannedMessage(at base: UnsafeRawPointer, _ frame: turns_eventstream_frame)
        throws(EventStreamError) -> (length: Int, view: MessageView) {
        let total = Int(frame.total), headers = Int(frame.headers)
        try Self.checkLengths(total: total, headers: headers)
        let expected = Self.readUInt32(UnsafeRawBufferPointer(start: base + total - 4, count: 4), at: 0)
        guard expected == frame.message_crc else { throw .messageChecksumMismatch(expected: expected, computed: frame.message_crc) }
        return (total, try view(at: base, total: total, headers: headers, repeatsHeaders: frame.repeats_headers != 0))
    }

    /// Whether the message the C scan found at `base` has lengths within the limits and the CRC it says it has
    /// (`scannedMessage` throws why not).
    @inline(__always)
    private static func isSound(at base: UnsafeRawPointer, _ frame: turns_eventstream_frame) -> Bool {
        let total = Int(frame.total)
        return lengthError(total: total, headers: Int(frame.headers)) == nil
            && readUInt32(UnsafeRawBufferPointer(start: base + total - 4, count: 4), at: 0) == frame.message_crc
    }

    /// The view of a message at `base` whose checksums and lengths were checked: its header block is checked now,
    /// unless it repeats the previous message's (`lastHeaderBlock`).
    @inline(__always)
    private mutating func view(at base: UnsafeRawPointer, total: Int, headers: Int, repeatsHeaders sameBlock: Bool)
        throws(EventStreamError) -> MessageView {
        if !sameBlock {
            let block = UnsafeRawBufferPointer(start: base + Self.preludeLength, count: headers)
            lastHeaderTypes = try Self.checkHeaders(block)
            lastHeaderBlock = Array(block)
        }
        return MessageView(start: base, total: total, headersLength: headers, types: lastHeaderTypes, repeatsHeaders: sameBlock)
    }

    /// The message a view shows, as values.
    static func message(_ view: MessageView) throws(EventStreamError) -> EventStreamMessage {
        // The view's header block was checked with the walk `decodeHeaders` builds from, so this cannot fail.
        EventStreamMessage(headers: try decodeHeaders(view.headers), payload: Array(view.payload))
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
        try checkLengths(total: total, headers: headers)
        return (total, headers, expected)
    }

    /// Checks the lengths a prelude declares: against each other and against the limits.
    @inline(__always)
    static func checkLengths(total: Int, headers: Int) throws(EventStreamError) {
        if let error = lengthError(total: total, headers: headers) { throw error }
    }

    /// What is wrong with the lengths a prelude declares, if anything.
    @inline(__always)
    static func lengthError(total: Int, headers: Int) -> EventStreamError? {
        guard headers <= maxHeadersLength else { return .headersTooLong(headers) }
        guard total >= minimumMessageLength, headers <= total - minimumMessageLength else {
            return .invalidTotalLength(total: total, headers: headers)
        }
        let payload = total - headers - minimumMessageLength
        guard payload <= maxPayloadLength else { return .payloadTooLong(payload) }
        return nil
    }

    /// Checks one whole message's CRC.
    static func checkMessageCRC(_ bytes: UnsafeRawBufferPointer, preludeCRC: UInt32) throws(EventStreamError) {
        let total = bytes.count
        let expected = readUInt32(bytes, at: total - 4)
        // Continuing from the prelude CRC over bytes 8..<T-4 equals the CRC of bytes 0..<T-4 (botocore's way).
        let computed = CRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[8..<total - 4]), seed: preludeCRC)
        guard expected == computed else { throw .messageChecksumMismatch(expected: expected, computed: computed) }
    }

    /// Checks a header block; returns where the `:message-type` and `:event-type` string values lie in it.
    static func checkHeaders(_ block: UnsafeRawBufferPointer)
        throws(EventStreamError) -> (messageType: Range<Int>?, eventType: Range<Int>?) {
        var messageType: Range<Int>?, eventType: Range<Int>?
        try walkHeaders(block) { nameRange, type, value throws(EventStreamError) in
            guard type == 7 else { return }
            let name = UnsafeRawBufferPointer(rebasing: block[nameRange]).bindMemory(to: UInt8.self)
            if name.equals(":message-type") { messageType = value } else if name.equals(":event-type") { eventType = value }
        }
        return (messageType, eventType)
    }

    /// Decodes a header block: `name_len:u8 name type:u8 value`, repeated to its end.
    static func decodeHeaders(_ block: UnsafeRawBufferPointer) throws(EventStreamError) -> [EventStreamHeader] {
        var headers: [EventStreamHeader] = []
        headers.reserveCapacity(4)
        try walkHeaders(block) { nameRange, type, valueRange throws(EventStreamError) in
            // The walk has checked both for UTF-8.
            let name = String(decoding: UnsafeRawBufferPointer(rebasing: block[nameRange]), as: UTF8.self)
            headers.append(EventStreamHeader(name, value(type: type, UnsafeRawBufferPointer(rebasing: block[valueRange]))))
        }
        return headers
    }

    /// Walks a header block (`name_len:u8 name type:u8 value`, repeated to its end), checking its structure, that
    /// names and string values are UTF-8 and that no name repeats; `visit` gets each header's name and value as
    /// places in the block. Nothing is allocated for a block of up to 16 headers.
    static func walkHeaders(_ block: UnsafeRawBufferPointer,
                            _ visit: (_ name: Range<Int>, _ type: UInt8, _ value: Range<Int>) throws(EventStreamError) -> Void)
        throws(EventStreamError) {
        // Repeated names: the first headers are compared with the ones before them by walking the (already checked)
        // block again, which costs nothing to set up for the handful real messages carry; past that, a set bounds
        // the cost of a hostile block of thousands of tiny headers.
        let walkLimit = 16
        var count = 0
        var manyNames: Set<[UInt8]>?
        var offset = 0
        let end = block.count
        // When no byte of the block is 0x80 or above, every name and string value is ASCII: one pass checks them all.
        let allASCII = isASCII(block)
        while offset < end {
            let headerStart = offset
            let nameLength = Int(block[offset])
            offset += 1
            guard offset + nameLength < end else { throw .malformedHeader("a header name runs past the header block") }
            let nameRange = offset..<offset + nameLength
            let name = UnsafeRawBufferPointer(rebasing: block[nameRange])
            guard allASCII || isUTF8(name) else { throw .malformedHeader("a header name is not UTF-8") }
            offset += nameLength
            let type = block[offset]
            offset += 1
            let valueRange = try valueExtent(type: type, name: name, block, &offset)
            if type == 7, !allASCII, !isUTF8(UnsafeRawBufferPointer(rebasing: block[valueRange])) {
                throw .malformedHeader("the string value of \"\(String(decoding: name, as: UTF8.self))\" is not UTF-8")
            }
            if count < walkLimit {
                var other = 0
                while other < headerStart {
                    let otherLength = Int(block[other])
                    if otherLength == nameLength
                        && (nameLength == 0 || memcmp(block.baseAddress! + other + 1, name.baseAddress!, nameLength) == 0) {
                        throw .duplicateHeader(String(decoding: name, as: UTF8.self))
                    }
                    other = nextHeader(afterCheckedHeaderAt: other, in: block)
                }
            } else {
                if manyNames == nil {
                    var names = Set<[UInt8]>()
                    var other = 0
                    while other < headerStart {
                        names.insert(Array(UnsafeRawBufferPointer(rebasing: block[other + 1..<other + 1 + Int(block[other])])))
                        other = nextHeader(afterCheckedHeaderAt: other, in: block)
                    }
                    manyNames = names
                }
                if !manyNames!.insert(Array(name)).inserted { throw .duplicateHeader(String(decoding: name, as: UTF8.self)) }
            }
            count += 1
            try visit(nameRange, type, valueRange)
        }
    }

    /// Where the header after the one at `offset` starts, for a header `walkHeaders` has already checked.
    @inline(__always)
    private static func nextHeader(afterCheckedHeaderAt offset: Int, in block: UnsafeRawBufferPointer) -> Int {
        let typeAt = offset + 1 + Int(block[offset])
        switch block[typeAt] {
        case 0, 1: return typeAt + 1
        case 2: return typeAt + 2
        case 3: return typeAt + 3
        case 4: return typeAt + 5
        case 5, 8: return typeAt + 9
        case 9: return typeAt + 17
        default: return typeAt + 3 + Int(readUInt(block, at: typeAt + 1, size: 2))
        }
    }

    /// True when the bytes are UTF-8; header names and values are almost always ASCII, checked word by word.
    static func isUTF8(_ bytes: UnsafeRawBufferPointer) -> Bool {
        isASCII(bytes) || UTF8Validation.isValid(bytes.bindMemory(to: UInt8.self))
    }

    /// True when no byte is 0x80 or above, checked eight bytes at a time.
    @inline(__always)
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        var high: UInt64 = 0
        while index + 8 <= bytes.count {
            high |= bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            high |= UInt64(bytes[index])
            index += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }

    /// Where the value of a header of `type` lies, moving `offset` past it.
    private static func valueExtent(type: UInt8, name: UnsafeRawBufferPointer, _ block: UnsafeRawBufferPointer,
                                    _ offset: inout Int) throws(EventStreamError) -> Range<Int> {
        let size: Int
        switch type {
        case 0, 1: size = 0
        case 2: size = 1
        case 3: size = 2
        case 4: size = 4
        case 5, 8: size = 8
        case 9: size = 16
        case 6, 7:
            guard offset + 2 <= block.count else { throw valueOverrun(name) }
            size = Int(readUInt(block, at: offset, size: 2))
            offset += 2
        default:
            throw .invalidHeaderType(type)
        }
        guard offset + size <= block.count else { throw valueOverrun(name) }
        defer { offset += size }
        return offset..<offset + size
    }

    private static func valueOverrun(_ name: UnsafeRawBufferPointer) -> EventStreamError {
        .malformedHeader("the value of \"\(String(decoding: name, as: UTF8.self))\" runs past the header block")
    }

    /// The value of a header of `type` whose bytes (checked by `walkHeaders`) are `bytes`.
    private static func value(type: UInt8, _ bytes: UnsafeRawBufferPointer) -> EventStreamHeaderValue {
        switch type {
        case 0: return .bool(true)
        case 1: return .bool(false)
        case 2: return .byte(Int8(bitPattern: bytes[0]))
        case 3: return .short(Int16(bitPattern: UInt16(readUInt(bytes, at: 0, size: 2))))
        case 4: return .integer(Int32(bitPattern: readUInt32(bytes, at: 0)))
        case 5: return .long(Int64(bitPattern: readUInt(bytes, at: 0, size: 8)))
        case 6: return .byteArray([UInt8](bytes))
        case 7: return .string(String(decoding: bytes, as: UTF8.self))
        case 8: return .timestamp(Int64(bitPattern: readUInt(bytes, at: 0, size: 8)))
        default:
            var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &uuid) { $0.copyMemory(from: bytes) }
            return .uuid(UUID(uuid: uuid))
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
