/// The header lines handed to libcurl for a request, checked so nothing can be smuggled onto the wire.
///
/// The transport sends exactly the caller's headers plus `Host` and `Content-Length`: libcurl's own defaults
/// (`Accept: */*`, a form `Content-Type` for bodies, `Expect: 100-continue` for large bodies, which costs a
/// round trip or a one-second wait) are switched off unless the caller set that header.
enum RequestHeaderLines {
    /// The lines for `headers`, or an error naming the offending header (never its value: it may be a secret).
    static func make(method: String, headers: [HTTPHeader]) throws(TransportError) -> [String] {
        guard isToken(method) else {
            throw .other("the HTTP method is not a valid token and was not sent")
        }
        var lines: [String] = []
        lines.reserveCapacity(headers.count + 3)
        for header in headers {
            guard isToken(header.name) else {
                throw .other("a request header name is not a valid HTTP token; the request was not sent")
            }
            guard !header.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw .other("the request header \"\(header.name)\" contains a line break or NUL; the request was not sent")
            }
            // "Name:" would tell libcurl to drop the header, so an empty value uses its "Name;" form.
            lines.append(header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)")
        }
        for name in ["Accept", "Content-Type", "Expect"] where headers.value(for: name) == nil {
            lines.append("\(name):")
        }
        return lines
    }

    /// True for a non-empty RFC 9110 token (letters, digits and ``!#$%&'*+-.^_`|~``).
    static func isToken(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy(tokenBytes.contains)
    }

    private static let tokenBytes = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-.^_`|~".utf8)
}
