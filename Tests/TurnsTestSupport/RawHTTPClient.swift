#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny HTTP/1.1 client over a POSIX socket, for testing servers on loopback byte for byte: it sends exactly
/// the request it is given and reads the status, headers and body (fixed-length or chunked) as they arrive, so a
/// streamed body can be read incrementally and the connection dropped at any point.
///
/// Every read waits at most `timeout` seconds, so a broken server fails a test instead of hanging it.
public final class RawHTTPClient {
    /// The status line and headers of a response.
    public struct Head: Sendable, Equatable {
        /// The status code, e.g. 200.
        public var status: Int
        /// Header names (lowercased) and values, in order.
        public var headers: [(name: String, value: String)]

        /// The first value of header `name` (case-insensitive).
        public func header(_ name: String) -> String? {
            let lower = name.lowercased()
            return headers.first { $0.name == lower }?.value
        }

        /// Compares status and headers.
        public static func == (lhs: Head, rhs: Head) -> Bool {
            lhs.status == rhs.status && lhs.headers.elementsEqual(rhs.headers) { $0 == $1 }
        }
    }

    /// A whole response.
    public struct Response: Sendable {
        /// Status and headers.
        public var head: Head
        /// The decoded body bytes.
        public var body: [UInt8]
        /// The body as UTF-8 text.
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    /// Why the client failed.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String
    }

    private var fd: Int32
    private var buffer: [UInt8] = []
    private var bodyMode: BodyMode = .none

    private enum BodyMode {
        case none
        case length(remaining: Int)
        case chunked(remainingInChunk: Int)
        case untilClose
        case finished
    }

