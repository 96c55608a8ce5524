import Foundation
import TurnsHTTP
#if canImport(Glibc)
import Glibc
#endif

/// A scriptable HTTP/1.1 server on 127.0.0.1 for integration tests of HTTP clients.
///
/// It binds an ephemeral port on 127.0.0.1 only, and serves one request per connection: it reads the request
/// (request line, headers, a `Content-Length` body), records it, takes the next scripted `Response` from its
/// queue and plays that response's steps, then closes the connection. With the queue empty it answers 500.
/// POSIX sockets and threads only; `stop()` wakes every thread, waits for all of them and closes every socket.
///
///     let server = try LoopbackServer([.status(529, body: "{}"), .sse([LoopbackServer.sseEvent("ping", data: "{}")])])
///     defer { server.stop() }
///     // … point the client at server.baseURL, then assert on server.requests
public final class LoopbackServer: @unchecked Sendable {
    /// One thing the server does while answering.
    public enum Step: Sendable, Equatable {
        /// Sends the status line and headers (adding `connection: close` unless a connection header is given).
        case head(status: Int, headers: [HTTPHeader])
        /// Sends raw bytes.
        case send([UInt8])
        /// Sends bytes framed as one chunk of a `transfer-encoding: chunked` body.
        case chunk([UInt8])
        /// Sends the last chunk that ends a chunked body.
        case endChunks
        /// Waits, sending nothing (ends early when the server stops).
        case sleep(milliseconds: Int)
        /// Closes the connection now (FIN).
        case close
        /// Resets the connection now (RST, through `SO_LINGER` 0).
        case reset
        /// Stays silent with the connection open until the client closes it or the server stops.
        case stall
    }

    /// What the server does for one request: its steps in order, then it closes the connection.
    public struct Response: Sendable, Equatable {
        /// The steps.
        public var steps: [Step]
        /// Creates a response from steps.
        public init(_ steps: [Step]) {
            self.steps = steps
        }

        /// A complete response with a `content-length` body.
        public static func status(_ status: Int, headers: [HTTPHeader] = [], body: String = "") -> Response {
            Response([.head(status: status, headers: headers + [HTTPHeader("content-length", "\(body.utf8.count)")]),
                      .send(Array(body.utf8))])
        }

        /// A chunked `text/event-stream` response: one chunk per event, `pause` between them, then `ending`
        /// (by default the last chunk; use `[.close]`, `[.reset]` or `[.stall]` to break the stream).
        public static func sse(_ events: [String], status: Int = 200, headers: [HTTPHeader] = [],
                               pauseMilliseconds: Int = 0, ending: [Step] = [.endChunks]) -> Response {
            var steps: [Step] = [.head(status: status, headers: [
                HTTPHeader("content-type", "text/event-stream; charset=utf-8"),
                HTTPHeader("transfer-encoding", "chunked"),
            ] + headers)]
            for (index, event) in events.enumerated() {
                if index > 0, pauseMilliseconds > 0 { steps.append(.sleep(milliseconds: pauseMilliseconds)) }
                steps.append(.chunk(Array(event.utf8)))
            }
            return Response(steps + ending)
        }
    }

    /// A request as the server received it.
    public struct ReceivedRequest: Sendable, Equatable {
        /// The method, e.g. "POST".
        public var method: String
        /// The request target: path and query, e.g. "/v1/complete".
        public var path: String
        /// The headers in the order received.
        public var headers: [HTTPHeader]
        /// The body bytes.
        public var body: [UInt8]
    }

    /// One server-sent event in wire form: `event: NAME` (when given), one `data:` line per line of `data`,
    /// and the blank line that ends it.
    public static func sseEvent(_ name: String?, data: String) -> String {
        var text = name.map { "event: \($0)\n" } ?? ""
        for line in data.split(separator: "\n", omittingEmptySubsequences: false) {
            text += "data: \(line)\n"
        }
        return text + "\n"
    }

    /// The port the server listens on.
    public let port: Int
    /// `http://127.0.0.1:PORT`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    private let listener: Int32
    /// Written once by `stop()` and never drained, so every thread polling it wakes.
    private let stopPipe: (read: Int32, write: Int32)
    private let condition = NSCondition()
    private var queue: [Response]
    private var received: [ReceivedRequest] = []
    private var clientCloses: [ContinuousClock.Instant] = []
    private var liveThreads = 0
    private var stopped = false

