import TurnsHTTP

/// Anthropic's `POST {baseURL}/v1/complete` and `POST {baseURL}/v1/messages` wire (PROTOCOL.md A and E): the
/// request with its headers and JSON body, the JSON answer, and the error bodies.
public struct AnthropicWire: Sendable {
    /// The API key sent as `x-api-key`; nil or empty when none is configured.
    public var apiKey: String?
    /// The token sent as `Authorization: Bearer` (the SDK's `auth_token`); nil or empty when none is configured.
    public var authToken: String?
    /// The base URL, e.g. `https://api.anthropic.com` (a trailing slash is allowed).
    public var baseURL: String
    /// Extra headers; one with the name of a standard header replaces it.
    public var extraHeaders: [HTTPHeader]

    /// The only API version this client speaks (its streaming format is what the decoder reads).
    public static let apiVersion = "2023-06-01"

    /// Creates the wire for a key or token (either suffices) and base URL.
    public init(apiKey: String?, authToken: String? = nil, baseURL: String, extraHeaders: [HTTPHeader] = []) {
        self.apiKey = apiKey
        self.authToken = authToken
        self.baseURL = baseURL
        self.extraHeaders = extraHeaders
    }

    /// The endpoint of `api`: the base URL without trailing slashes, then `/v1/complete` or `/v1/messages`.
    public func url(_ api: AnthropicAPI = .complete) -> String {
        baseURL.trimmingTrailingSlashes + (api == .messages ? "/v1/messages" : "/v1/complete")
    }

    /// The HTTP request for `request`, to the API its `api` choice picks for its model: with `"stream": true` in
    /// the body when `stream` is set.
    ///
    /// - Throws: `APIError` of kind `.authentication` when no API key is configured, `.invalidRequest` when a
    ///   Messages request's prompt cannot be mapped to messages.
    public func makeRequest(_ request: CompletionRequest, stream: Bool,
                            timeouts: HTTPTimeouts = HTTPTimeouts()) throws(APIError) -> HTTPRequest {
        let api = request.api.api(forModel: request.model)
        return HTTPRequest(method: "POST", url: url(api), headers: try headers(),
                           body: Array(try Self.body(request, api: api, stream: stream).utf8), timeouts: timeouts)
    }

    /// `GET /v1/models`, one page of up to `limit` models after the one with id `afterID`.
    func makeModelsRequest(afterID: String?, limit: Int, timeouts: HTTPTimeouts) throws(APIError) -> HTTPRequest {
        let after = afterID.map { "&after_id=" + PercentEncoding.encode($0) } ?? ""
        return HTTPRequest(method: "GET", url: baseURL.trimmingTrailingSlashes + "/v1/models?limit=\(limit)" + after,
                           headers: try headers().filter { $0.name != "content-type" }, timeouts: timeouts)
    }

    /// The headers of every request: the key and the token (each when set, as the SDK's `auth_headers`), the API
    /// version, JSON both ways, then the extra headers (one named like a standard header replaces it).
    private func headers() throws(APIError) -> [HTTPHeader] {
        var credentials: [HTTPHeader] = []
        if let apiKey, !apiKey.isEmpty { credentials.append(HTTPHeader("x-api-key", apiKey)) }
        if let authToken, !authToken.isEmpty { credentials.append(HTTPHeader("Authorization", "Bearer \(authToken)")) }
        guard !credentials.isEmpty else {
            throw APIError(kind: .authentication, message:
                "no API key: set ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN, or pass apiKey or authToken to the client")
        }
        return credentials + [
            HTTPHeader("anthropic-version", Self.apiVersion),
            HTTPHeader("content-type", "application/json"),
            HTTPHeader("accept", "application/json"),
        ].overridden(by: extraHeaders)
    }

    /// The JSON body (keys sorted). Text Completions: `model`, `prompt`, `max_tokens_to_sample`, the optional fields
    /// that are set, and `"stream": true` when streaming; Messages: the same with `max_tokens`, and the prompt as
    /// `system` and `messages`.
    public static func body(_ request: CompletionRequest, api: AnthropicAPI = .complete, stream: Bool) throws(APIError) -> String {
        try CompletionRequestBody(request, api: api, model: request.model, userID: request.userID, stream: stream).json
    }

    /// The completion in a whole 2xx response body of `api`; unknown keys are ignored.
    ///
    /// - Throws: `APIError` of kind `.malformedResponse` when the body is not a completion (or message) object.
    public func decodeCompletion(_ body: [UInt8], headers: [HTTPHeader] = [],
                                 api: AnthropicAPI = .complete) throws(APIError) -> Completion {
        api == .messages ? try MessageBody.response(body) : try CompletionObject.response(body)
    }

    /// The error a non-2xx response stands for: the kind from the status (as the SDK maps it), the
    /// `request-id` header, and `error.type` / `error.message` from the JSON body, or else the body's
    /// text, tidied (413s come from a proxy and may be HTML).
    public func decodeError(status: Int, headers: [HTTPHeader], body: [UInt8]) -> APIError {
        let details = ErrorBody(body)
        return APIError(kind: APIError.kind(forStatus: status), status: status,
                        requestID: requestID(in: headers), errorType: details.type, message: details.message)
    }

    /// The `request-id` header.
    public func requestID(in headers: [HTTPHeader]) -> String? {
        headers.value(for: "request-id")
    }
}

extension AnthropicWire: CompletionWire {
    func makeStreamDecoder(api: AnthropicAPI) -> CompletionStreamParser { CompletionStreamParser(api: api) }

    var secrets: [String] { [apiKey, authToken].compactMap { $0 } }
}

extension AnthropicWire: CustomStringConvertible, CustomReflectable {
    /// The wire with its key masked.
    public var description: String {
        "AnthropicWire(apiKey: \(SecretMask.mask(apiKey)), authToken: \(SecretMask.mask(authToken)), baseURL: \(baseURL), "
            + "extraHeaders: \(extraHeaders.count))"
    }

    /// A mirror with the key masked, so `dump` and reflection never show it.
    public var customMirror: Mirror {
        Mirror(self, children: ["apiKey": SecretMask.mask(apiKey), "authToken": SecretMask.mask(authToken), "baseURL": baseURL,
                                "extraHeaders": extraHeaders])
    }
}
