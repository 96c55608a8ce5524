/// A failed request, as a typed value: what kind, and everything the server said about it.
///
/// Kinds map one to one onto the official SDK's exception classes (see `Kind` and `Kind.sdkClassName`);
/// where Python catches a class, Swift switches on the kind:
///
/// ```swift
/// do {
///     let completion = try await client.create(model: "claude-2.1", prompt: prompt, maxTokensToSample: 300)
///     print(completion.completion)
/// } catch where error.kind == .rateLimit {
///     print("rate limited; request \(error.requestID ?? "-")")
/// } catch {
///     switch error.kind {
///     case .authentication, .permissionDenied: print("check the key: \(error.message)")
///     case .connection, .timeout: print("network: \(error.message)")
///     default: print("\(error.status.map(String.init) ?? "-") \(error.errorType ?? "-"): \(error.message)")
///     }
/// }
/// ```
public struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// 400 `invalid_request_error` (SDK `BadRequestError`).
        case badRequest
        /// 401 `authentication_error` (`AuthenticationError`).
        case authentication
        /// 403 `permission_error` (`PermissionDeniedError`).
        case permissionDenied
        /// 404 `not_found_error` (`NotFoundError`).
        case notFound
        /// 409 (`ConflictError`).
        case conflict
        /// 413 `request_too_large` (`RequestTooLargeError`).
        case requestTooLarge
        /// 422 (`UnprocessableEntityError`).
        case unprocessableEntity
        /// 429 `rate_limit_error` (`RateLimitError`).
        case rateLimit
        /// 529 `overloaded_error` (`OverloadedError`).
        case overloaded
        /// 503 on Bedrock (`ServiceUnavailableError`; the first-party client makes a 503 `InternalServerError`).
        case serviceUnavailable
        /// Bedrock's 400 `ServiceQuotaExceededException` (`BadRequestError`).
        case serviceQuotaExceeded
        /// Bedrock's 429 `ModelNotReadyException`, retried (`RateLimitError`).
        case modelNotReady
        /// Bedrock's 424 `ModelErrorException` (`APIStatusError`).
        case modelError
        /// Bedrock's 408 `ModelTimeoutException` (`APIStatusError`: the SDK's Bedrock client has no class for 408).
        case modelTimeout
        /// Any other status >= 500, `api_error` (`InternalServerError`).
        case internalServer
        /// Any other status, or an `error` event inside a 200 stream with an unknown type (`APIStatusError`).
        case apiStatus
        /// The server could not be reached or the connection broke (`APIConnectionError`).
        case connection
        /// A connect, idle or overall timeout (`APITimeoutError`).
        case timeout
        /// The response could not be understood (`APIResponseValidationError`).
        case malformedResponse
        /// The request was refused before sending: an invalid setting or prompt.
        case invalidRequest
        /// The request was cancelled by the caller.
        case cancelled

        /// The official Python SDK's exception class for this kind, e.g. `"AuthenticationError"`; nil for
        /// `.invalidRequest` (the SDK refuses bad arguments with Python's own errors) and `.cancelled`.
        ///
        /// One difference is deliberate: for an `error` event inside a 200 stream the SDK raises a plain
        /// `APIStatusError`, while the kind here follows the event's `error.type` (e.g. `overloaded_error`
        /// is `.overloaded`), as that type would be sent as a status without streaming.
        public var sdkClassName: String? {
            switch self {
            case .badRequest, .serviceQuotaExceeded: return "BadRequestError"
            case .authentication: return "AuthenticationError"
            case .permissionDenied: return "PermissionDeniedError"
            case .notFound: return "NotFoundError"
            case .conflict: return "ConflictError"
            case .requestTooLarge: return "RequestTooLargeError"
            case .unprocessableEntity: return "UnprocessableEntityError"
            case .rateLimit, .modelNotReady: return "RateLimitError"
            case .overloaded: return "OverloadedError"
            case .serviceUnavailable: return "ServiceUnavailableError"
            case .internalServer: return "InternalServerError"
            case .apiStatus, .modelError, .modelTimeout: return "APIStatusError"
            case .connection: return "APIConnectionError"
            case .timeout: return "APITimeoutError"
            case .malformedResponse: return "APIResponseValidationError"
            case .invalidRequest, .cancelled: return nil
            }
        }
    }

    /// The kind of failure.
    public var kind: Kind
    /// The HTTP status, when there was a response (200 for an error event inside a stream).
    public var status: Int?
    /// The `request-id` response header, when the server sent one.
    public var requestID: String?
    /// The server's `error.type` (e.g. `"overloaded_error"`), when it sent one.
    public var errorType: String?
    /// The server's message, or a description of the local failure.
    public var message: String

    /// Creates an error.
    public init(kind: Kind, status: Int? = nil, requestID: String? = nil, errorType: String? = nil, message: String) {
        self.kind = kind
        self.status = status
        self.requestID = requestID
        self.errorType = errorType
        self.message = message
    }

    /// True when the server answered with an error: a status outside 2xx, or an `error` event inside a
    /// stream (status 200). The SDK's `APIStatusError` and its subclasses.
    public var isStatusError: Bool {
        switch kind {
        case .malformedResponse, .invalidRequest, .cancelled: return false
        default: return status != nil
        }
    }

    /// True when no answer came back, or it broke off: the connection failed or timed out. The SDK's
    /// `APIConnectionError` (of which `APITimeoutError` is a subclass).
    public var isConnectionError: Bool {
        (kind == .connection || kind == .timeout) && !isStatusError
    }

    /// The kind for an HTTP status outside 2xx, as the SDK's first-party or Bedrock client maps it.
    public static func kind(forStatus status: Int, bedrock: Bool = false) -> Kind {
        switch status {
        case 400: return .badRequest
        case 401: return .authentication
        case 403: return .permissionDenied
        case 404: return .notFound
        case 409: return .conflict
        case 413 where !bedrock: return .requestTooLarge
        case 422: return .unprocessableEntity
        case 429: return .rateLimit
        case 529 where !bedrock: return .overloaded
        case 503 where bedrock: return .serviceUnavailable
        case 500...: return .internalServer
        default: return .apiStatus
        }
    }

    /// The kind for an `error.type` sent inside a stream, where the HTTP status (200) says nothing.
    public static func kind(forErrorType type: String) -> Kind {
        switch type {
        case "invalid_request_error": return .badRequest
        case "authentication_error": return .authentication
        case "permission_error": return .permissionDenied
        case "not_found_error": return .notFound
        case "request_too_large": return .requestTooLarge
        case "rate_limit_error": return .rateLimit
        case "overloaded_error": return .overloaded
        case "api_error": return .internalServer
        case "timeout_error": return .timeout
        default: return .apiStatus
        }
    }

    /// What the user can do about it, in one line: the message, the status and the request id.
    public var description: String {
        var parts = [summary]
        if !message.isEmpty && message != summary { parts.append(message) }
        var line = parts.joined(separator: ": ")
        var details: [String] = []
        if let status, status != 200 { details.append("HTTP \(status)") }
        if let errorType { details.append(errorType) }
        if let requestID { details.append("request \(requestID)") }
        if !details.isEmpty { line += " (" + details.joined(separator: ", ") + ")" }
        if let hint { line += ". " + hint }
        return line
    }

    /// A short name of the failure.
    public var summary: String {
        switch kind {
        case .badRequest: return "bad request"
        case .authentication: return "authentication failed"
        case .permissionDenied: return "permission denied"
        case .notFound: return "not found"
        case .conflict: return "conflict"
        case .requestTooLarge: return "request too large"
        case .unprocessableEntity: return "unprocessable request"
        case .rateLimit: return "rate limited"
        case .overloaded: return "the API is overloaded"
        case .serviceUnavailable: return "service unavailable"
        case .serviceQuotaExceeded: return "service quota exceeded"
        case .modelNotReady: return "the model is not ready"
        case .modelError: return "the model failed"
        case .modelTimeout: return "the model took too long"
        case .internalServer: return "server error"
        case .apiStatus: return "API error"
        case .connection: return "connection failed"
        case .timeout: return "timed out"
        case .malformedResponse: return "malformed response"
        case .invalidRequest: return "invalid request"
        case .cancelled: return "cancelled"
        }
    }

    /// Advice for the kinds where there is something to do.
    public var hint: String? {
        switch kind {
        case .authentication: return "Check ANTHROPIC_API_KEY or ANTHROPIC_AUTH_TOKEN (or api_key or auth_token in the config file)"
        case .permissionDenied: return "Check that your key may use this model"
        case .rateLimit, .overloaded, .serviceUnavailable, .modelNotReady: return "Wait a moment and try again"
        case .connection: return "Check the network and the base URL"
        case .timeout, .modelTimeout: return "The server may be busy; try again"
        default: return nil
        }
    }

    /// The process exit code for this failure: 2 usage, 3 authentication, 4 rate/overload/unavailable, 5 network, 6 other,
    /// 130 interrupted.
    public var exitCode: Int32 {
        switch kind {
        case .invalidRequest: return 2
        case .authentication, .permissionDenied: return 3
        // A 503 or 529 is the service saying it is overloaded for now, whichever class the SDK gives it.
        case .rateLimit, .overloaded, .serviceUnavailable, .serviceQuotaExceeded, .modelNotReady: return 4
        case .internalServer where status == 503 || status == 529: return 4
        case .connection, .timeout, .modelTimeout: return 5
        case .cancelled: return 130
        default: return 6
        }
    }
}