    /// Starts a server that answers requests with `responses`, in order.
    public init(_ responses: [Response] = []) throws {
        queue = responses
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { throw LoopbackServerError.socket("socket", errno) }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            close(listener)
            throw LoopbackServerError.socket("pipe", errno)
        }
        stopPipe = (fds[0], fds[1])
        // Close-on-exec, so a process a test spawns does not inherit (and keep open) the server's descriptors.
        _ = fcntl(fds[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(fds[1], F_SETFD, FD_CLOEXEC)
        do {
            port = try Self.listen(on: listener)
        } catch {
            close(listener)
            close(fds[0])
            close(fds[1])
            throw error
        }
        spawn { [self] in acceptLoop() }
    }

    /// Adds `response` to the end of the queue.
    public func enqueue(_ response: Response) {
        condition.withLock { queue.append(response) }
    }

    /// The requests received so far, in order.
    public var requests: [ReceivedRequest] {
        condition.withLock { received }
    }

    /// Waits up to `timeout` seconds until `count` requests have been received; returns whether they were.
    public func waitForRequests(_ count: Int, timeout: Double) -> Bool {
        let limit = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while received.count < count {
            if !condition.wait(until: limit) { return false }
        }
        return true
    }

    /// Waits up to `timeout` seconds until a client closes a connection the server was stalling on; returns when
    /// the server saw that close (to measure how fast a client cancels), or nil on timeout.
    public func waitForClientClose(timeout: Double) -> ContinuousClock.Instant? {
        let limit = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while clientCloses.isEmpty {
            if !condition.wait(until: limit) { return nil }
        }
        return clientCloses.removeFirst()
    }

    /// Stops the server: wakes every thread, waits until all have ended, and closes every socket. Idempotent.
    public func stop() {
        condition.lock()
        if stopped {
            condition.unlock()
            return
        }
        stopped = true
        condition.unlock()
        var byte: UInt8 = 1
        _ = write(stopPipe.write, &byte, 1)
        condition.lock()
        while liveThreads > 0 { condition.wait() }
        condition.unlock()
        close(listener)
        close(stopPipe.read)
        close(stopPipe.write)
    }

    // MARK: - Threads

    private func spawn(_ body: @escaping @Sendable () -> Void) {
        condition.withLock { liveThreads += 1 }
        Thread { [self] in
            body()
            condition.withLock {
                liveThreads -= 1
                condition.broadcast()
            }
        }.start()
    }

    private func acceptLoop() {
        while waitFor(listener, events: Int16(POLLIN), milliseconds: -1) == .ready {
            let connection = accept(listener, nil, nil)
            if connection < 0 { continue }
            _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
            spawn { [self] in serve(connection) }
        }
    }

    private func serve(_ connection: Int32) {
        var closed = false
        defer { if !closed { close(connection) } }
        guard let request = readRequest(connection) else { return }
        let response = condition.withLock {
            received.append(request)
            condition.broadcast()
            return queue.isEmpty ? Response.status(500, body: "loopback server: no scripted response left") : queue.removeFirst()
        }
        for step in response.steps {
            switch step {
            case .head(let status, let headers):
                var text = "HTTP/1.1 \(status) \(Self.reason(status))\r\n"
                for header in headers { text += "\(header.name): \(header.value)\r\n" }
                if headers.value(for: "connection") == nil { text += "connection: close\r\n" }
                guard send(Array((text + "\r\n").utf8), to: connection) else { return }
            case .send(let bytes):
                guard send(bytes, to: connection) else { return }
            case .chunk(let bytes):
                if bytes.isEmpty { continue }  // an empty chunk would end the body
                let framed = Array(String(bytes.count, radix: 16).utf8) + [13, 10] + bytes + [13, 10]
                guard send(framed, to: connection) else { return }
            case .endChunks:
                guard send(Array("0\r\n\r\n".utf8), to: connection) else { return }
            case .sleep(let milliseconds):
                if waitFor(-1, events: 0, milliseconds: Int32(milliseconds)) == .stopping { return }
            case .close:
                return
            case .reset:
                var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
                setsockopt(connection, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size))
                close(connection)
                closed = true
                return
            case .stall:
                stall(connection)
                return
            }
        }
    }

