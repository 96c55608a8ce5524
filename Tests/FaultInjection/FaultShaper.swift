import TurnsAPI
import TurnsServe
import TurnsLocal

/// What a `FaultWriter` does next.
enum FaultAction: Equatable {
    /// One write of these bytes (as one body part), flushed on its own.
    case write([UInt8])
    /// Nothing for this many seconds.
    case stall(seconds: Double)
    /// Reset the connection (TCP RST): nothing comes after it.
    case reset
    /// End the response here (after an error event or a corrupt frame): the rest of the answer is not sent.
    case endStream
}

/// The wire form of the bytes a `FaultShaper` is given.
enum FaultFormat: Equatable {
    /// Server-sent events of `/v1/complete`.
    case sse
    /// Bedrock's `application/vnd.amazon.eventstream` frames.
    case eventStream
    /// One JSON body of a non-streamed answer.
    case json
}

/// Applies a `FaultPlan` to an answer's bytes, event by event, and says which writes, stalls and resets carry
/// them. Pure: no socket, no clock, so tests can check what goes out for every kind.
///
/// The proxy hands it the bytes of each event the server sent (or the whole body of a non-streamed
/// answer); once `isCut` is true it must send nothing more.
struct FaultShaper {
    /// The plan being applied.
    let plan: FaultPlan
    /// The form of the bytes.
    let format: FaultFormat
    private var random: SeededRandom
    /// Text events passed on so far.
    private var textEvents = 0
    /// The mid-stream fault has fired.
    private var fired = false
    /// A reset or end was sent: nothing may follow.
    private(set) var isCut = false

    /// Creates a shaper for one answer.
    init(plan: FaultPlan, format: FaultFormat) {
        self.plan = plan
        self.format = format
        random = SeededRandom(seed: plan.shapingSeed)
    }

    /// The bytes sent right after a stream's head (the SSE `ping`; nothing on Bedrock).
    mutating func streamStart(_ bytes: [UInt8]) -> [FaultAction] {
        var actions = writes(bytes)
        switch plan.kind {
        case .resetAfterHead:
            actions.append(.reset)
            isCut = true
        case .stallBeforeText:
            actions.append(.stall(seconds: plan.stallSeconds))
        default:
            break
        }
        return actions
    }

    /// One event carrying text.
    mutating func textEvent(_ bytes: [UInt8]) -> [FaultAction] {
        if plan.kind.isMidStream && !fired && textEvents >= plan.textEventsBefore { return interrupt(before: bytes) }
        textEvents += 1
        return noise() + writes(bytes)
    }

    /// The last event of a stream. A mid-stream fault that has not fired yet fires before it, so every answer
    /// with that plan is spoilt, however short.
    mutating func finalEvent(_ bytes: [UInt8]) -> [FaultAction] {
        if plan.kind.isMidStream && !fired { return interrupt(before: bytes) }
        return noise() + writes(bytes)
    }

    /// The whole body of a non-streamed answer (after its head).
    mutating func body(_ bytes: [UInt8]) -> [FaultAction] {
        let half = bytes.count / 2
        switch plan.kind {
        case .resetAfterHead:
            isCut = true
            return [.reset]
        case .stallBeforeText:
            return [.stall(seconds: plan.stallSeconds)] + writes(bytes)
        case .resetMidStream:
            isCut = true
            return writes(Array(bytes[..<half])) + [.reset]
        case .stallMidStream:
            return writes(Array(bytes[..<half])) + [.stall(seconds: plan.stallSeconds)] + writes(Array(bytes[half...]))
        default:
            return writes(bytes)
        }
    }

    // MARK: - Mid-stream faults

    private mutating func interrupt(before bytes: [UInt8]) -> [FaultAction] {
        fired = true
        switch plan.kind {
        case .resetMidStream:
            isCut = true
            return [.reset]
        case .stallMidStream:
            return [.stall(seconds: plan.stallSeconds)] + writes(bytes)
        case .errorEvent:
            isCut = true
            return writes(format == .eventStream ? Self.exceptionFrame : Self.errorEvent) + [.endStream]
        case .badCRC:
            isCut = true
            var corrupt = bytes
            if let last = corrupt.indices.last { corrupt[last] ^= 0xFF }
            return writes(corrupt) + [.endStream]
        default:
            return writes(bytes)
        }
    }

