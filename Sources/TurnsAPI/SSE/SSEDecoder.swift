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
    /// The `event` field of the event being built (empty: none).
    private var eventName: [UInt8] = []
    /// The `data` lines of the event being built, joined with LF.
    private var data: [UInt8] = []
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
        var index = 0
        if skipLeadingLF, let first = bytes.first {
            skipLeadingLF = false
            if first == .lineFeed { index = 1 }
        }
        var lineStart = index
        while index < bytes.count {
            let byte = bytes[index]
            guard byte == .lineFeed || byte == .carriageReturn else {
                index += 1
                continue
            }
            if partialLine.isEmpty {
                processLine(bytes[lineStart..<index], into: &events)
            } else {
                // Moved out, so processing the line may change the decoder.
                var line: [UInt8] = []
                swap(&line, &partialLine)
                line.append(contentsOf: bytes[lineStart..<index])
                processLine(line[...], into: &events)
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
        return events
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

    private mutating func processLine(_ line: ArraySlice<UInt8>, into events: inout [ServerSentEvent]) {
        guard let first = line.first else {
            dispatch(into: &events)
            return
        }
        if first == .colon { return }
        let nameEnd = line.firstIndex(of: .colon) ?? line.endIndex
        var valueStart = Swift.min(nameEnd + 1, line.endIndex)
        if valueStart < line.endIndex && line[valueStart] == .space { valueStart += 1 }
        let value = line[valueStart...]
        switch String(decoding: line[..<nameEnd], as: UTF8.self) {
        case "data":
            if dataLineCount > 0 { data.append(.lineFeed) }
            data.append(contentsOf: value)
            dataLineCount += 1
        case "event":
            eventName.removeAll(keepingCapacity: true)
            eventName.append(contentsOf: value)
        case "id":
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        case "retry":
            if let milliseconds = Self.parseDigits(value) { retry = milliseconds }
        default:
            break
        }
    }

    private mutating func dispatch(into events: inout [ServerSentEvent]) {
        // The SDK's rule: an event with nothing in it at all is not dispatched.
        guard !eventName.isEmpty || dataLineCount > 0 || !(lastEventID?.isEmpty ?? true) || retry != nil else { return }
        events.append(ServerSentEvent(event: eventName.isEmpty ? nil : String(decoding: eventName, as: UTF8.self),
                                      data: String(decoding: data, as: UTF8.self), id: lastEventID, retry: retry))
        resetEvent()
    }

    private mutating func resetEvent() {
        eventName.removeAll(keepingCapacity: true)
        data.removeAll(keepingCapacity: true)
        dataLineCount = 0
        retry = nil
    }

    /// A non-negative decimal integer of ASCII digits only, or nil (also on overflow).
    private static func parseDigits(_ bytes: ArraySlice<UInt8>) -> Int? {
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

extension UInt8 {
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let colon: UInt8 = 0x3A
    static let space: UInt8 = 0x20
}
