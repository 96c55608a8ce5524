import CCurl

/// `HTTPTransport` over libcurl: streams response bodies as they arrive, cancels within milliseconds.
///
/// - All transfers run on one shared worker thread (`CurlWorker`) through a libcurl multi handle, so
///   connections to the same host are reused across requests.
/// - Timeouts: `HTTPTimeouts.connect` covers TCP, TLS and any proxy CONNECT; `idle` is measured here, from the
///   moment the request is sent until the last byte received (sub-second values work); `total` is libcurl's.
/// - TLS certificates and host names are always verified. Proxies come from the environment (`https_proxy`,
///   `no_proxy`, …) as libcurl reads them, except that loopback URLs never use a proxy. Redirects on the request's
///   origin are followed (at most 20); one to another origin ends the transfer with `TransportError.redirectRefused`.
/// - Only `Host` and `Content-Length` are added to the caller's headers.
/// - Cancellation: when the consumer drops the stream (leaving a `for try await` over `execute(…)` drops it;
///   a stream still held in a variable stays alive) or its task is cancelled, the stream's termination
///   wakes the worker, which tears the transfer down at once. A cancelled task's loop ends either quietly or
///   with `TransportError.cancelled` (whichever finishes the stream first), so callers check `Task.isCancelled`.
/// - Backpressure: bytes are handed over once per network read (not per 16 KB libcurl call), and when the
///   consumer has more than a few megabytes unread the transfer pauses until it catches up (`ResponseChannel`).
public struct CurlTransport: HTTPTransport {
    /// A sink for diagnostic lines: method, URL without credentials or query, header names, status, sizes,
    /// timings, errors. Never header values or bodies.
    public typealias Log = @Sendable (String) -> Void

    private let log: Log?

    /// A transport that sends its diagnostic lines to `log`, if any (never header values).
    public init(log: Log? = nil) {
        self.log = log
    }

    /// Starts `request` on the worker thread and returns its response as `.head` then `.body` pieces.
    public func execute(_ request: HTTPRequest) -> AsyncThrowingStream<HTTPResponsePart, Error> {
        let worker = CurlWorker.shared
        let id = worker.makeID()
        // Cancelling or resuming an ended transfer is a no-op, so these may run late.
        let channel = ResponseChannel(requestResume: { worker.resume(id: id) },
                                      requestCancel: { worker.cancel(id: id) })
        worker.start(CurlTransfer(id: id, request: request, log: log, channel: channel))
        // The closure holds the only lease: when the consumer drops the stream, the lease goes and cancels.
        let lease = ResponseChannelLease(channel)
        return AsyncThrowingStream(unfolding: { try await lease.channel.next() })
    }
}
