import Foundation

/// An incremental decoder of server-sent events (the `text/event-stream` format), fed raw network bytes.
///
/// It follows the WHATWG event-stream interpretation the official SDK uses (PROTOCOL.md B.5):
/// - lines end at LF, CR or CRLF (a CR at the end of one read and an LF at the start of the next are one
///   line ending); nothing else, not U+2028, ends a line;
/// - `:` starts a comment; `event`, `data` (several lines joined with LF), `id` (ignored when it holds NUL,
///   and kept from event to event) and `retry` (ASCII digits only) are fields; other fields are ignored;
/// - a blank line dispatches the event, unless it has no name, no data line, no last event id and no retry;
/// - an event without its closing blank line at the end of the stream is not dispatched.
///
/// It works on bytes, so a UTF-8 character, a CRLF pair or an event may be split across reads at any point.
/// Its buffers are reused, so steady streaming does not allocate per event with `feed(_:onEvent:)`.
public struct SSEDecoder: Sendable {
    /// Bytes of a line whose end has not arrived yet.
    private var partialLine: [UInt8] = []
    /// The previous read ended with CR, so an LF at the start of the next read belongs to it.
    private var skipLeadingLF = false
    /// The `event` field of the event being built (empty: none).
    private var eventName: [UInt8] = []
    /// The `data` lines of the event being built, joined with LF.
    private var data: [UInt8] = []
    /// How many `data` lines the event being built has.
    private var dataLineCount = 0
    /// The `event` value and the single `data` line, when they lie in the read being decoded: used in place
    /// rather than copied (offsets into that read; copied into `eventName` and `data` before `feed` returns).
    private var borrowedName: Range<Int>?
    private var borrowedData: Range<Int>?
    /// The last `id` seen; per the specification it is not reset between events.
    private var lastEventID: [UInt8]?
    /// The `retry` field of the event being built.
    private var retry: Int?

    /// Creates a decoder at the start of a stream.
    public init() {}

