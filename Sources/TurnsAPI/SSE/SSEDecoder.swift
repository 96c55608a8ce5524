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
public struct SSEDecoder: Sendable {
    /// Bytes of a line whose end has not arrived yet.
    private var partialLine: [UInt8] = []
    /// The previous read ended with CR, so an LF at the start of the next read belongs to it.
    private var skipLeadingLF = false
    /// The last `event` field; it names the event being built when `hasName`. Kept from event to event, since
    /// events repeat the last one's name (copying it into an emptied array was ~12% of `--print`'s CPU).
    private var eventName: [UInt8] = []
    private var hasName = false
    /// The `data` lines of the event being built, joined with LF.
    private var data: [UInt8] = []
    /// The event's only `data` line so far while it lies in the read being decoded: copied into `data` only when
    /// the event outlives the read or gets a second line (the copy was ~5% of `--print`'s CPU).
    /// Never set between calls (`feed` copies it before returning), so the decoder stays safe to send.
    nonisolated(unsafe) private var borrowedData: UnsafeBufferPointer<UInt8>?
    /// How many `data` lines the event being built has.
    private var dataLineCount = 0
    /// The last `id` seen; per the specification it is not reset between events.
    private var lastEventID: String?
    /// The `retry` field of the event being built.
    private var retry: Int?

    /// Creates a decoder at the start of a stream.
    public init() {}

    /// Decodes the next bytes of the stream and returns the events they complete, in order.
    public mutating func feed(_ bytes: [UInt8]) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        feed(bytes) { name, data, id, retry in
            events.append(ServerSentEvent(event: name.isEmpty ? nil : String(decoding: name, as: UTF8.self),
                                          data: String(decoding: data, as: UTF8.self), id: id, retry: retry))
        }
        return events
    }

    /// What `onEvent` gets for each event: its name (empty: none), its data lines joined with LF, the last event id
    /// and its retry field. The bytes are the decoder's, valid only during the call.
    typealias EventHandler = (_ name: UnsafeBufferPointer<UInt8>, _ data: UnsafeBufferPointer<UInt8>,
                              _ id: String?, _ retry: Int?) -> Void

    /// Decodes the next bytes of the stream, handing each event they complete to `onEvent`, in order (a client
    /// reads the data without a String per event).
    mutating func feed(_ bytes: [UInt8], onEvent: EventHandler) {
        bytes.withUnsafeBufferPointer { feed($0, onEvent: onEvent) }
    }

    private mutating func feed(_ bytes: UnsafeBufferPointer<UInt8>, onEvent: EventHandler) {
        var index = 0
        if skipLeadingLF, let first = bytes.first {
            skipLeadingLF = false
            if first == .lineFeed { index = 1 }
        }
        var lineStart = index
        // Most streams end lines with LF alone: then memchr finds each line end, many bytes per step.
        let hasCarriageReturn = index < bytes.count
            && memchr(bytes.baseAddress! + index, Int32(UInt8.carriageReturn), bytes.count - index) != nil
        while index < bytes.count {
            if !hasCarriageReturn {
                let rest = bytes.count - index
                guard let found = memchr(bytes.baseAddress! + index, Int32(UInt8.lineFeed), rest) else { break }
                index += UnsafeRawPointer(found) - UnsafeRawPointer(bytes.baseAddress! + index)
            }
            let byte = bytes[index]
            guard byte == .lineFeed || byte == .carriageReturn else {
                index += 1
                continue
            }
            if partialLine.isEmpty {
                processLine(UnsafeBufferPointer(rebasing: bytes[lineStart..<index]), inRead: true, onEvent)
            } else {
                // Moved out, so processing the line may change the decoder.
                var line: [UInt8] = []
                swap(&line, &partialLine)
                line.append(contentsOf: bytes[lineStart..<index])
                line.withUnsafeBufferPointer { processLine($0, inRead: false, onEvent) }
                line.removeAll(keepingCapacity: true)
                partialLine = line
            }
            if byte == .carriageReturn {
                if index + 1 < bytes.count {
                    if bytes[index + 1] == .lineFeed { index += 1 }
                } else {
                    skipLeadingLF = true
                }
            }
            index += 1
            lineStart = index
        }
        partialLine.append(contentsOf: bytes[lineStart...])
        keepBorrowedData()
    }

    /// Copies a borrowed data line into `data`, before the bytes it points to go away or another line joins it.
    private mutating func keepBorrowedData() {
        guard let line = borrowedData else { return }
        data.append(contentsOf: line)
        borrowedData = nil
    }

    /// Ends the stream. An event still missing its closing blank line is dropped, as the specification says.
    ///
    /// - Returns: true when something was dropped (a partial line or an undispatched event).
    @discardableResult
    public mutating func finish() -> Bool {
        let dropped = !partialLine.isEmpty || hasName || dataLineCount > 0 || retry != nil
        partialLine.removeAll(keepingCapacity: true)
        skipLeadingLF = false
        resetEvent()
        return dropped
    }

    // MARK: - Lines and fields

    private mutating func processLine(_ line: UnsafeBufferPointer<UInt8>, inRead: Bool, _ onEvent: EventHandler) {
        guard let first = line.first else {
            dispatch(onEvent)
            return
        }
        if first == .colon { return }
        let nameEnd = line.firstIndex(of: .colon) ?? line.endIndex
        var valueStart = Swift.min(nameEnd + 1, line.endIndex)
        if valueStart < line.endIndex && line[valueStart] == .space { valueStart += 1 }
        let name = UnsafeBufferPointer(rebasing: line[..<nameEnd])
        let value = UnsafeBufferPointer(rebasing: line[valueStart...])
        if name.equals("data") {
            keepBorrowedData()
            if dataLineCount > 0 { data.append(.lineFeed) }
            if dataLineCount == 0 && inRead { borrowedData = value } else { data.append(contentsOf: value) }
            dataLineCount += 1
        } else if name.equals("event") {
            let same = eventName.withUnsafeBufferPointer {
                $0.count == value.count && (value.isEmpty || memcmp($0.baseAddress!, value.baseAddress!, value.count) == 0)
            }
            if !same { eventName = Array(value) }
            hasName = !value.isEmpty
        } else if name.equals("id") {
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        } else if name.equals("retry") {
            if let milliseconds = Self.parseDigits(value) { retry = milliseconds }
        }
    }

    private mutating func dispatch(_ onEvent: EventHandler) {
        // The SDK's rule: an event with nothing in it at all is not dispatched.
        guard hasName || dataLineCount > 0 || !(lastEventID?.isEmpty ?? true) || retry != nil else { return }
        eventName.withUnsafeBufferPointer { kept in
            let name = hasName ? kept : UnsafeBufferPointer(rebasing: kept[0..<0])
            if let borrowedData {
                onEvent(name, borrowedData, lastEventID, retry)
            } else {
                data.withUnsafeBufferPointer { data in onEvent(name, data, lastEventID, retry) }
            }
        }
        resetEvent()
    }

    private mutating func resetEvent() {
        hasName = false
        if !data.isEmpty { data.removeAll(keepingCapacity: true) }
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
}

extension UnsafeBufferPointer<UInt8> {
    /// True when the bytes are exactly `word`'s.
    func equals(_ word: StaticString) -> Bool {
        count == word.utf8CodeUnitCount && (count == 0 || memcmp(baseAddress!, word.utf8Start, count) == 0)
    }
}

extension UInt8 {
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let colon: UInt8 = 0x3A
    static let space: UInt8 = 0x20
}