    /// Connects to `host:port` (an IPv4 address).
    public init(port: Int, host: String = "127.0.0.1", timeout: Double = 10) throws {
        #if canImport(Glibc)
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Failure(description: "socket() failed: errno \(errno)") }
        var tv = timeval()
        tv.tv_sec = .init(timeout)
        tv.tv_usec = .init((timeout - Double(Int(timeout))) * 1_000_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        #if canImport(Darwin)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            posixClose(fd)
            throw Failure(description: "not an IPv4 address: \(host)")
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            posixClose(fd)
            throw Failure(description: "connect to \(host):\(port) failed: errno \(code)")
        }
    }

    deinit { close() }

    /// Closes the connection (idempotent): the server sees the client go away.
    public func close() {
        if fd >= 0 {
            posixClose(fd)
            fd = -1
        }
    }

    /// Sends raw bytes.
    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            #if canImport(Glibc)
            let flags = Int32(MSG_NOSIGNAL)
            #else
            let flags: Int32 = 0
            #endif
            let sent = bytes[offset...].withUnsafeBytes { posixSend(fd, $0.baseAddress, $0.count, flags) }
            guard sent > 0 else { throw Failure(description: "send failed: errno \(errno)") }
            offset += sent
        }
    }

    /// Sends a request with `content-length` (when there is a body) and `host` headers added.
    public func sendRequest(method: String, path: String, headers: [(String, String)] = [], body: String? = nil,
                            versioned: Bool = true) throws {
        var text = "\(method) \(path) HTTP/1.1\r\nhost: 127.0.0.1\r\n"
        // Every API client sends `anthropic-version` on `/v1/` paths, and `turns serve` requires it as the API does.
        let version = versioned && path.hasPrefix("/v1/") && !headers.contains { $0.0.lowercased() == "anthropic-version" }
        for (name, value) in headers + (version ? [("anthropic-version", "2023-06-01")] : []) { text += "\(name): \(value)\r\n" }
        if let body { text += "content-length: \(body.utf8.count)\r\n" }
        text += "\r\n"
        if let body { text += body }
        try send(Array(text.utf8))
    }

    /// Reads the status line and headers of the next response.
    public func readHead() throws -> Head {
        var end: Int? = nil
        while end == nil {
            end = find([0x0D, 0x0A, 0x0D, 0x0A])
            if end == nil { guard try fill() else { throw Failure(description: "connection closed before the headers") } }
        }
        let headText = String(decoding: buffer[0..<end!], as: UTF8.self)
        buffer.removeFirst(end! + 4)
        var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw Failure(description: "bad status line: \(headText)")
        }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            var value = line[line.index(after: colon)...]
            while value.first == " " || value.first == "\t" { value.removeFirst() }
            while value.last == " " || value.last == "\t" { value.removeLast() }
            return (line[..<colon].lowercased(), String(value))
        }
        let head = Head(status: status, headers: headers)
        if head.header("transfer-encoding")?.lowercased().contains("chunked") == true {
            bodyMode = .chunked(remainingInChunk: 0)
        } else if let length = head.header("content-length").flatMap({ Int($0) }) {
            bodyMode = length > 0 ? .length(remaining: length) : .finished
        } else {
            bodyMode = .untilClose
        }
        return head
    }

    /// The next decoded body bytes as they arrive, or nil once the body is complete.
    public func readBodyPart() throws -> [UInt8]? {
        while true {
            switch bodyMode {
            case .none, .finished:
                return nil
            case .length(let remaining):
                if buffer.isEmpty { guard try fill() else { throw Failure(description: "connection closed mid-body") } }
                let take = min(remaining, buffer.count)
                let part = Array(buffer[0..<take])
                buffer.removeFirst(take)
                bodyMode = remaining - take == 0 ? .finished : .length(remaining: remaining - take)
                return part
            case .untilClose:
                if buffer.isEmpty, try !fill() {
                    bodyMode = .finished
                    return nil
                }
                let part = buffer
                buffer.removeAll()
                return part
            case .chunked(let remainingInChunk):
                if remainingInChunk > 0 {
                    if buffer.isEmpty { guard try fill() else { throw Failure(description: "connection closed mid-chunk") } }
                    let take = min(remainingInChunk, buffer.count)
                    let part = Array(buffer[0..<take])
                    buffer.removeFirst(take)
                    bodyMode = .chunked(remainingInChunk: remainingInChunk - take)
                    if remainingInChunk - take == 0 { try expectCRLF() }
                    return part
                }
                guard let lineEnd = try readLineEnd() else { throw Failure(description: "connection closed in a chunk size") }
                let sizeText = String(decoding: buffer[0..<lineEnd], as: UTF8.self)
                buffer.removeFirst(lineEnd + 2)
                guard let size = Int(sizeText.split(separator: ";").first ?? "", radix: 16) else {
                    throw Failure(description: "bad chunk size: \(sizeText)")
                }
                if size == 0 {
                    // Trailers (none expected) end with an empty line.
                    while let end = try readLineEnd() {
                        buffer.removeFirst(end + 2)
                        if end == 0 { break }
                    }
                    bodyMode = .finished
                    return nil
                }
                bodyMode = .chunked(remainingInChunk: size)
            }
        }
    }

    /// Reads the rest of the body.
    public func readBody() throws -> [UInt8] {
        var body: [UInt8] = []
        while let part = try readBodyPart() { body += part }
        return body
    }

    /// Sends one request and reads the whole response.
    public static func fetch(port: Int, method: String = "POST", path: String = "/v1/complete",
                             headers: [(String, String)] = [], body: String? = nil, versioned: Bool = true) throws -> Response {
        let client = try RawHTTPClient(port: port)
        defer { client.close() }
        try client.sendRequest(method: method, path: path, headers: headers, body: body, versioned: versioned)
        let head = try client.readHead()
        return Response(head: head, body: try client.readBody())
    }

    // MARK: - Buffering

    /// Reads more bytes into the buffer; false at end of stream.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if count < 0 { throw Failure(description: "recv failed or timed out: errno \(errno)") }
        if count == 0 { return false }
        buffer.append(contentsOf: chunk[0..<count])
        return true
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard buffer.count >= needle.count else { return nil }
        for i in 0...(buffer.count - needle.count) where buffer[i] == needle[0] {
            if buffer[i..<(i + needle.count)].elementsEqual(needle) { return i }
        }
        return nil
    }

    private func readLineEnd() throws -> Int? {
        while true {
            if let end = find([0x0D, 0x0A]) { return end }
            guard try fill() else { return nil }
        }
    }

    private func expectCRLF() throws {
        while buffer.count < 2 { guard try fill() else { throw Failure(description: "connection closed after a chunk") } }
        guard buffer[0] == 0x0D, buffer[1] == 0x0A else { throw Failure(description: "chunk not followed by CRLF") }
        buffer.removeFirst(2)
    }
}

#if canImport(Glibc)
private func posixClose(_ fd: Int32) { _ = Glibc.close(fd) }
private func posixSend(_ fd: Int32, _ pointer: UnsafeRawPointer?, _ count: Int, _ flags: Int32) -> Int {
    Glibc.send(fd, pointer, count, flags)
}
#else
private func posixClose(_ fd: Int32) { _ = Darwin.close(fd) }
private func posixSend(_ fd: Int32, _ pointer: UnsafeRawPointer?, _ count: Int, _ flags: Int32) -> Int {
    Darwin.send(fd, pointer, count, flags)
}
#endif