    /// Holds `connection` silent until the client closes it (recorded for `waitForClientClose`) or the server stops.
    private func stall(_ connection: Int32) {
        var scratch = [UInt8](repeating: 0, count: 4096)
        while waitFor(connection, events: Int16(POLLIN), milliseconds: -1) == .ready {
            if recv(connection, &scratch, scratch.count, 0) <= 0 {
                let now = ContinuousClock.now
                condition.withLock {
                    clientCloses.append(now)
                    condition.broadcast()
                }
                return
            }
        }
    }

    // MARK: - Reading a request

    private func readRequest(_ connection: Int32) -> ReceivedRequest? {
        var buffer: [UInt8] = []
        var headEnd: Int?
        while headEnd == nil {
            guard buffer.count < 1 << 16, receive(from: connection, into: &buffer) else { return nil }
            headEnd = Self.endOfHead(in: buffer)
        }
        let headText = String(decoding: buffer[..<headEnd!], as: UTF8.self)
        var lines = headText.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count == 3 else { return nil }
        let headers = lines.filter { !$0.isEmpty }.compactMap { line -> HTTPHeader? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return HTTPHeader(String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        if headers.value(for: "expect")?.lowercased() == "100-continue" {
            guard send(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8), to: connection) else { return nil }
        }
        let length = Int(headers.value(for: "content-length") ?? "0") ?? 0
        var body = Array(buffer[(headEnd! + 4)...])
        while body.count < length {
            guard receive(from: connection, into: &body) else { return nil }
        }
        return ReceivedRequest(method: String(requestLine[0]), path: String(requestLine[1]), headers: headers,
                               body: Array(body.prefix(length)))
    }

    private static func endOfHead(in buffer: [UInt8]) -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }

    // MARK: - Socket helpers (every wait also watches the stop pipe)

    private enum Wake { case ready, stopping, timedOut }

    private func waitFor(_ fd: Int32, events: Int16, milliseconds: Int32) -> Wake {
        var fds = [pollfd(fd: stopPipe.read, events: Int16(POLLIN), revents: 0), pollfd(fd: fd, events: events, revents: 0)]
        while true {
            let count = poll(&fds, nfds_t(fds.count), milliseconds)
            if count < 0 && errno == EINTR { continue }
            if count < 0 || fds[0].revents != 0 { return .stopping }
            return count == 0 ? .timedOut : .ready
        }
    }

    private func receive(from connection: Int32, into buffer: inout [UInt8]) -> Bool {
        guard waitFor(connection, events: Int16(POLLIN), milliseconds: -1) == .ready else { return false }
        var chunk = [UInt8](repeating: 0, count: 16_384)
        let count = recv(connection, &chunk, chunk.count, 0)
        guard count > 0 else { return false }
        buffer += chunk[..<count]
        return true
    }

    private func send(_ bytes: [UInt8], to connection: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            guard waitFor(connection, events: Int16(POLLOUT), milliseconds: -1) == .ready else { return false }
            let count = bytes[offset...].withUnsafeBytes {
                Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL))
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { return false }
            offset += count
        }
        return true
    }

    private static func listen(on listener: Int32) throws -> Int {
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = in_addr_t(UInt32(INADDR_LOOPBACK).bigEndian)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) }
        }
        guard bound == 0 else { throw LoopbackServerError.socket("bind", errno) }
        guard Glibc.listen(listener, 64) == 0 else { throw LoopbackServerError.socket("listen", errno) }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) }
        }
        guard named == 0 else { throw LoopbackServerError.socket("getsockname", errno) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func reason(_ status: Int) -> String {
        switch status {
        case 100: return "Continue"
        case 200: return "OK"
        case 301: return "Moved Permanently"
        case 302: return "Found"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 503: return "Service Unavailable"
        case 529: return "Overloaded"
        default: return "Status"
        }
    }
}

/// Why a `LoopbackServer` could not start.
public enum LoopbackServerError: Error, CustomStringConvertible {
    /// A socket call failed with an errno.
    case socket(String, Int32)

    /// The failing call and the system's reason.
    public var description: String {
        switch self {
        case .socket(let call, let code): return "loopback server: \(call) failed: \(String(cString: strerror(code)))"
        }
    }
}
