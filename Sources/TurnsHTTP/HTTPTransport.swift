/// One HTTP header line.
public struct HTTPHeader: Sendable, Hashable {
    /// The header name as sent or received (compare case-insensitively).
    public var name: String
    /// The header value.
    public var value: String
    /// Creates a header.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == HTTPHeader {
    /// The first value of the header called `name`, compared case-insensitively.
    public func value(for name: String) -> String? {
        let wanted = name.lowercased()
        return first(where: { $0.name.lowercased() == wanted })?.value
    }

    /// These headers with each of `overrides` in place of the header of its name, or added when there is none.
    public func overridden(by overrides: [HTTPHeader]) -> [HTTPHeader] {
        var headers = self
        for header in overrides {
            let name = header.name.lowercased()
            if let index = headers.firstIndex(where: { $0.name.lowercased() == name }) {
                headers[index] = header
            } else {
                headers.append(header)
            }
        }
        return headers
    }
}

/// The time limits of one request.
public struct HTTPTimeouts: Sendable, Hashable {
    /// Seconds allowed to establish the connection.
    public var connect: Double
    /// Seconds of silence allowed while waiting for the response or between body bytes.
    public var idle: Double
    /// Seconds allowed for the whole exchange, or nil for no limit.
    public var total: Double?

    /// Creates limits; the defaults are the engine's: 5 s to connect, 60 s of silence, 600 s overall.
    public init(connect: Double = 5, idle: Double = 60, total: Double? = 600) {
        self.connect = connect
        self.idle = idle
        self.total = total
    }
}

/// An HTTP request to send.
public struct HTTPRequest: Sendable, Hashable {
    /// The method, e.g. "POST".
    public var method: String
    /// The absolute URL.
    public var url: String
    /// The request headers, in order.
    public var headers: [HTTPHeader]
    /// The body bytes.
    public var body: [UInt8]
    /// The time limits.
    public var timeouts: HTTPTimeouts

    /// Creates a request.
    public init(method: String = "POST", url: String, headers: [HTTPHeader] = [], body: [UInt8] = [],
                timeouts: HTTPTimeouts = HTTPTimeouts()) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
    }
}

/// The status line and headers of a response.
public struct HTTPResponseHead: Sendable, Hashable {
    /// The status code, e.g. 200.
    public var status: Int
    /// The response headers, in order.
    public var headers: [HTTPHeader]
    /// Creates a response head.
    public init(status: Int, headers: [HTTPHeader]) {
        self.status = status
        self.headers = headers
    }
}

/// What a transport delivers: the head once, then body bytes in whatever pieces the network gave.
public enum HTTPResponsePart: Sendable {
    /// The status and headers (always first).
    case head(HTTPResponseHead)
    /// The next body bytes.
    case body([UInt8])
}

/// Why a transfer failed below HTTP.
public enum TransportError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server could not be reached (refused, unresolvable host, no route).
    case couldNotConnect(String)
    /// The connection was not established in time.
    case connectTimedOut(seconds: Double)
    /// The server was silent for longer than the idle limit.
    case idleTimedOut(seconds: Double)
    /// The whole exchange took longer than its limit.
    case totalTimedOut(seconds: Double)
    /// The connection closed or reset before the response was complete.
    case connectionLost(String)
    /// TLS failed (certificate, handshake).
    case tls(String)
    /// The server redirected to another origin (given as `scheme://host:port`), which is never followed.
    case redirectRefused(String)
    /// The transfer was cancelled by its consumer.
    case cancelled
    /// Any other transport failure.
    case other(String)

    /// A sentence a user can act on.
    public var description: String {
        switch self {
        case .couldNotConnect(let m): return "could not connect: \(m)"
        case .connectTimedOut(let s): return "could not connect within \(Self.seconds(s))"
        case .idleTimedOut(let s): return "the server sent nothing for \(Self.seconds(s))"
        case .totalTimedOut(let s): return "the request took longer than \(Self.seconds(s))"
        case .connectionLost(let m): return "the connection was lost: \(m)"
        case .tls(let m): return "TLS failed: \(m)"
        case .redirectRefused(let o): return "the server redirected to \(o); turns follows redirects only to the same origin"
        case .cancelled: return "cancelled"
        case .other(let m): return m
        }
    }

    /// True for the timeouts (as opposed to connection failures).
    public var isTimeout: Bool {
        switch self {
        case .connectTimedOut, .idleTimedOut, .totalTimedOut: return true
        default: return false
        }
    }

    private static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s)) s" : "\(s) s"
    }
}

/// Sends HTTP requests and streams their responses.
///
/// The returned stream yields `.head` once and then `.body` pieces; it finishes when the body is complete,
/// or throws a `TransportError`. When the consumer stops iterating (or its task is cancelled) the transfer
/// is cancelled promptly.
public protocol HTTPTransport: Sendable {
    /// Starts `request` and returns its response as a stream of parts.
    func execute(_ request: HTTPRequest) -> AsyncThrowingStream<HTTPResponsePart, Error>
}
