/// Cuts a streamed answer into the events the server wrote: SSE events end with a blank line (the server ends
/// lines with LF), event-stream messages carry their length in their first four bytes.
struct EventSplitter {
    /// The form of the bytes (`.json` never yields an event).
    let format: FaultFormat
    private var bytes: [UInt8] = []

    init(format: FaultFormat) {
        self.format = format
    }

    /// Adds bytes as they arrived.
    mutating func append(_ more: some Sequence<UInt8>) {
        bytes += more
    }

    /// The next whole event, or nil until more bytes arrive.
    mutating func next() -> [UInt8]? {
        let end: Int
        switch format {
        case .sse:
            guard let blank = (1..<max(1, bytes.count)).first(where: { bytes[$0] == 0x0A && bytes[$0 - 1] == 0x0A }) else {
                return nil
            }
            end = blank + 1
        case .eventStream:
            guard bytes.count >= 4 else { return nil }
            let length = bytes[0..<4].reduce(0) { $0 << 8 | Int($1) }
            guard length >= 16, bytes.count >= length else { return nil }
            end = length
        case .json:
            return nil
        }
        let event = Array(bytes[..<end])
        bytes.removeFirst(end)
        return event
    }
}
