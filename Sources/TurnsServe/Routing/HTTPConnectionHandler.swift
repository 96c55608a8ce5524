import Foundation
import NIOCore
import NIOHTTP1
import TurnsAPI
import TurnsCore
import TurnsHTTP

/// One connection's HTTP/1.1 conversation: collects each request, routes it, checks the key or signature, and hands
/// the answer to a `CompletionResponder`. NIO's pipelining handler in front of it delivers requests one at a time,
/// so at most one response is in flight.
final class HTTPConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    /// The method of each API path.
    private static let apiMethods: [String: HTTPMethod] = ["/v1/complete": .POST, "/v1/messages": .POST, "/v1/models": .GET]

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
            let path = String(head.uri.prefix { $0 != "?" })
            if let route = BedrockServer.route(path: path) {
                respondBedrock(route, head: head, body: Array(body.readableBytesView), tooLarge: tooLarge, context: context)
            } else {
                respondAPI(path, head: head, body: Array(body.readableBytesView), tooLarge: tooLarge, context: context)
            }
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

    /// Answers `/v1/complete`, `/v1/messages`, `/v1/models` and unknown paths, refusing in the API's error shape
    /// (PROTOCOL.md A.6); every answer carries a `request-id`.
    private func respondAPI(_ path: String, head: HTTPRequestHead, body: [UInt8], tooLarge: Bool,
                            context: ChannelHandlerContext) {
        let requestID = Identifiers.make("req_")
        let keepAlive = head.isKeepAlive && !tooLarge
        let jsonHeaders = [("content-type", "application/json"), ("request-id", requestID)]
        func refuse(_ error: ServeError) {
            send(error.status, headers: jsonHeaders + error.headers, body: error.body(requestID: requestID),
                 keepAlive: keepAlive, context: context)
        }
        guard !tooLarge else { return refuse(.requestTooLarge(limit: CompletionService.maxBodyBytes)) }
        guard let method = Self.apiMethods[path] else { return refuse(.notFound(method: head.method.rawValue, path: path)) }
        guard head.method == method else {
            return refuse(.methodNotAllowed(method: head.method.rawValue, path: path, allowed: [method.rawValue]))
        }
        guard Self.allows(head.headers, expected: service.options.apiKey) else { return refuse(.invalidAPIKey) }
        let parsed: Result<ServeRequest, ServeError>
        switch path {
        case "/v1/models":
            let list = ModelList(ids: [BackendKind.local.defaultModel])
            return send(200, headers: jsonHeaders, body: ServeJSON.encode(list), keepAlive: keepAlive, context: context)
        case _ where head.headers.first(name: "anthropic-version") == nil:
            parsed = .failure(.invalidRequest("anthropic-version: header is required"))
        default:
            parsed = ServeRequest.parse(path == "/v1/complete" ? .complete : .messages, body: body)
        }
        switch parsed {
        case .failure(let error): refuse(error)
        case .success(let request): answer(request, bedrock: false, requestID: requestID, keepAlive: keepAlive, context: context)
        }
    }

    /// Answers a Bedrock path: the size, the method, the signature (or key), then the body, each refused in the AWS
    /// error shape (PROTOCOL.md C.1); every answer carries `x-amzn-RequestId`.
    private func respondBedrock(_ route: BedrockServer.Route, head: HTTPRequestHead, body: [UInt8], tooLarge: Bool,
                                context: ChannelHandlerContext) {
        let requestID = Identifiers.awsRequestID()
        let keepAlive = head.isKeepAlive && !tooLarge
        func refuse(_ error: BedrockServer.ErrorResponse, extraHeaders: [(String, String)] = []) {
            let headers = error.headers.map { ($0.name, $0.value) } + [("x-amzn-RequestId", requestID)] + extraHeaders
            send(error.status, headers: headers, body: error.body, keepAlive: keepAlive, context: context)
        }
        guard !tooLarge && body.count <= BedrockServer.maxBodyBytes else {
            return refuse(.init(status: 400, type: "ValidationException",
                                message: "The request body exceeds the maximum of \(BedrockServer.maxBodyBytes) bytes."))
        }
        guard head.method == .POST else {
            let path = head.uri.prefix { $0 != "?" }
            return refuse(.init(status: 405, type: "UnknownOperationException",
                                message: "\(head.method.rawValue) is not supported on \(path); use POST"),
                          extraHeaders: [("allow", "POST")])
        }
        if let refusal = bedrockRefusal(head, body: body) { return refuse(refusal) }
        switch ServeRequest.bedrock(route, body: body) {
        case .failure(let error): refuse(error)
        case .success(let request): answer(request, bedrock: true, requestID: requestID, keepAlive: keepAlive, context: context)
        }
    }

    /// The 403 for a Bedrock request that may not pass, or nil. With an AWS key pair, the request must be SigV4-signed
    /// by it (`SigV4Verifier`, refusing with the code botocore expects); with only an API key, it must carry it as
    /// `Authorization: Bearer` (as `AWS_BEARER_TOKEN_BEDROCK` does) or `x-api-key`; with neither, all pass.
    private func bedrockRefusal(_ head: HTTPRequestHead, body: [UInt8]) -> BedrockServer.ErrorResponse? {
        if let verifier = service.verifier {
            let headers = head.headers.map { HTTPHeader($0.name, $0.value) }
            let request = SigV4Request(method: head.method.rawValue, target: head.uri, headers: headers, body: body)
            do throws(SigV4VerificationError) {
                try verifier.verify(request, now: Date().timeIntervalSince1970)
                return nil
            } catch {
                return BedrockServer.ErrorResponse(error)
            }
        }
        guard Self.allows(head.headers, expected: service.options.apiKey) else {
            return .init(status: 403, type: "UnrecognizedClientException",
                         message: "The security token included in the request is invalid.")
        }
        return nil
    }

    /// True when no key is required, or the request's `x-api-key` (or `Authorization: Bearer …`, which the SDK sends
    /// for auth tokens) equals `expected`, compared in the same time wherever the keys differ.
    private static func allows(_ headers: HTTPHeaders, expected: String?) -> Bool {
        guard let expected else { return true }
        if let key = headers.first(name: "x-api-key"), SigV4Verifier.constantTimeEqual(key, expected) { return true }
        guard let authorization = headers.first(name: "authorization"), authorization.hasPrefix("Bearer ") else { return false }
        return SigV4Verifier.constantTimeEqual(String(authorization.dropFirst("Bearer ".count)), expected)
    }

    private func answer(_ request: ServeRequest, bedrock: Bool, requestID: String, keepAlive: Bool,
                        context: ChannelHandlerContext) {
        let responder = service.responder(for: request, bedrock: bedrock, requestID: requestID, keepAlive: keepAlive) {
            [self] _ in
            self.responder = nil
            self.state = .idle
        }
        self.responder = responder
        responder.start(context: context)
    }

    /// Writes a response with a `content-length` body and closes the connection after it unless kept alive.
    private func send(_ status: Int, headers: [(String, String)], body: [UInt8], keepAlive: Bool,
                      context: ChannelHandlerContext) {
        let headers = HTTPHeaders(headers + [("content-length", String(body.count)),
                                             ("connection", keepAlive ? "keep-alive" : "close")])
        let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        if !keepAlive {
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
        state = .idle
    }
}
