import NIOCore
import NIOHTTP1
import NIOPosix

/// One forwarded request: sends it to the server on a connection of its own, then passes the answer to the
/// client through a `FaultShaper` (or untouched when the plan leaves the bytes alone), one action at a time: each
/// write flushed on an event-loop turn of its own, stalls as scheduled tasks, resets as a TCP RST. It reads from
/// the server only once the actions so far are carried out and the client's socket drains.
final class ProxyExchange {
    private let plan: FaultPlan
    private let keepAlive: Bool
    private let context: ChannelHandlerContext
    private let onFinished: () -> Void
    private var upstream: Channel?

    /// Nil when the answer passes untouched.
    private var shaper: FaultShaper?
    private var splitter = EventSplitter(format: .json)
    /// Whether the SSE stream's first event (its `ping`, the stream start) went to the shaper.
    private var started = false
    /// The latest event of a stream: a text event, unless the stream ends after it.
    private var held: [UInt8]?
    /// A whole JSON answer collected for the shaper.
    private var body: [UInt8] = []

    private var pending: [FaultAction] = []
    private var next = 0
    /// A write's turn or a stall is under way.
    private var busy = false
    private var scheduled: Scheduled<Void>?
    private var upstreamEnded = false
    private var finished = false

    init(plan: FaultPlan, keepAlive: Bool, context: ChannelHandlerContext, onFinished: @escaping () -> Void) {
        self.plan = plan
        self.keepAlive = keepAlive
        self.context = context
        self.onFinished = onFinished
    }

