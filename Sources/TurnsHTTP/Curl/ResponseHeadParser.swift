import Foundation

/// Builds the response head from the header lines libcurl hands over one at a time.
///
/// libcurl reports every status block it reads: interim `1xx` responses (e.g. `100 Continue`) and the redirects it
/// follows come before the real one, and trailers of a chunked body come after it. Only the first final block becomes
/// the head; everything after it is ignored. A redirect to another origin stops the parser (see `refusedRedirect`).
/// Pure logic, so it is tested without a network.
struct ResponseHeadParser {
    /// The URL requested, whose origin a redirect must keep.
    var requestURL = ""
    /// The origin of a redirect's target that is not the request's (scheme, host or port differ): the transfer must
    /// end before libcurl follows it, so the credentials never reach another origin.
    private(set) var refusedRedirect: String?
    /// The status of the block being read, if its status line has been seen.
    private(set) var status: Int?
    /// The headers of the block being read.
    private(set) var headers: [HTTPHeader] = []
    /// True once the final head has been returned by `feed`.
    private(set) var isComplete = false

    /// Feeds one line (with or without its CRLF); returns the head at the blank line that ends a final block.
    mutating func feed(_ line: UnsafeRawBufferPointer) -> HTTPResponseHead? {
        if isComplete { return nil }
        var text = Substring(String(decoding: line, as: UTF8.self))
        while let last = text.unicodeScalars.last, last == "\n" || last == "\r" {
            text = Substring(text.unicodeScalars.dropLast())
        }

        if text.isEmpty {
            guard let status else { return nil }
            let location = (300..<400).contains(status) ? headers.value(for: "location") : nil
            if let location, Self.origin(location, relativeTo: requestURL) != Self.origin(requestURL) {
                refusedRedirect = Self.origin(location, relativeTo: requestURL) ?? "an unreadable location"
                isComplete = true
                return nil
            }
            if (100..<200).contains(status) || location != nil {
                // An interim response or a redirect libcurl follows: the real one comes next.
                self.status = nil
                headers = []
                return nil
            }
            isComplete = true
            return HTTPResponseHead(status: status, headers: headers)
        }
        if text.hasPrefix("HTTP/") {
            status = Self.statusCode(ofStatusLine: text)
            headers = []
            return nil
        }
        if text.unicodeScalars.first == " " || text.unicodeScalars.first == "\t" {
            // Obsolete line folding: the line continues the previous header's value.
            if !headers.isEmpty {
                headers[headers.count - 1].value += " " + Self.trimmed(text)
            }
            return nil
        }
        guard let colon = text.firstIndex(of: ":") else { return nil }
        headers.append(HTTPHeader(Self.trimmed(text[..<colon]), Self.trimmed(text[text.index(after: colon)...])))
        return nil
    }

    /// The three-digit code after the protocol in `HTTP/1.1 200 OK` or `HTTP/2 200`, or nil when malformed.
    private static func statusCode(ofStatusLine line: Substring) -> Int? {
        guard let space = line.firstIndex(of: " ") else { return nil }
        let digits = line.utf8[line.utf8.index(after: space)...].prefix(3)
        guard digits.count == 3, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }) else { return nil }
        return Int(Substring(digits))
    }

    /// `scheme://host:port` of `url` (resolved against `base`), the port defaulted; nil when it has none of these.
    static func origin(_ url: String, relativeTo base: String? = nil) -> String? {
        guard let url = URL(string: url, relativeTo: base.flatMap { URL(string: $0) })?.absoluteURL,
              let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased(),
              let port = url.port ?? ["http": 80, "https": 443][scheme] else { return nil }
        return "\(scheme)://\(host):\(port)"
    }

    private static func trimmed(_ text: Substring) -> String {
        String(text.drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
