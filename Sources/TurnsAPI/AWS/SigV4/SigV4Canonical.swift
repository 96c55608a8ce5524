import Foundation
import Crypto
import TurnsHTTP

/// The canonical forms Signature Version 4 signs, as botocore builds them (`auth.py::SigV4Auth`).
public enum SigV4Canonical {
    /// Headers botocore never signs: hop-by-hop headers and ones proxies or the transport may change.
    public static let unsignedHeaders: Set<String> = [
        "baggage", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "traceparent",
        "tracestate", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
    ]

    /// The `x-amz-content-sha256` value that exempts the body from the signature.
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"

    /// The canonical URI: the path as sent with dot segments and duplicate slashes removed (all services but
    /// S3), then percent-encoded again except `/` (so a `%3A` on the wire becomes `%253A`).
    public static func uri(_ path: String, normalize: Bool = true) -> String {
        let path = normalize ? normalizedPath(path) : (path.isEmpty ? "/" : path)
        return PercentEncoding.encode(path, keeping: [UInt8(ascii: "/")])
    }

    /// The path with `.` and `..` segments resolved and empty segments dropped; a leading slash is kept,
    /// and a trailing one when anything is left (botocore's `remove_dot_segments`).
    public static func normalizedPath(_ path: String) -> String {
        guard !path.isEmpty else { return "/" }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) where segment != "." {
            if segment == ".." {
                if !segments.isEmpty { segments.removeLast() }
            } else {
                segments.append(segment)
            }
        }
        let first = path.hasPrefix("/") ? "/" : ""
        let last = path.hasSuffix("/") && !segments.isEmpty ? "/" : ""
        return first + segments.joined(separator: "/") + last
    }

    /// The canonical query string: each `name=value` pair decoded (`+` as a space), encoded again with the
    /// unreserved set, and sorted by name, then value; a name without `=` gets an empty value.
    public static func queryString(_ query: String) -> String {
        guard !query.isEmpty else { return "" }
        var pairs: [(name: String, value: String)] = []
        for item in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            pairs.append((PercentEncoding.encode(PercentEncoding.decode(parts[0], plusIsSpace: true)),
                          PercentEncoding.encode(PercentEncoding.decode(parts.count > 1 ? parts[1] : "", plusIsSpace: true))))
        }
        // Encoded text is ASCII, whose string order is the byte order the specification asks for.
        pairs.sort { ($0.name, $0.value) < ($1.name, $1.value) }
        return pairs.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
    }

    /// The canonical headers block (`name:value` lines, sorted by lower-cased name, values trimmed with
    /// white-space runs collapsed, repeated headers joined with `,`) and the signed-headers list.
    ///
    /// - Parameter names: the lower-cased names to include, in the order to sign them; nil for every header
    ///   except `unsignedHeaders` and `authorization`, sorted.
    public static func headers(_ headers: [HTTPHeader], names: [String]? = nil) -> (canonical: String, signed: String) {
        var values: [String: [String]] = [:]
        for header in headers {
            values[header.name.lowercased(), default: []].append(collapse(header.value))
        }
        // An `Authorization` left from an earlier signing is never signed (the signer replaces it).
        let chosen = names ?? values.keys.filter { !unsignedHeaders.contains($0) && $0 != "authorization" }.sorted {
            $0.utf8.lexicographicallyPrecedes($1.utf8)
        }
        let lines = chosen.map { name in "\(name):\((values[name] ?? []).joined(separator: ","))" }
        return (lines.joined(separator: "\n"), chosen.joined(separator: ";"))
    }

    /// The value with surrounding white space removed and inner runs collapsed to one space
    /// (botocore's `' '.join(value.split())`, which also folds multi-line values).
    public static func collapse(_ value: String) -> String {
        value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" || $0 == "\u{0B}" || $0 == "\u{0C}" })
            .joined(separator: " ")
    }

    /// The canonical request: method, URI, query, headers, signed headers and payload hash, one per line.
    public static func request(method: String, path: String, query: String, canonicalHeaders: String,
                               signedHeaders: String, payloadHash: String) -> String {
        [method.uppercased(), uri(path), queryString(query), canonicalHeaders + "\n", signedHeaders, payloadHash]
            .joined(separator: "\n")
    }

    /// The hash the canonical request names for the body: the `x-amz-content-sha256` header when the
    /// request carries one (botocore's rule), else the hex SHA-256 of the body.
    public static func payloadHash(_ request: SigV4Request) -> String {
        if let declared = request.headers.value(for: "x-amz-content-sha256") { return declared }
        return hexSHA256(request.body)
    }

    /// Lower-case hex of the SHA-256 of `bytes`.
    public static func hexSHA256(_ bytes: some DataProtocol) -> String {
        hex(SHA256.hash(data: bytes))
    }

    /// Lower-case hex of a digest or MAC.
    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
