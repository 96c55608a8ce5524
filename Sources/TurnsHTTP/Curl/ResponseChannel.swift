import Foundation

/// The parts of one response on their way from the worker thread to the consumer, with backpressure.
///
/// The worker pushes parts; the consumer pulls them through the stream `CurlTransport.execute` returns (built with
/// `AsyncThrowingStream(unfolding:)`, so every pull is seen here). When more than `pauseAboveBytes` of body wait
/// unread, the worker pauses the transfer, and the consumer's pull that brings them under `resumeBelowBytes` asks
/// for it to go on: a consumer slower than the network holds a few megabytes, not the whole answer, and memory
/// already touched is reused instead of fresh pages faulted in.
///
/// All state is under `lock`; the consumer's continuation is resumed outside it.
final class ResponseChannel: @unchecked Sendable {
    /// Body bytes waiting unread above which the transfer is paused.
    static let pauseAboveBytes = 4 << 20
    /// Body bytes waiting unread below which a paused transfer goes on.
    static let resumeBelowBytes = 1 << 20

    private let lock = NSLock()
    private var parts: [HTTPResponsePart] = []
    /// Index of the next part to hand out (parts before it are consumed; compacted now and then).
    private var head = 0
    private var queuedBodyBytes = 0
    /// Set once by the worker: nil while the response goes on.
    private var end: TransportError??
    private var waiter: CheckedContinuation<HTTPResponsePart?, Error>?
    private var paused = false
    private var gone = false
    /// Asks the worker to go on with a paused transfer (called outside the lock).
    private let requestResume: @Sendable () -> Void
    /// Asks the worker to cancel the transfer (called outside the lock).
    private let requestCancel: @Sendable () -> Void

    init(requestResume: @escaping @Sendable () -> Void, requestCancel: @escaping @Sendable () -> Void) {
        self.requestResume = requestResume
        self.requestCancel = requestCancel
    }

    // MARK: - Worker side

    /// Queues a part; returns false when the consumer has gone.
    @discardableResult
    func push(_ part: HTTPResponsePart) -> Bool {
        let (accepted, waiting) = lock.withLock { () -> (Bool, CheckedContinuation<HTTPResponsePart?, Error>?) in
            guard !gone, end == nil else { return (!gone, nil) }
            // A waiting consumer means an empty queue: the part goes straight to it.
            if let waiter {
                self.waiter = nil
                return (true, waiter)
            }
            parts.append(part)
            if case .body(let bytes) = part { queuedBodyBytes += bytes.count }
            return (true, nil)
        }
        waiting?.resume(returning: part)
        return accepted
    }

    /// Marks the channel paused when too much waits unread; returns true when the worker should pause the transfer.
    func pauseIfBehind() -> Bool {
        lock.withLock {
            guard !paused, !gone, queuedBodyBytes > Self.pauseAboveBytes else { return false }
            paused = true
            return true
        }
    }

    /// Ends the response: quietly, or with `error` after the parts already queued.
    func finish(throwing error: TransportError?) {
        let waiting: CheckedContinuation<HTTPResponsePart?, Error>? = lock.withLock {
            guard end == nil else { return nil }
            end = .some(error)
            defer { waiter = nil }
            return waiter
        }
        waiting?.resume(with: error.map { .failure($0) } ?? .success(nil))
    }

    // MARK: - Consumer side

    /// The next part, nil at the end; throws the transfer's error after the parts before it.
    func next() async throws -> HTTPResponsePart? {
        switch try lock.withLock({ try takeLocked() }) {
        case .part(let part): return part
        case .finished: return nil
        case .wait: break
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<HTTPResponsePart?, Error>) in
                let outcome: Result<HTTPResponsePart?, Error>?
                do {
                    outcome = try lock.withLock { () throws -> Result<HTTPResponsePart?, Error>? in
                        switch try takeLocked() {
                        case .part(let part): return .success(part)
                        case .finished: return .success(nil)
                        case .wait:
                            waiter = continuation
                            return nil
                        }
                    }
                } catch {
                    outcome = .failure(error)
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            consumerLeft(throwing: .cancelled)
        }
    }

    /// The consumer will read no more: wakes a pending read, drops the queue, and cancels the transfer.
    func consumerLeft(throwing error: TransportError? = nil) {
        let waiting: CheckedContinuation<HTTPResponsePart?, Error>? = lock.withLock {
            guard !gone else { return nil }
            gone = true
            parts = []
            head = 0
            queuedBodyBytes = 0
            defer { waiter = nil }
            return waiter
        }
        waiting?.resume(with: error.map { .failure($0) } ?? .success(nil))
        requestCancel()
    }

    /// What a pull finds.
    private enum Take {
        case part(HTTPResponsePart)
        case finished
        case wait
    }

    /// Under the lock: the next queued part; once the queue is empty, the end (quiet, or the error) or `.wait`.
    private func takeLocked() throws -> Take {
        if head < parts.count {
            let part = parts[head]
            head += 1
            // Taken parts go now and then even while the queue never empties, so their buffers are freed: kept, a fast
            // stream held every byte of the answer until it ended (and faulted each buffer in fresh).
            if head == parts.count || head == 16 {
                parts.removeFirst(head)
                head = 0
            }
            if case .body(let bytes) = part {
                queuedBodyBytes -= bytes.count
                if paused && queuedBodyBytes < Self.resumeBelowBytes {
                    paused = false
                    // Posting to the worker only takes its inbox lock and wakes its poll.
                    requestResume()
                }
            }
            return .part(part)
        }
        if gone { return .finished }
        switch end {
        case .none: return .wait
        case .some(.none): return .finished
        case .some(.some(let error)): throw error
        }
    }
}

/// Cancels the transfer when the consumer drops its stream: the unfolding stream's closure holds the only reference.
final class ResponseChannelLease: Sendable {
    /// The channel read through this lease.
    let channel: ResponseChannel

    init(_ channel: ResponseChannel) { self.channel = channel }

    deinit { channel.consumerLeft() }
}
