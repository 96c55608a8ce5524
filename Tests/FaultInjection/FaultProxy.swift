import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix

/// A loopback HTTP proxy that forwards every request to a plain `turns serve` and spoils the answers on purpose,
/// reproducibly: each request to `/v1/complete`, `/v1/messages` (refusals only) or a Bedrock path gets the `FaultPlan` its sequence number and the
/// seed give (refused, reset, stalled, split, corrupted…), applied to the bytes the server sends. `scripts/soak`
/// runs it (`turns-fault-proxy`) between `turns --print` and `turns serve`; the fault tests run it in-process.
///
/// The server must stream unpaced or paced as it likes; the proxy reads from it only as fast as it writes on.
public final class FaultProxy: @unchecked Sendable {
    /// The server's address.
    public let upstreamHost: String
    /// The server's port.
    public let upstreamPort: Int
    private let injector: FaultInjector

    // Guarded by `lock`: set by `start`, cleared by `stop`.
    private let lock = NSLock()
    private var group: MultiThreadedEventLoopGroup?
    private var listener: Channel?

    /// Creates a proxy for the server at `upstreamHost:upstreamPort`; nothing listens until `start`.
    public init(upstreamHost: String = "127.0.0.1", upstreamPort: Int, settings: FaultSettings) {
        self.upstreamHost = upstreamHost
        self.upstreamPort = upstreamPort
        injector = FaultInjector(settings: settings)
    }

    deinit {
        stop()
    }

    /// Binds on loopback (`port` 0 picks a free one) and starts forwarding; returns the bound port.
    @discardableResult
    public func start(host: String = "127.0.0.1", port: Int = 0) throws -> Int {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let upstream = Upstream(host: upstreamHost, port: upstreamPort)
        let injector = self.injector
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(ProxyConnectionHandler(injector: injector,
                                                                                          upstream: upstream))
                }
            }
        do {
            let channel = try bootstrap.bind(host: host, port: port).wait()
            lock.withLock {
                self.group = group
                self.listener = channel
            }
            return channel.localAddress?.port ?? port
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
    }

    /// Stops listening, closes every connection and frees the thread.
    public func stop() {
        let (group, listener) = lock.withLock { () -> (MultiThreadedEventLoopGroup?, Channel?) in
            defer {
                self.group = nil
                self.listener = nil
            }
            return (self.group, self.listener)
        }
        try? listener?.close().wait()
        try? group?.syncShutdownGracefully()
    }
}

/// Where the proxy forwards to.
struct Upstream: Sendable {
    var host: String
    var port: Int
}

/// One client connection: collects each request, plans its fault, then refuses or resets it itself, or hands it
/// to a `ProxyExchange` that forwards it and shapes the answer.
final class ProxyConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// Request bodies past this are cut off (the server's own limit is the same).
    private static let maxBodyBytes = 32 * 1024 * 1024

    private let injector: FaultInjector
    private let upstream: Upstream
    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var exchange: ProxyExchange?

    init(injector: FaultInjector, upstream: Upstream) {
        self.injector = injector
        self.upstream = upstream
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let received):
            head = received
            body = []
        case .body(let chunk):
            if body.count + chunk.readableBytes <= Self.maxBodyBytes { body += chunk.readableBytesView }
        case .end:
            guard let head else { return }
            self.head = nil
            begin(head, context: context)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { exchange?.pump() }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        exchange?.cancel()
        exchange = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        exchange?.cancel()
        exchange = nil
        context.close(promise: nil)
    }

    private func begin(_ head: HTTPRequestHead, context: ChannelHandlerContext) {
        var plan = FaultPlan.none
        if let (api, stream) = Self.classify(head, body: body) {
            let requestID = api == .bedrock ? UUID().uuidString.lowercased() : Self.anthropicRequestID()
            plan = injector.plan(api: api, stream: stream, requestID: requestID)
            if let status = injector.forcedStatus {
                return refuse(FaultRefusal(status: status, api: api, requestID: requestID), keepAlive: head.isKeepAlive,
                              context: context)
            }
            if plan.kind == .resetBeforeHead { return ProxyExchange.reset(context.channel) }
            if let refusal = FaultRefusal(plan: plan, api: api, requestID: requestID) {
                return refuse(refusal, keepAlive: head.isKeepAlive, context: context)
            }
        }
        let exchange = ProxyExchange(plan: plan, keepAlive: head.isKeepAlive, context: context) { [weak self] in
            self?.exchange = nil
        }
        self.exchange = exchange
        exchange.forward(head, body: body, to: upstream)
    }

    /// The API and streaming of a completion request, or nil for any other request (forwarded untouched).
    private static func classify(_ head: HTTPRequestHead, body: [UInt8]) -> (FaultAPI, Bool)? {
        guard head.method == .POST else { return nil }
        let path = String(head.uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
        if path == "/v1/complete" || path == "/v1/messages" {
            struct StreamFlag: Decodable { var stream: Bool? }
            return (path == "/v1/complete" ? .anthropic : .messages,
                    (try? JSONDecoder().decode(StreamFlag.self, from: Data(body)))?.stream ?? false)
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[1] == "model", ["invoke", "invoke-with-response-stream"].contains(parts[3]) else {
            return nil
        }
        return (.bedrock, parts[3] == "invoke-with-response-stream")
    }

    /// A request id in the API's style, `req_` and 24 base-62 characters.
    private static func anthropicRequestID() -> String {
        let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        return "req_" + String((0..<24).map { _ in alphabet.randomElement()! })
    }

    private func refuse(_ refusal: FaultRefusal, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders(refusal.headers)
        headers.add(name: "content-length", value: String(refusal.body.count))
        headers.add(name: "connection", value: keepAlive ? "keep-alive" : "close")
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: refusal.status),
                                    headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: refusal.body)))),
                      promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        if !keepAlive { written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) } }
    }
}