    /// Decodes the next bytes of the stream, calling `onEvent` for each event they complete, in order.
    ///
    /// The event passed to `onEvent` borrows the decoder's buffers: use or copy it inside the call.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer,
                              onEvent: (SSEEventBytes) throws -> Void) rethrows {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else { return }
        let count = bytes.count
        var start = 0
        if skipLeadingLF {
            skipLeadingLF = false
            if base[0] == .lineFeed { start = 1 }
        }
        // Most streams end lines with LF alone: then each line end is found with memchr, which scans many bytes
        // per instruction, instead of testing every byte for both LF and CR.
        let hasCarriageReturn = memchr(base + start, Int32(UInt8.carriageReturn), count - start) != nil
        var index = start
        while index < count {
            // The usual event, whole in this read with nothing of another pending, is dispatched in one step.
            if !hasCarriageReturn && partialLine.isEmpty && isBetweenEvents,
               let event = Self.wholePlainEvent(base, from: start, count: count) {
                try emit(name: event.name, data: event.data, retry: nil, onEvent)
                index = event.next
                start = index
                continue
            }
            if hasCarriageReturn {
                while index < count && base[index] != .lineFeed && base[index] != .carriageReturn { index += 1 }
            } else {
                index = Self.lineEnd(base, from: index, count: count) ?? count
            }
            guard index < count else { break }
            let byte = base[index]
            let line = UnsafeBufferPointer(start: base + start, count: index - start)
            if partialLine.isEmpty {
                try processLine(line, read: base, at: start, onEvent: onEvent)
            } else {
                // Swap the carried bytes out so processing the line may change the decoder.
                var carried: [UInt8] = []
                swap(&carried, &partialLine)
                carried.append(contentsOf: line)
                try carried.withUnsafeBufferPointer { try processLine($0, read: nil, at: 0, onEvent: onEvent) }
                carried.removeAll(keepingCapacity: true)
                partialLine = carried
            }
            if byte == .carriageReturn {
                if index + 1 < count {
                    if base[index + 1] == .lineFeed { index += 1 }
                } else {
                    skipLeadingLF = true
                }
            }
            index += 1
            start = index
        }
        if start < count {
            partialLine.append(contentsOf: UnsafeBufferPointer(start: base + start, count: count - start))
        }
        // The read is the caller's: what the next event still needs of it is copied now.
        if let range = borrowedName {
            eventName.append(contentsOf: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count))
            borrowedName = nil
        }
        if let range = borrowedData {
            data.append(contentsOf: UnsafeBufferPointer(start: base + range.lowerBound, count: range.count))
            borrowedData = nil
        }
    }

    /// Decodes the next bytes of the stream and returns the events they complete, in order.
    public mutating func feed(_ bytes: UnsafeRawBufferPointer) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        feed(bytes) { events.append(ServerSentEvent($0)) }
        return events
    }

    /// Decodes the next bytes of the stream and returns the events they complete, in order.
    public mutating func feed(_ bytes: [UInt8]) -> [ServerSentEvent] {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// Ends the stream. An event still missing its closing blank line is dropped, as the specification says.
    ///
    /// - Returns: true when something was dropped (a partial line or an undispatched event).
    @discardableResult
    public mutating func finish() -> Bool {
        let dropped = !partialLine.isEmpty || !eventName.isEmpty || dataLineCount > 0 || retry != nil
        partialLine.removeAll(keepingCapacity: true)
        skipLeadingLF = false
        resetEvent()
        return dropped
    }

    // MARK: - Lines and fields

    /// Handles one line; `read` is the caller's buffer when the line lies in it at `offset` (nil for a line
    /// carried over from an earlier read), so its values can be used in place.
    private mutating func processLine(_ line: UnsafeBufferPointer<UInt8>, read: UnsafePointer<UInt8>?, at offset: Int,
                                      onEvent: (SSEEventBytes) throws -> Void) rethrows {
        if line.isEmpty { try dispatch(read: read, onEvent); return }
        if line[0] == .colon { return }
        var nameEnd = 0
        while nameEnd < line.count && line[nameEnd] != .colon { nameEnd += 1 }
        var valueStart = Swift.min(nameEnd + 1, line.count)
        if valueStart < line.count && line[valueStart] == .space { valueStart += 1 }
        let name = UnsafeBufferPointer(rebasing: line[0..<nameEnd])
        let value = UnsafeBufferPointer(rebasing: line[valueStart..<line.count])
        let valueRange = offset + valueStart ..< offset + line.count
        if name.equals("data") {
            if dataLineCount == 0, read != nil {
                borrowedData = valueRange
            } else {
                if let range = borrowedData, let read {
                    data.append(contentsOf: UnsafeBufferPointer(start: read + range.lowerBound, count: range.count))
                    borrowedData = nil
                }
                if dataLineCount > 0 { data.append(.lineFeed) }
                data.append(contentsOf: value)
            }
            dataLineCount += 1
        } else if name.equals("event") {
            if !eventName.isEmpty { eventName.removeAll(keepingCapacity: true) }
            if read != nil {
                borrowedName = valueRange
            } else {
                borrowedName = nil
                eventName.append(contentsOf: value)
            }
        } else if name.equals("id") {
            if !value.contains(0) { lastEventID = Array(value) }
        } else if name.equals("retry") {
            if let milliseconds = Self.parseDigits(value) { retry = milliseconds }
        }
    }

    private mutating func dispatch(read: UnsafePointer<UInt8>?,
                                   _ onEvent: (SSEEventBytes) throws -> Void) rethrows {
        // The SDK's rule: an event with nothing in it at all is not dispatched.
        let hasID = !(lastEventID?.isEmpty ?? true)
        let hasName = !eventName.isEmpty || !(borrowedName?.isEmpty ?? true)
        guard hasName || dataLineCount > 0 || hasID || retry != nil else { return }
        defer { resetEvent() }
        try eventName.withUnsafeBufferPointer { ownedName in
            try data.withUnsafeBufferPointer { ownedData in
                try emit(name: borrowed(borrowedName, in: read) ?? ownedName,
                         data: borrowed(borrowedData, in: read) ?? ownedData, retry: retry, onEvent)
            }
        }
    }

    /// True when no field of an event has been read since the last dispatch (nor a retry).
    private var isBetweenEvents: Bool {
        dataLineCount == 0 && eventName.isEmpty && borrowedName == nil && retry == nil
    }

    /// An event written the usual way, `event: NAME` LF `data: DATA` LF LF, lying whole from `start`: its name, its
    /// data and where the next line starts; nil for anything else (the line-by-line path reads those). Only for reads
    /// without CR. The event is the one the line-by-line path would build from the same lines.
    private static func wholePlainEvent(_ base: UnsafePointer<UInt8>, from start: Int, count: Int)
        -> (name: UnsafeBufferPointer<UInt8>, data: UnsafeBufferPointer<UInt8>, next: Int)? {
        let eventPrefix: StaticString = "event: ", dataPrefix: StaticString = "data: "
        let nameStart = start + eventPrefix.utf8CodeUnitCount
        guard nameStart < count, memcmp(base + start, eventPrefix.utf8Start, eventPrefix.utf8CodeUnitCount) == 0,
              let nameEnd = lineEnd(base, from: nameStart, count: count), nameEnd > nameStart else { return nil }
        let dataLine = nameEnd + 1
        let dataStart = dataLine + dataPrefix.utf8CodeUnitCount
        guard dataStart < count, memcmp(base + dataLine, dataPrefix.utf8Start, dataPrefix.utf8CodeUnitCount) == 0,
              let dataEnd = lineEnd(base, from: dataStart, count: count),
              dataEnd + 1 < count, base[dataEnd + 1] == .lineFeed else { return nil }
        return (UnsafeBufferPointer(start: base + nameStart, count: nameEnd - nameStart),
                UnsafeBufferPointer(start: base + dataStart, count: dataEnd - dataStart), dataEnd + 2)
    }

    /// The offset of the next LF at or after `from`, if any.
    @inline(__always)
    private static func lineEnd(_ base: UnsafePointer<UInt8>, from: Int, count: Int) -> Int? {
        guard let found = memchr(base + from, Int32(UInt8.lineFeed), count - from) else { return nil }
        return UnsafePointer<UInt8>(found.assumingMemoryBound(to: UInt8.self)) - base
    }

    /// Hands an event to `onEvent`, with the last event id seen in the stream.
    private func emit(name: UnsafeBufferPointer<UInt8>, data: UnsafeBufferPointer<UInt8>, retry: Int?,
                      _ onEvent: (SSEEventBytes) throws -> Void) rethrows {
        if let lastEventID {
            try lastEventID.withUnsafeBufferPointer { id in
                try onEvent(SSEEventBytes(name: name, data: data, id: id, retry: retry))
            }
        } else {
            try onEvent(SSEEventBytes(name: name, data: data, id: nil, retry: retry))
        }
    }

    /// The bytes of `range` in the read being decoded, when there is one.
    @inline(__always)
    private func borrowed(_ range: Range<Int>?, in read: UnsafePointer<UInt8>?) -> UnsafeBufferPointer<UInt8>? {
        guard let range, let read else { return nil }
        return UnsafeBufferPointer(start: read + range.lowerBound, count: range.count)
    }

    private mutating func resetEvent() {
        // Emptied only when not empty: `removeAll(keepingCapacity:)` is not free, and this runs for every event.
        if !eventName.isEmpty { eventName.removeAll(keepingCapacity: true) }
        if !data.isEmpty { data.removeAll(keepingCapacity: true) }
        borrowedName = nil
        borrowedData = nil
        dataLineCount = 0
        retry = nil
    }

    /// A non-negative decimal integer of ASCII digits only, or nil (also on overflow).
    private static func parseDigits(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        guard !bytes.isEmpty else { return nil }
        var result = 0
        for byte in bytes {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            let (times10, overflow1) = result.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - 0x30))
            if overflow1 || overflow2 { return nil }
            result = sum
        }
        return result
    }
}