    /// The SSE `error` event the API sends when it is overloaded mid-stream (PROTOCOL.md A.5).
    static let errorEvent = Array(("event: error\ndata: {\"type\": \"error\", \"error\": {\"type\": \"overloaded_error\", "
        + "\"message\": \"Overloaded\"}}\n\n").utf8)

    /// Bedrock's `throttlingException` message inside a stream (PROTOCOL.md C.6).
    static let exceptionFrame: [UInt8] = (try? EventStreamEncoder.encode(BedrockServer.exceptionMessage(
        type: "throttlingException", message: "Too many requests, please wait before trying again."))) ?? []

    // MARK: - Noise

    /// SSE lines a client must skip: comments, an extra ping, an event it does not know.
    static let sseNoise: [[UInt8]] = [
        Array(": keep-alive\n\n".utf8),
        Array(":\n".utf8),
        Array("event: ping\ndata: {\"type\": \"ping\"}\n\n".utf8),
        Array("event: future_event\ndata: {\"type\":\"future_event\",\"detail\":\"to be ignored\"}\n\n".utf8),
    ]

    /// An event-stream event of a type the client does not know.
    static let eventStreamNoise: [[UInt8]] = [
        (try? EventStreamEncoder.encode(EventStreamMessage(headers: [
            EventStreamHeader(":event-type", .string("futureEvent")),
            EventStreamHeader(":content-type", .string("application/json")),
            EventStreamHeader(":message-type", .string("event")),
        ], payload: Array("{\"detail\":\"to be ignored\"}".utf8)))) ?? [],
    ]

    /// Before about half the events of a `noise` plan: one piece of noise.
    private mutating func noise() -> [FaultAction] {
        guard plan.kind == .noise else { return [] }
        let pieces: [[UInt8]]
        switch format {
        case .sse: pieces = Self.sseNoise
        case .eventStream: pieces = Self.eventStreamNoise
        case .json: return []
        }
        guard random.next() % 2 == 0 else { return [] }
        return writes(pieces[Int(random.next() % UInt64(pieces.count))])
    }

    // MARK: - Cutting writes

    /// The writes that carry `bytes` under this plan.
    private mutating func writes(_ bytes: [UInt8]) -> [FaultAction] {
        guard !bytes.isEmpty else { return [] }
        switch plan.kind {
        case .byteAtATime:
            return bytes.map { .write([$0]) }
        case .splitWrites:
            return split(format == .sse ? Self.crlfLines(bytes) : bytes)
        default:
            return [.write(bytes)]
        }
    }

    /// `bytes` with every LF made CRLF. Safe for the server's SSE: JSON data never holds a raw line feed,
    /// so every LF there ends a line.
    static func crlfLines(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + bytes.count / 8)
        for byte in bytes {
            if byte == 0x0A { out.append(0x0D) }
            out.append(byte)
        }
        return out
    }

    /// Writes cut between each CR and LF, after the first byte of each multi-byte UTF-8 character, and at
    /// one random place.
    private mutating func split(_ bytes: [UInt8]) -> [FaultAction] {
        var cuts: [Int] = []
        for i in 1..<max(1, bytes.count) {
            let previous = bytes[i - 1], byte = bytes[i]
            if (previous == 0x0D && byte == 0x0A) || (previous >= 0xC0 && byte & 0xC0 == 0x80) { cuts.append(i) }
        }
        if bytes.count > 1 { cuts.append(1 + Int(random.next() % UInt64(bytes.count - 1))) }
        cuts = Array(Set(cuts)).sorted()
        var actions: [FaultAction] = []
        var start = 0
        for cut in cuts {
            actions.append(.write(Array(bytes[start..<cut])))
            start = cut
        }
        actions.append(.write(Array(bytes[start...])))
        return actions
    }
}
