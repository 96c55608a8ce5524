import CCurl

/// One request in flight: its libcurl easy handle, the channel it feeds, and its idle clock.
///
/// Thread confinement (why `@unchecked Sendable` is sound): the caller creates it and hands it to the worker
/// through the worker's locked inbox; from then on only the worker thread touches it, and libcurl's callbacks run
/// on that thread too. The channel is the only thing other threads reach, and it is itself thread-safe.
final class CurlTransfer: @unchecked Sendable {
    /// The worker's key for this transfer (the stream's `onTermination` cancels by id).
    let id: Int
    /// What to send.
    let request: HTTPRequest
    /// Where diagnostic lines go (never header values).
    let log: CurlTransport.Log?
    /// When `execute` was called.
    let startedAt = ContinuousClock.now

    private let channel: ResponseChannel
    /// The libcurl easy handle (`CURL *`), nil before `prepare` and after `release`.
    private(set) var easy: UnsafeMutableRawPointer?
    private var headerList: UnsafeMutablePointer<curl_slist>?
    private let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE))
    private var parser: ResponseHeadParser
    private(set) var headDelivered = false
    /// True once the stream's consumer has gone; callbacks then ask libcurl to stop.
    private(set) var consumerGone = false
    /// True once the request went out (connection and TLS established); the idle clock runs from then on.
    private(set) var connected = false
    private var lastActivity = ContinuousClock.now
    /// Receiving is paused because the consumer is behind (see `ResponseChannel`); the idle clock stops meanwhile.
    private(set) var paused = false
    private(set) var bodyBytes = 0
    /// Body bytes received since the last `flushBody()`: libcurl hands a read over in 16 KB calls, and waking the
    /// consumer once per read instead of once per call saves most of the thread switches of a fast stream.
    private var pendingBody: [UInt8] = []

    init(id: Int, request: HTTPRequest, log: CurlTransport.Log?,
         channel: ResponseChannel) {
        self.id = id
        self.request = request
        self.log = log
        self.channel = channel
        parser = ResponseHeadParser(requestURL: request.url)
        errorBuffer[0] = 0
    }

    deinit {
        release()
        errorBuffer.deallocate()
    }

    // MARK: - Setting up

    /// Creates the easy handle with every option set; throws when the request cannot be sent as given.
    func prepare() throws(TransportError) {
        let lines = try RequestHeaderLines.make(method: request.method, headers: request.headers)
        guard let easy = curl_easy_init() else { throw .other("libcurl could not create a transfer") }
        self.easy = easy
        for line in lines {
            guard let appended = curl_slist_append(headerList, line) else {
                throw .other("libcurl could not store the request headers")
            }
            headerList = appended
        }
        let me = Unmanaged.passUnretained(self).toOpaque()
        let timeouts = request.timeouts
        try set(turns_curl_setopt_string(easy, CURLOPT_URL, request.url), "the URL")
        try set(turns_curl_setopt_string(easy, CURLOPT_PROTOCOLS_STR, "http,https"), "the protocols")
        // Redirects are followed as the SDK's httpx does (at most 20), but only on the request's origin: the header
        // parser ends the transfer at one to another origin, so the key is never sent there.
        try set(turns_curl_setopt_long(easy, CURLOPT_FOLLOWLOCATION, 1), "redirects")
        try set(turns_curl_setopt_long(easy, CURLOPT_MAXREDIRS, 20), "redirects")
        try set(turns_curl_setopt_long(easy, CURLOPT_NOSIGNAL, 1), "no signals")
        // Keepalive probes hold a long, quiet answer's connection open through NATs and notice a peer that died.
        try set(turns_curl_setopt_long(easy, CURLOPT_TCP_KEEPALIVE, 1), "TCP keepalive")
        // A larger receive buffer lets one read take what a fast server has sent (libcurl's default is 16 KB).
        try set(turns_curl_setopt_long(easy, CURLOPT_BUFFERSIZE, Self.receiveBufferBytes), "the receive buffer")
        // Verification is never optional (VERIFYHOST 2 is libcurl's documented "check the name" value).
        try set(turns_curl_setopt_long(easy, CURLOPT_SSL_VERIFYPEER, 1), "TLS peer verification")
        try set(turns_curl_setopt_long(easy, CURLOPT_SSL_VERIFYHOST, 2), "TLS host verification")
        try set(turns_curl_setopt_long(easy, CURLOPT_CONNECTTIMEOUT_MS, Self.milliseconds(timeouts.connect)),
                "the connect timeout")
        if let total = timeouts.total {
            try set(turns_curl_setopt_long(easy, CURLOPT_TIMEOUT_MS, Self.milliseconds(total)), "the total timeout")
        }
        if LoopbackURL.isLoopback(request.url) {
            // Proxies otherwise come from the environment untouched; see `LoopbackURL` for this one exception.
            try set(turns_curl_setopt_string(easy, CURLOPT_NOPROXY, "*"), "the proxy bypass")
        }
        // A proxy's CONNECT reply must not be mistaken for the server's head.
        try set(turns_curl_setopt_long(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1), "proxy headers")
        // Without this, removing a transfer that is still resolving a name waits for the resolver thread,
        // which would stall cancellation (and every other transfer on the worker) for seconds.
        try set(turns_curl_setopt_long(easy, CURLOPT_QUICK_EXIT, 1), "quick exit")
        try set(turns_curl_setopt_slist(easy, CURLOPT_HTTPHEADER, headerList), "the headers")
        try set(turns_curl_setopt_pointer(easy, CURLOPT_ERRORBUFFER, errorBuffer), "the error buffer")
        try set(turns_curl_setopt_datafunc(easy, CURLOPT_WRITEFUNCTION, curlWriteCallback), "the body callback")
        try set(turns_curl_setopt_pointer(easy, CURLOPT_WRITEDATA, me), "the body callback")
        try set(turns_curl_setopt_datafunc(easy, CURLOPT_HEADERFUNCTION, curlHeaderCallback), "the header callback")
        try set(turns_curl_setopt_pointer(easy, CURLOPT_HEADERDATA, me), "the header callback")
        try setMethodAndBody(easy)
    }

    private func setMethodAndBody(_ easy: UnsafeMutableRawPointer) throws(TransportError) {
        switch request.method {
        case "GET" where request.body.isEmpty:
            try set(turns_curl_setopt_long(easy, CURLOPT_HTTPGET, 1), "the method")
        case "HEAD":
            try set(turns_curl_setopt_long(easy, CURLOPT_NOBODY, 1), "the method")
        default:
            try set(turns_curl_setopt_off(easy, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(request.body.count)),
                    "the body size")
            // COPYPOSTFIELDS copies the bytes, so nothing here has to outlive this call; an empty body still needs an
            // address (the size above says no byte of it is sent).
            let bytes = request.body.isEmpty ? [0] : request.body
            try set(bytes.withUnsafeBytes {
                turns_curl_setopt_pointer(easy, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0.baseAddress!))
            }, "the body")
            if request.method != "POST" {
                try set(turns_curl_setopt_string(easy, CURLOPT_CUSTOMREQUEST, request.method), "the method")
            }
        }
    }

    private func set(_ code: CURLcode, _ what: String) throws(TransportError) {
        guard code == CURLE_OK else {
            throw .other("libcurl refused \(what): \(String(cString: curl_easy_strerror(code)))")
        }
    }

    /// libcurl's receive buffer per transfer.
    static let receiveBufferBytes = 256 * 1024
    /// Pending body bytes are handed over before they pass this, even in the middle of a read.
    static let flushThresholdBytes = 96 * 1024

    private static func milliseconds(_ seconds: Double) -> Int {
        max(1, Int((seconds * 1000).rounded(.up)))
    }

    // MARK: - Callbacks (worker thread)

    /// Takes one header line from libcurl; returns the bytes taken (fewer aborts the transfer).
    fileprivate func receiveHeaderLine(_ line: UnsafeRawBufferPointer) -> Int {
        lastActivity = .now
        if let head = parser.feed(line) {
            headDelivered = true
            log?("← \(head.status) after \(elapsedMilliseconds) ms")
            if !channel.push(.head(head)) {
                consumerGone = true
                return 0
            }
        }
        return parser.refusedRedirect == nil ? line.count : 0
    }

    /// Takes body bytes from libcurl; returns the bytes taken (fewer aborts the transfer).
    fileprivate func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        lastActivity = .now
        if !headDelivered {
            // libcurl always reports the head first; this only guards the promise that `.head` comes first.
            var status = 0
            if let easy { _ = turns_curl_getinfo_long(easy, CURLINFO_RESPONSE_CODE, &status) }
            headDelivered = true
            channel.push(.head(HTTPResponseHead(status: status, headers: parser.headers)))
        }
        if consumerGone { return 0 }
        // libcurl keeps bytes refused this way and hands them over again once the transfer is resumed.
        if paused { return Int(CURL_WRITEFUNC_PAUSE) }
        bodyBytes += bytes.count
        if pendingBody.count + bytes.count > Self.flushThresholdBytes && !pendingBody.isEmpty {
            if !flushBody() { return 0 }
            // One read can be many megabytes: the consumer's lag is checked within it, not only after it.
            if channel.pauseIfBehind() {
                paused = true
                log?("paused after \(bodyBytes) body bytes: the reader is behind")
            }
        }
        pendingBody.append(contentsOf: bytes)
        return bytes.count
    }

    /// Hands the body bytes received so far to the consumer. The worker calls it after each round of libcurl
    /// work, so bytes wait at most for the rest of the read they arrived in.
    ///
    /// - Returns: false when the consumer has gone (the transfer should end).
    @discardableResult
    func flushBody() -> Bool {
        guard !pendingBody.isEmpty else { return !consumerGone }
        var bytes: [UInt8] = []
        swap(&bytes, &pendingBody)
        pendingBody.reserveCapacity(Self.flushThresholdBytes)
        if !channel.push(.body(bytes)) {
            consumerGone = true
        }
        return !consumerGone
    }

    /// Pauses receiving when the consumer has too much unread (worker thread, outside libcurl's callbacks).
    func pauseIfConsumerIsBehind() {
        guard !paused, let easy, channel.pauseIfBehind() else { return }
        if turns_curl_pause_receiving(easy) == CURLE_OK {
            paused = true
            log?("paused after \(bodyBytes) body bytes: the reader is behind")
        }
    }

    /// Goes on receiving after a pause; libcurl may hand over buffered bytes during this call.
    func resume() {
        guard paused, let easy else { return }
        paused = false
        lastActivity = .now
        _ = turns_curl_continue(easy)
    }

    // MARK: - Idle clock (worker thread)

    /// When the idle limit runs out, or nil while still connecting (the connect timeout covers that phase).
    func idleDeadline() -> ContinuousClock.Instant? {
        if paused { return nil }
        if !connected, requestSent || headDelivered {
            connected = true
            lastActivity = max(lastActivity, .now)
        }
        guard connected else { return nil }
        return lastActivity + .nanoseconds(Int64((request.timeouts.idle * 1e9).rounded()))
    }

    /// Whether libcurl has sent the request (its pre-transfer time is set once connection and TLS are done).
    private var requestSent: Bool {
        var pretransfer: curl_off_t = 0
        if let easy { _ = turns_curl_getinfo_off(easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer) }
        return pretransfer > 0
    }

    // MARK: - Ending (worker thread)

    /// The error for a transfer libcurl finished with `code`, or nil when it succeeded.
    func outcome(of code: CURLcode) -> TransportError? {
        if let origin = parser.refusedRedirect { return .redirectRefused(origin) }
        if code == CURLE_OK {
            return headDelivered ? nil : .connectionLost("the server closed the connection without a complete response")
        }
        if !connected { connected = requestSent }
        let context = CurlErrorMapping.Context(connected: connected, consumerGone: consumerGone,
                                               timeouts: request.timeouts)
        return CurlErrorMapping.error(for: code, detail: String(cString: errorBuffer), context: context)
    }

    /// Frees the easy handle and header list. The worker removes the handle from its multi handle first.
    func release() {
        if let easy { curl_easy_cleanup(easy) }
        easy = nil
        if let headerList { curl_slist_free_all(headerList) }
        headerList = nil
    }

    /// Ends the stream. Called only after `release`, so no libcurl callback can run afterwards.
    func finish(throwing error: TransportError?) {
        // Bytes that arrived before the end (or the failure) are delivered first.
        flushBody()
        log?("\(error.map { "✗ \($0)" } ?? "✓ done") after \(elapsedMilliseconds) ms (\(bodyBytes) body bytes)")
        channel.finish(throwing: error)
    }

    /// Milliseconds since `execute`, for the log.
    var elapsedMilliseconds: Int64 {
        Int64((ContinuousClock.now - startedAt) / .milliseconds(1))
    }
}

private let curlWriteCallback: turns_curl_data_callback = { data, size, count, context in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
    return transfer.receiveBody(UnsafeRawBufferPointer(start: data, count: size * count))
}

private let curlHeaderCallback: turns_curl_data_callback = { data, size, count, context in
    let transfer = Unmanaged<CurlTransfer>.fromOpaque(context!).takeUnretainedValue()
    return transfer.receiveHeaderLine(UnsafeRawBufferPointer(start: data, count: size * count))
}