/// A dispatched event as bytes borrowed from the decoder: valid only during the `onEvent` call.
public struct SSEEventBytes {
    /// The `event` field's UTF-8 bytes; empty when the event had none.
    public let name: UnsafeBufferPointer<UInt8>
    /// The `data` lines' UTF-8 bytes, joined with LF.
    public let data: UnsafeBufferPointer<UInt8>
    /// The last event id's UTF-8 bytes, when one has been seen in the stream.
    public let id: UnsafeBufferPointer<UInt8>?
    /// The `retry` field in milliseconds, when the event had a valid one.
    public let retry: Int?

    /// True when the event's name is exactly `expected`.
    public func isNamed(_ expected: StaticString) -> Bool {
        name.equals(expected)
    }
}

/// A server-sent event as values: what `SSEDecoder.feed(_:)` returns.
public struct ServerSentEvent: Sendable, Hashable {
    /// The `event` field, or nil when the event had none (or an empty one).
    public var event: String?
    /// The `data` lines joined with LF (empty when there were none).
    public var data: String
    /// The last event id seen in the stream, if any.
    public var id: String?
    /// The `retry` field in milliseconds, if the event had a valid one.
    public var retry: Int?

    /// Creates an event.
    public init(event: String? = nil, data: String = "", id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }

    /// Copies a borrowed event into values (invalid UTF-8 becomes U+FFFD).
    public init(_ bytes: SSEEventBytes) {
        self.event = bytes.name.isEmpty ? nil : String(decoding: bytes.name, as: UTF8.self)
        self.data = String(decoding: bytes.data, as: UTF8.self)
        self.id = bytes.id.map { String(decoding: $0, as: UTF8.self) }
        self.retry = bytes.retry
    }
}

extension UInt8 {
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let colon: UInt8 = 0x3A
    static let space: UInt8 = 0x20
}