    /// Connects to the server and sends it the request, as one request on a connection it then closes.
    func forward(_ head: HTTPRequestHead, body: [UInt8], to server: Upstream) {
        let loop = context.eventLoop
        let bound = NIOLoopBound(self, eventLoop: loop)
        ClientBootstrap(group: loop)
            .channelOption(.autoRead, value: false)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHTTPClientHandlers()
                    try channel.pipeline.syncOperations.addHandler(UpstreamHandler(exchange: bound.value))
                }
            }
            .connect(host: server.host, port: server.port)
            .assumeIsolated().whenComplete { result in
                let exchange = bound.value
                switch result {
                case .success(let channel):
                    guard !exchange.finished else { return channel.close(promise: nil) }
                    exchange.upstream = channel
                    var headers = head.headers
                    for name in ["connection", "transfer-encoding", "content-length"] { headers.remove(name: name) }
                    headers.add(name: "content-length", value: String(body.count))
                    headers.add(name: "connection", value: "close")
                    var request = HTTPRequestHead(version: .http1_1, method: head.method, uri: head.uri)
                    request.headers = headers
                    channel.write(HTTPClientRequestPart.head(request), promise: nil)
                    channel.write(HTTPClientRequestPart.body(.byteBuffer(channel.allocator.buffer(bytes: body))),
                                  promise: nil)
                    channel.writeAndFlush(HTTPClientRequestPart.end(nil), promise: nil)
                    channel.read()
                case .failure:
                    exchange.abort()
                }
            }
    }

    // MARK: - From the server

    /// The server's response head: sent on at once (so a reset after it comes after the head), and the shaping
    /// chosen by its status and content type.
    func upstreamHead(_ head: HTTPResponseHead) {
        guard !finished else { return }
        var headers = head.headers
        for name in ["connection", "transfer-encoding"] { headers.remove(name: name) }
        headers.add(name: "connection", value: keepAlive ? "keep-alive" : "close")
        let response = HTTPResponseHead(version: .http1_1, status: head.status, headers: headers)
        context.writeAndFlush(NIOAny(HTTPServerResponsePart.head(response)), promise: nil)
        guard head.status == .ok, plan.shapesAnswer else { return }
        let type = head.headers.first(name: "content-type") ?? ""
        let format: FaultFormat = type.hasPrefix("text/event-stream") ? .sse
            : type.hasPrefix("application/vnd.amazon.eventstream") ? .eventStream : .json
        var shaper = FaultShaper(plan: plan, format: format)
        splitter = EventSplitter(format: format)
        if format == .eventStream {
            started = true
            pending += shaper.streamStart([])
        }
        self.shaper = shaper
    }

    /// Body bytes from the server: passed on, or cut into events for the shaper.
    func upstreamBody(_ bytes: ByteBuffer) {
        guard !finished else { return }
        guard var shaper else { return pending.append(.write(Array(bytes.readableBytesView))) }
        guard !shaper.isCut else { return }
        if splitter.format == .json {
            body += bytes.readableBytesView
            return
        }
        splitter.append(bytes.readableBytesView)
        while !shaper.isCut, let event = splitter.next() {
            if !started {
                started = true
                pending += shaper.streamStart(event)
            } else {
                if let previous = held { pending += shaper.textEvent(previous) }
                held = event
            }
        }
        self.shaper = shaper
    }

    /// The server's answer is complete: the last event (or the whole body) goes to the shaper, then the end.
    func upstreamEnd() {
        guard !finished else { return }
        upstreamEnded = true
        if var shaper {
            if !shaper.isCut {
                if splitter.format == .json {
                    pending += shaper.body(body)
                } else if let held {
                    pending += shaper.finalEvent(held)
                }
            }
            self.shaper = shaper
            if shaper.isCut { return pump() }
        }
        pending.append(.endStream)
        pump()
    }

    /// The server's connection is gone; before the end of its answer, the client's goes too.
    func upstreamClosed() {
        if !upstreamEnded && !finished { abort() }
    }

    // MARK: - To the client

    /// Carries out the pending actions while the client's socket takes them, then asks the server for more.
    func pump() {
        while !busy && !finished {
            guard next < pending.count else {
                pending.removeAll(keepingCapacity: true)
                next = 0
                if !upstreamEnded { upstream?.read() }
                return
            }
            guard context.channel.isWritable else { return }
            let action = pending[next]
            next += 1
            switch action {
            case .write(let bytes):
                let buffer = context.channel.allocator.buffer(bytes: bytes)
                context.writeAndFlush(NIOAny(HTTPServerResponsePart.body(.byteBuffer(buffer))), promise: nil)
                busy = true
                context.eventLoop.assumeIsolated().execute { [self] in
                    busy = false
                    pump()
                }
            case .stall(let seconds):
                busy = true
                scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: .nanoseconds(Int64(seconds * 1e9))) {
                    [self] in
                    scheduled = nil
                    busy = false
                    pump()
                }
            case .reset:
                Self.reset(context.channel)
                finish()
            case .endStream:
                let written = context.eventLoop.makePromise(of: Void.self)
                context.writeAndFlush(NIOAny(HTTPServerResponsePart.end(nil)), promise: written)
                if !keepAlive {
                    let channel = context.channel
                    written.futureResult.whenComplete { _ in channel.close(promise: nil) }
                }
                finish()
            }
        }
    }

    /// The client is gone: stop at once.
    func cancel() {
        finish()
    }

    /// Something failed on the way: the client's connection is closed.
    private func abort() {
        guard !finished else { return }
        context.close(promise: nil)
        finish()
    }

    private func finish() {
        guard !finished else { return }
        finished = true
        scheduled?.cancel()
        scheduled = nil
        pending = []
        upstream?.close(promise: nil)
        upstream = nil
        onFinished()
    }

    /// Closes a connection with a TCP RST: SO_LINGER with a zero timeout makes `close` abort it.
    static func reset(_ channel: Channel) {
        if let provider = channel as? SocketOptionProvider {
            _ = provider.setSoLinger(linger(l_onoff: 1, l_linger: 0))
        }
        channel.close(promise: nil)
    }
}

/// Hands the server's response to its exchange.
final class UpstreamHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPClientResponsePart

    private let exchange: ProxyExchange

    init(exchange: ProxyExchange) {
        self.exchange = exchange
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head): exchange.upstreamHead(head)
        case .body(let bytes): exchange.upstreamBody(bytes)
        case .end: exchange.upstreamEnd()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        exchange.pump()
    }

    func channelInactive(context: ChannelHandlerContext) {
        exchange.upstreamClosed()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
