/// Builds the response head from the header lines libcurl hands over one at a time.
///
/// libcurl reports every status block it reads: interim `1xx` responses (e.g. `100 Continue`) come before the real
/// one, and trailers of a chunked body come after it. Only the first final (non-1xx) block becomes the head;
/// everything after it is ignored. Pure logic, so it is tested without a network.
struct ResponseHeadParser {
    /// The status of the block being read, if its status line has been seen.
    private(set) var status: Int?
    /// The headers of the block being read.
    private(set) var headers: [HTTPHeader] = []
    /// True once the final head has been returned by `feed`.
    private(set) var isComplete = false

    /// Feeds one line (with or without its CRLF); returns the head at the blank line that ends a final block.
    mutating func feed(_ line: UnsafeRawBufferPointer) -> HTTPResponseHead? {
        if isComplete { return nil }
        var end = line.count
        while end > 0, line[end - 1] == UInt8(ascii: "\n") || line[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        let text = UnsafeRawBufferPointer(rebasing: line[0..<end])

        if text.isEmpty {
            guard let status else { return nil }
            if (100..<200).contains(status) {
                // An interim response: the real one follows on the same connection.
                self.status = nil
                headers = []
                return nil
            }
            isComplete = true
            return HTTPResponseHead(status: status, headers: headers)
        }
        if text.starts(with: "HTTP/".utf8) {
            status = Self.statusCode(ofStatusLine: text)
            headers = []
            return nil
        }
        if text[0] == UInt8(ascii: " ") || text[0] == UInt8(ascii: "\t") {
            // Obsolete line folding: the line continues the previous header's value.
            if !headers.isEmpty {
                headers[headers.count - 1].value += " " + Self.trimmed(text)
            }
            return nil
        }
        guard let colon = text.firstIndex(of: UInt8(ascii: ":")) else { return nil }
        let name = Self.trimmed(UnsafeRawBufferPointer(rebasing: text[0..<colon]))
        let value = Self.trimmed(UnsafeRawBufferPointer(rebasing: text[(colon + 1)...]))
        headers.append(HTTPHeader(name, value))
        return nil
    }

    /// The three-digit code after the protocol in `HTTP/1.1 200 OK` or `HTTP/2 200`, or nil when malformed.
    private static func statusCode(ofStatusLine line: UnsafeRawBufferPointer) -> Int? {
        guard let space = line.firstIndex(of: UInt8(ascii: " ")), space + 3 <= line.count else { return nil }
        var code = 0
        for byte in line[(space + 1)..<(space + 4)] {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            code = code * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return code
    }

    private static func trimmed(_ bytes: UnsafeRawBufferPointer) -> String {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == UInt8(ascii: " ") || bytes[start] == UInt8(ascii: "\t") { start += 1 }
        while end > start, bytes[end - 1] == UInt8(ascii: " ") || bytes[end - 1] == UInt8(ascii: "\t") { end -= 1 }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
    }
}
