import Foundation
import NIOCore
import NIOHTTP1
import TurnsAPI
import TurnsLocal

/// One connection's HTTP/1.1 conversation: collects each request, routes it, checks the key or signature,
/// and hands `/v1/complete`, `/v1/messages` and the Bedrock paths to a `CompletionResponder`. NIO's pipelining handler in
/// front of it delivers requests one at a time, so at most one response is in flight.
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
    private var responder: ActiveAnswer? = nil

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
        switch Route(method: head.method, uri: head.uri) {
        case .api(let route): respondAPI(route, context: context, head: head, body: body, tooLarge: tooLarge)
        case .bedrock(let route): respondBedrock(route, context: context, head: head, body: body, tooLarge: tooLarge)
        }
    }

    /// Answers `/v1/complete` and unknown paths, in the API's error shape, with a `request-id`.
    private func respondAPI(_ route: APIRoute, context: ChannelHandlerContext, head: HTTPRequestHead,
                            body: ByteBuffer, tooLarge: Bool) {
        let requestID = Identifiers.requestID()
        let keepAlive = head.isKeepAlive && !tooLarge
        if tooLarge {
            return sendError(.requestTooLarge(limit: CompletionService.maxBodyBytes), requestID: requestID,
                             keepAlive: false, context: context)
        }
        switch route {
        case .notFound:
            sendError(.notFound(method: head.method.rawValue, path: String(Route.path(of: head.uri))),
                      requestID: requestID, keepAlive: keepAlive, context: context)
        case .methodNotAllowed(let allowed):
            sendError(.methodNotAllowed(method: head.method.rawValue, path: String(Route.path(of: head.uri)),
                                        allowed: allowed),
                      requestID: requestID, keepAlive: keepAlive, context: context)
        case .complete, .messages, .models:
            guard Authentication.allows(head.headers, expected: service.apiKey) else {
                return sendError(.invalidAPIKey, requestID: requestID, keepAlive: keepAlive, context: context)
            }
            answer(route, context: context, head: head, body: body, requestID: requestID, keepAlive: keepAlive)
        }
    }

    /// Answers an authenticated API request: a model list, or a responder for a body that reads as its request.
    private func answer(_ route: APIRoute, context: ChannelHandlerContext, head: HTTPRequestHead, body: ByteBuffer,
                        requestID: String, keepAlive: Bool) {
        let parsed: Result<ActiveAnswer, ServeError>
        switch route {
        case .complete:
            parsed = body.withUnsafeReadableBytes { CompleteRequest.parse(body: $0) }.map {
                service.responder(for: $0, requestID: requestID, keepAlive: keepAlive, onFinished: finished)
            }
        case .messages where head.headers.first(name: "anthropic-version") == nil:
            parsed = .failure(.invalidRequest("anthropic-version: header is required"))
        case .messages:
            parsed = body.withUnsafeReadableBytes { MessagesRequest.parse(body: $0) }.map {
                service.responder(for: $0, requestID: requestID, keepAlive: keepAlive, onFinished: finished)
            }
        default:
            let headers = HTTPHeaders([("content-type", "application/json"), ("request-id", requestID)])
            var buffer = context.channel.allocator.buffer(capacity: 256)
            buffer.writeBytes(WireJSON.encode(ModelList(ids: [BackendKind.local.defaultModel])))
            return sendWhole(status: 200, headers: headers, body: buffer, keepAlive: keepAlive, context: context)
        }
        switch parsed {
        case .failure(let error): sendError(error, requestID: requestID, keepAlive: keepAlive, context: context)
        case .success(let responder): start(responder, context: context)
        }
    }

    /// Called when a responder has written its whole answer: the connection takes the next request.
    private func finished(_ context: ChannelHandlerContext) {
        responder = nil
        state = .idle
    }

    /// Answers a Bedrock path (`route` nil: asked with another method than POST): the size, the method, the
    /// signature (or key), then the body, each refused in the AWS error shape; every answer carries
    /// `x-amzn-RequestId`.
    private func respondBedrock(_ route: BedrockServer.Route?, context: ChannelHandlerContext, head: HTTPRequestHead,
                                body: ByteBuffer, tooLarge: Bool) {
        let requestID = Identifiers.awsRequestID()
        let keepAlive = head.isKeepAlive && !tooLarge
        if tooLarge {
            let limit = CompletionService.maxBodyBytes / (1024 * 1024)
            return sendAWSError(.init(status: 413, type: "ValidationException",
                                      message: "The request body exceeds the maximum of \(limit) MB."),
                                requestID: requestID, keepAlive: false, context: context)
        }
        guard let route else {
            return sendAWSError(.init(status: 405, type: "UnknownOperationException",
                                      message: "\(head.method.rawValue) is not supported on \(Route.path(of: head.uri)); use POST"),
                                requestID: requestID, keepAlive: keepAlive, context: context, extraHeaders: [("allow", "POST")])
        }
        let bytes = Array(body.readableBytesView)
        if let refusal = service.bedrockAuthentication.refusal(head, body: bytes, now: Date().timeIntervalSince1970) {
            return sendAWSError(refusal, requestID: requestID, keepAlive: keepAlive, context: context)
        }
        switch BedrockRequest.parse(route: route, body: bytes) {
        case .failure(let refusal):
            sendAWSError(refusal.response, requestID: requestID, keepAlive: keepAlive, context: context)
        case .success(let request):
            start(service.responder(for: request, requestID: requestID, keepAlive: keepAlive, onFinished: finished),
                  context: context)
        }
    }

    private func start(_ responder: ActiveAnswer, context: ChannelHandlerContext) {
        self.responder = responder
        responder.start(context: context)
    }

    /// Writes a complete error response in the API's shape.
    private func sendError(_ error: ServeError, requestID: String, keepAlive: Bool, context: ChannelHandlerContext) {
        var buffer = context.channel.allocator.buffer(capacity: 256)
        buffer.writeBytes(error.body(requestID: requestID))
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/json")
        headers.add(name: "request-id", value: requestID)
        for (name, value) in error.headers { headers.add(name: name, value: value) }
        sendWhole(status: error.status, headers: headers, body: buffer, keepAlive: keepAlive, context: context)
    }

    /// Writes a complete error response in the AWS rest-json shape: `x-amzn-ErrorType`, `{"message":…}`.
    private func sendAWSError(_ error: BedrockServer.ErrorResponse, requestID: String, keepAlive: Bool,
                              context: ChannelHandlerContext, extraHeaders: [(String, String)] = []) {
        var buffer = context.channel.allocator.buffer(capacity: 256)
        buffer.writeBytes(error.body)
        var headers = HTTPHeaders(error.headers.map { ($0.name, $0.value) })
        headers.add(name: "x-amzn-RequestId", value: requestID)
        for (name, value) in extraHeaders { headers.add(name: name, value: value) }
        sendWhole(status: error.status, headers: headers, body: buffer, keepAlive: keepAlive, context: context)
    }

    /// Writes a response with a `content-length` body and closes the connection after it unless kept alive.
    private func sendWhole(status code: Int, headers: HTTPHeaders, body buffer: ByteBuffer, keepAlive: Bool,
                           context: ChannelHandlerContext) {
        var headers = headers
        headers.add(name: "content-length", value: String(buffer.readableBytes))
        headers.add(name: "connection", value: keepAlive ? "keep-alive" : "close")
        let status = HTTPResponseStatus(statusCode: code)
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
