import Foundation
import TurnsHTTP

/// What a `ScriptedTransport` does for one request: a response head, body chunks, then an ending.
public struct ScriptedResponse: Sendable {
    /// How the response ends after its chunks.
    public enum Ending: Sendable {
        /// The body is complete.
        case finish
        /// The transfer fails with this error (e.g. `.connectionLost`).
        case fail(TransportError)
        /// Nothing more arrives until the consumer goes away (for cancellation and timeout tests).
        case hang
    }

    /// The status and headers, or nil to fail before any response (with a `.fail` ending).
    public var head: HTTPResponseHead?
    /// The body, in the reads the consumer will see.
    public var chunks: [[UInt8]]
    /// What happens after the chunks.
    public var ending: Ending

    /// Creates a response with a head.
    public init(status: Int = 200, headers: [HTTPHeader] = [], chunks: [[UInt8]] = [], ending: Ending = .finish) {
        self.head = HTTPResponseHead(status: status, headers: headers)
        self.chunks = chunks
        self.ending = ending
    }

    /// A transfer that fails before any response arrives (refused connection, connect timeout, …).
    public static func failure(_ error: TransportError) -> ScriptedResponse {
        var response = ScriptedResponse(chunks: [], ending: .fail(error))
        response.head = nil
        return response
    }

    /// A response whose body is `text` as UTF-8, cut into reads of `chunkSize` bytes (nil: one read).
    public static func text(_ text: String, status: Int = 200, headers: [HTTPHeader] = [], chunkSize: Int? = nil,
                            ending: Ending = .finish) -> ScriptedResponse {
        ScriptedResponse(status: status, headers: headers, chunks: split(Array(text.utf8), size: chunkSize), ending: ending)
    }

    /// A response whose body is the given texts, one read each.
    public static func reads(_ reads: [String], status: Int = 200, headers: [HTTPHeader] = [],
                             ending: Ending = .finish) -> ScriptedResponse {
        ScriptedResponse(status: status, headers: headers, chunks: reads.map { Array($0.utf8) }, ending: ending)
    }

    /// `bytes` in reads of `size` bytes (nil or non-positive: one read).
    public static func split(_ bytes: [UInt8], size: Int?) -> [[UInt8]] {
        guard let size, size > 0, bytes.count > size else { return bytes.isEmpty ? [] : [bytes] }
        return stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
    }
}

/// An `HTTPTransport` that replays scripted responses, one per request in order, and records what it was
/// asked. A request beyond the script fails with `.couldNotConnect`.
///
/// It also notes when a consumer abandoned a response before its end (cancelled the task or dropped the
/// stream), so tests can check that the transfer is cancelled. Safe to use from any task.
public final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    private let lock = NSLock()
    private var script: [ScriptedResponse]
    private var received: [HTTPRequest] = []
    private var abandoned = 0
    private var waiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

    /// Creates a transport that answers with `responses`, in order.
    public init(_ responses: [ScriptedResponse]) {
        script = responses
    }

    /// The requests received so far, in order.
    public var requests: [HTTPRequest] { lock.withLock { received } }

    /// How many responses were abandoned by their consumer before they ended.
    public var abandonedCount: Int { lock.withLock { abandoned } }

    /// Waits until at least `count` responses have been abandoned by their consumer.
    public func waitUntilAbandoned(count: Int = 1) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready: Bool = lock.withLock {
                if abandoned >= count { return true }
                waiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Replays the next scripted response.
    public func execute(_ request: HTTPRequest) -> AsyncThrowingStream<HTTPResponsePart, Error> {
        let next: ScriptedResponse? = lock.withLock {
            received.append(request)
            return script.isEmpty ? nil : script.removeFirst()
        }
        let (stream, continuation) = AsyncThrowingStream<HTTPResponsePart, Error>.makeStream()
        continuation.onTermination = { [weak self] termination in
            if case .cancelled = termination { self?.noteAbandoned() }
        }
        guard let response = next else {
            continuation.finish(throwing: TransportError.couldNotConnect("no scripted response left"))
            return stream
        }
        if let head = response.head { continuation.yield(.head(head)) }
        for chunk in response.chunks { continuation.yield(.body(chunk)) }
        switch response.ending {
        case .finish: continuation.finish()
        case .fail(let error): continuation.finish(throwing: error)
        case .hang: break
        }
        return stream
    }

    private func noteAbandoned() {
        let ready: [CheckedContinuation<Void, Never>] = lock.withLock {
            abandoned += 1
            let (done, waiting) = (waiters.filter { $0.count <= abandoned }, waiters.filter { $0.count > abandoned })
            waiters = waiting
            return done.map(\.continuation)
        }
        for continuation in ready { continuation.resume() }
    }
}
