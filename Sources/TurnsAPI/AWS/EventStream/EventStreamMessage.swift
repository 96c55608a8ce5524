import Foundation

/// One message of an `application/vnd.amazon.eventstream` body (PROTOCOL.md C.6): headers and a payload.
public struct EventStreamMessage: Sendable, Hashable {
    /// The headers, in wire order; names are unique within a message.
    public var headers: [EventStreamHeader]
    /// The payload bytes.
    public var payload: [UInt8]

    /// Creates a message.
    public init(headers: [EventStreamHeader] = [], payload: [UInt8] = []) {
        self.headers = headers
        self.payload = payload
    }

    /// The value of the header called `name` (names compare exactly, as on the wire).
    public func header(_ name: String) -> EventStreamHeaderValue? {
        headers.first(where: { $0.name == name })?.value
    }

    /// The value of the string header called `name`, or nil when it is absent or not a string.
    public func stringHeader(_ name: String) -> String? {
        if case .string(let value)? = header(name) { return value }
        return nil
    }

    /// `:message-type`: `event`, `exception` or `error`.
    public var messageType: String? { stringHeader(":message-type") }
}

/// One header of an event-stream message.
public struct EventStreamHeader: Sendable, Hashable {
    /// The name (at most 255 bytes of UTF-8).
    public var name: String
    /// The typed value.
    public var value: EventStreamHeaderValue

    /// Creates a header.
    public init(_ name: String, _ value: EventStreamHeaderValue) {
        self.name = name
        self.value = value
    }
}

/// A header value, one case per wire type (the raw type codes are `typeCode`).
public enum EventStreamHeaderValue: Sendable, Hashable {
    /// Type 0 (true) or 1 (false): no value bytes.
    case bool(Bool)
    /// Type 2: a signed byte.
    case byte(Int8)
    /// Type 3: a 16-bit big-endian integer.
    case short(Int16)
    /// Type 4: a 32-bit big-endian integer.
    case integer(Int32)
    /// Type 5: a 64-bit big-endian integer.
    case long(Int64)
    /// Type 6: bytes with a 16-bit length.
    case byteArray([UInt8])
    /// Type 7: UTF-8 text with a 16-bit length.
    case string(String)
    /// Type 8: milliseconds since 1970-01-01T00:00:00Z, as a 64-bit big-endian integer.
    case timestamp(Int64)
    /// Type 9: 16 raw bytes.
    case uuid(UUID)

    /// The wire type code, 0–9.
    public var typeCode: UInt8 {
        switch self {
        case .bool(let value): return value ? 0 : 1
        case .byte: return 2
        case .short: return 3
        case .integer: return 4
        case .long: return 5
        case .byteArray: return 6
        case .string: return 7
        case .timestamp: return 8
        case .uuid: return 9
        }
    }
}
