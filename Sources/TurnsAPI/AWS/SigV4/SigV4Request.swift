import TurnsHTTP

/// A request as Signature Version 4 sees it: method, path and query as sent, headers and body.
public struct SigV4Request: Sendable, Hashable {
    /// The method, e.g. `POST`.
    public var method: String
    /// The path exactly as sent (percent-encoded as on the wire), e.g. `/model/anthropic.claude-v2%3A1/invoke`.
    public var path: String
    /// The query string as sent, without the `?` (empty when there is none).
    public var query: String
    /// The headers, in order; a `Host` header is required for signing.
    public var headers: [HTTPHeader]
    /// The body.
    public var body: [UInt8]

    /// Creates a request from its parts.
    public init(method: String, path: String, query: String = "", headers: [HTTPHeader], body: [UInt8] = []) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// Creates a request from an HTTP request target as a server receives it (`/path?query`), e.g. from
    /// the request line; a `#fragment` is dropped.
    public init(method: String, target: String, headers: [HTTPHeader], body: [UInt8] = []) {
        let target = target.prefix { $0 != "#" }
        let question = target.firstIndex(of: "?") ?? target.endIndex
        self.init(method: method, path: String(target[..<question]), query: String(target[question...].dropFirst()),
                  headers: headers, body: body)
    }

    /// Creates the request a client is about to send; a `host` header is added from the URL when absent,
    /// as the transport will send it (`host`, or `host:port` for a port that is not the scheme's default).
    ///
    /// - Throws: `SigV4Error.invalidURL` when the URL is not absolute `http(s)://host/…`.
    public init(_ request: HTTPRequest) throws(SigV4Error) {
        guard let url = AbsoluteURL(request.url) else { throw .invalidURL }
        var headers = request.headers
        if headers.value(for: "host") == nil { headers.append(HTTPHeader("host", url.hostHeader)) }
        self.init(method: request.method, path: url.path, query: url.query, headers: headers, body: request.body)
    }
}

/// Why a request could not be signed.
public enum SigV4Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// The request's URL is not an absolute `http://` or `https://` URL with a host.
    case invalidURL

    /// What went wrong.
    public var description: String {
        switch self {
        case .invalidURL: return "the request URL is not an absolute http(s) URL with a host, so it cannot be signed"
        }
    }
}

/// The parts of an absolute `http(s)` URL that signing needs, split without Foundation's rewriting.
struct AbsoluteURL {
    /// `http` or `https`, lower-cased.
    var scheme: String
    /// The host, lower-cased (IPv6 addresses keep their brackets).
    var host: String
    /// The port when one is written.
    var port: Int? = nil
    /// The path as written; `/` when empty.
    var path: String
    /// The query as written, without `?`.
    var query: String

    init?(_ text: String) {
        guard let schemeEnd = text.range(of: "://") else { return nil }
        scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        var rest = text[schemeEnd.upperBound...]
        if let hash = rest.firstIndex(of: "#") { rest = rest[..<hash] }
        let authorityEnd = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
        var authority = rest[..<authorityEnd]
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        // The port is after the last colon, unless that colon is inside an IPv6 literal's brackets.
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
            let digits = authority[authority.index(after: colon)...]
            if !digits.isEmpty {
                guard let number = Int(digits), (0...65535).contains(number) else { return nil }
                port = number
            }
            authority = authority[..<colon]
        }
        guard !authority.isEmpty else { return nil }
        host = authority.lowercased()
        let pathAndQuery = rest[authorityEnd...]
        let question = pathAndQuery.firstIndex(of: "?") ?? pathAndQuery.endIndex
        path = pathAndQuery[..<question].isEmpty ? "/" : String(pathAndQuery[..<question])
        query = String(pathAndQuery[question...].dropFirst())
    }

    /// The `Host` header value: the host, with the port when it is not the scheme's default.
    var hostHeader: String {
        guard let port, port != (scheme == "https" ? 443 : 80) else { return host }
        return "\(host):\(port)"
    }
}
