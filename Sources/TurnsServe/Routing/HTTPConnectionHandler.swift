import NIOCore
import NIOHTTP1
import TurnsLocal

/// One connection's HTTP/1.1 conversation: collects each request, routes it, checks the key, and hands
/// `/v1/complete` to a `CompletionResponder`. NIO's pipelining handler in front of it delivers requests one
/// at a time, so at most one response is in flight.
final class HTTPConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private enum State {
        case idle
        case receiving(head: HTTPRequestHead, body: ByteBuffer, tooLarge: Bool)
        case responding
    }

    private let service: CompletionService
    private var state = State.idle
    private var responder: CompletionResponder? = nil

    init(service: CompletionService) {
        self.service = service
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            state = .receiving(head: head, body: context.channel.allocator.buffer(capacity: 0), tooLarge: false)
        case .body(var chunk):
            guard case .receiving(let head, var body, var tooLarge) = state else { return }
            state = .responding  // releases `body` so appending does not copy it
            if tooLarge || body.readableBytes + chunk.readableBytes > CompletionService.maxBodyBytes {
                tooLarge = true
                body.clear()
            } else {
                body.writeBuffer(&chunk)
            }
            state = .receiving(head: head, body: body, tooLarge: tooLarge)
        case .end:
            guard case .receiving(let head, let body, let tooLarge) = state else { return }
            state = .responding
            respond(context: context, head: head, body: body, tooLarge: tooLarge)
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { responder?.channelWritable(context: context) }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        responder?.cancel()
        responder = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        responder?.cancel()
        responder = nil
        context.close(promise: nil)
    }

    // MARK: - Routing

    private func respond(context: ChannelHandlerContext, head: HTTPRequestHead, body: ByteBuffer, tooLarge: Bool) {
        let requestID = Identifiers.requestID()
        let keepAlive = head.isKeepAlive && !tooLarge
        if tooLarge {
            return sendError(.requestTooLarge(limit: CompletionService.maxBodyBytes), requestID: requestID,
                             keepAlive: false, context: context)
        }
        switch Route(method: head.method, uri: head.uri) {
        case .notFound:
            sendError(.notFound(method: head.method.rawValue, path: String(Route.path(of: head.uri))),
                      requestID: requestID, keepAlive: keepAlive, context: context)
        case .methodNotAllowed(let allowed):
            sendError(.methodNotAllowed(method: head.method.rawValue, path: String(Route.path(of: head.uri)),
                                        allowed: allowed),
                      requestID: requestID, keepAlive: keepAlive, context: context)
        case .complete:
            guard Authentication.allows(head.headers, expected: service.apiKey) else {
                return sendError(.invalidAPIKey, requestID: requestID, keepAlive: keepAlive, context: context)
            }
            let parsed = body.withUnsafeReadableBytes { CompleteRequest.parse(body: $0) }
            switch parsed {
            case .failure(let error):
                sendError(error, requestID: requestID, keepAlive: keepAlive, context: context)
            case .success(let request):
                let responder = service.responder(for: request, requestID: requestID, keepAlive: keepAlive) {
                    [weak self] _ in
                    self?.responder = nil
                    self?.state = .idle
                }
                self.responder = responder
                responder.start(context: context)
            }
        }
    }

    /// Writes a complete error response in the API's shape.
    private func sendError(_ error: ServeError, requestID: String, keepAlive: Bool, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 256)
        buffer.writeString(error.body(requestID: requestID))
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "content-length", value: String(buffer.readableBytes))
        headers.add(name: "request-id", value: requestID)
        headers.add(name: "connection", value: keepAlive ? "keep-alive" : "close")
        for (name, value) in error.headers { headers.add(name: name, value: value) }
        let status = HTTPResponseStatus(statusCode: error.status)
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))),
                      promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(buffer))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        if !keepAlive {
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
        state = .idle
    }
}
