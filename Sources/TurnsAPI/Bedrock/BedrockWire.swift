import Foundation
import TurnsHTTP

/// Claude Text Completions on Amazon Bedrock Runtime (PROTOCOL.md C): `POST {base}/model/{modelId}/invoke`
/// for one JSON answer, `…/invoke-with-response-stream` for an event stream, signed with SigV4 (service
/// `bedrock`) or sent with a bearer token.
public struct BedrockWire: Sendable {
    /// The region, credentials and endpoint.
    public var options: BedrockOptions
    /// Extra headers (signed with the rest); one with the name of a standard header replaces it.
    public var extraHeaders: [HTTPHeader]
    /// The clock the signature's `X-Amz-Date` comes from, in seconds since 1970.
    public var now: @Sendable () -> Double

    /// The signing name of Bedrock Runtime (its endpoint prefix is `bedrock-runtime`).
    public static let signingName = "bedrock"

    /// Creates the wire.
    public init(options: BedrockOptions, extraHeaders: [HTTPHeader] = [],
                now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.options = options
        self.extraHeaders = extraHeaders
        self.now = now
    }

    // MARK: - Requests

    /// `{base}/model/{encoded modelId}/invoke` or `…/invoke-with-response-stream`.
    public func url(model: String, stream: Bool) -> String {
        options.endpoint.trimmingTrailingSlashes + Self.path(model: model, stream: stream)
    }

    /// `/model/{encoded modelId}/invoke` or `/model/{encoded modelId}/invoke-with-response-stream`. The model id is
    /// percent-encoded as botocore does (all but `A–Z a–z 0–9 - . _ ~`), so an ARN's `:` and `/` become `%3A` and `%2F`.
    public static func path(model: String, stream: Bool) -> String {
        "/model/\(PercentEncoding.encode(model))/" + (stream ? "invoke-with-response-stream" : "invoke")
    }

    /// The signed HTTP request for `request`.
    ///
    /// - Throws: `APIError` of kind `.invalidRequest` when the endpoint is not an absolute http(s) URL.
    public func makeRequest(_ request: CompletionRequest, stream: Bool,
                            timeouts: HTTPTimeouts = HTTPTimeouts()) throws(APIError) -> HTTPRequest {
        let accept = HTTPHeader(stream ? "X-Amzn-Bedrock-Accept" : "Accept", "application/json")
        let headers = [HTTPHeader("Content-Type", "application/json"), accept].overridden(by: extraHeaders)
        let betas = headers.value(for: "anthropic-beta")?.split(separator: ",").map(String.init)
        let body = try Self.body(request, api: request.api.api(forModel: request.model),
                                 anthropicVersion: options.anthropicVersion, betas: betas)
        var httpRequest = HTTPRequest(method: "POST", url: url(model: request.model, stream: stream), headers: headers,
                                      body: Array(body.utf8), timeouts: timeouts)
        switch options.authentication {
        case .bearer(let token):
            httpRequest.headers.removeAll { $0.name.lowercased() == "authorization" }
            httpRequest.headers.append(HTTPHeader("Authorization", "Bearer \(token)"))
        case .sigV4(let credentials):
            let signer = SigV4Signer(credentials: credentials, region: options.region, service: Self.signingName)
            do throws(SigV4Error) {
                try signer.sign(&httpRequest, at: now())
            } catch {
                throw APIError(kind: .invalidRequest,
                               message: "the Bedrock endpoint \(options.endpoint) is not an absolute http(s) URL")
            }
        }
        return httpRequest
    }

    /// The JSON body (keys sorted). Text Completions: `prompt`, `max_tokens_to_sample` and the optional fields that
    /// are set (`stop_sequences`, `temperature`, `top_k`, `top_p`); Messages: Anthropic's Messages body. Either with
    /// `anthropic_version` (`bedrock-2023-05-31` unless configured) and the `anthropic-beta` header's list as
    /// `anthropic_beta`, as the SDK adds them to every body. No `model` or `stream` (the path says both) and no
    /// `metadata` (Bedrock's body has no such field).
    public static func body(_ request: CompletionRequest, api: AnthropicAPI = .complete, anthropicVersion: String? = nil,
                            betas: [String]? = nil) throws(APIError) -> String {
        try CompletionRequestBody(request, api: api, anthropicVersion: anthropicVersion ?? BedrockOptions.sdkAnthropicVersion,
                                  anthropicBeta: betas).json
    }

    // MARK: - Responses

    /// The completion in a whole 2xx `invoke` body (`{"completion", "stop_reason", "stop"}`, or a message), with the
    /// token counts of the `X-Amzn-Bedrock-Input-Token-Count` / `-Output-Token-Count` headers; unknown keys are ignored.
    ///
    /// - Throws: `APIError` of kind `.malformedResponse` when the body is not a completion object.
    public func decodeCompletion(_ body: [UInt8], headers: [HTTPHeader] = [],
                                 api: AnthropicAPI = .complete) throws(APIError) -> Completion {
        var completion = api == .messages ? try MessageBody.response(body) : try CompletionObject.response(body)
        let counts = ["input", "output"].map { headers.value(for: "x-amzn-bedrock-\($0)-token-count").flatMap { Int($0) } }
        if counts != [nil, nil] {
            completion.usage = TokenUsage(inputTokens: counts[0], outputTokens: counts[1]).updated(by: completion.usage)
        }
        return completion
    }

    /// The error a non-2xx response stands for (see `BedrockErrors.decodeError`).
    public func decodeError(status: Int, headers: [HTTPHeader], body: [UInt8]) -> APIError {
        BedrockErrors.decodeError(status: status, headers: headers, body: body)
    }

    /// The `x-amzn-requestid` header.
    public func requestID(in headers: [HTTPHeader]) -> String? {
        headers.value(for: "x-amzn-requestid")
    }
}

extension BedrockWire: CompletionWire {
    func makeStreamDecoder(api: AnthropicAPI) -> BedrockStreamDecoder { BedrockStreamDecoder(api: api) }

    var secrets: [String] { options.authentication.secrets }
}

extension BedrockWire: CustomStringConvertible, CustomReflectable {
    /// The wire with its secrets masked.
    public var description: String {
        "BedrockWire(\(options), extraHeaders: \(extraHeaders.count))"
    }

    /// A mirror with the secrets masked.
    public var customMirror: Mirror {
        Mirror(self, children: ["options": options, "extraHeaders": extraHeaders])
    }
}
