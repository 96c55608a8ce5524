import Foundation
import TurnsServe

/// An error answer the proxy sends itself instead of forwarding the request.
struct FaultRefusal {
    /// The HTTP status.
    var status: Int
    /// The response headers, besides `content-length` and `connection`.
    var headers: [(String, String)]
    /// The JSON body.
    var body: [UInt8]

    /// The refusal `plan` asks for on `api`: 429 `rate_limit_error` or 529 `overloaded_error` on `/v1/complete` and `/v1/messages`,
    /// 429 `ThrottlingException` or 503 `ServiceUnavailableException` on Bedrock, with `retry-after` when the
    /// plan says; nil when the plan is not a refusal.
    init?(plan: FaultPlan, api: FaultAPI, requestID: String) {
        let limited: Bool
        switch plan.kind {
        case .rateLimited, .rateLimitedRetryAfter: limited = true
        case .overloaded, .overloadedRetryAfter: limited = false
        default: return nil
        }
        let retryAfter = plan.retryAfter.map { [("retry-after", $0)] } ?? []
        switch api {
        case .anthropic, .messages:
            let (type, message) = limited
                ? ("rate_limit_error", "Number of requests has exceeded your rate limit (a fault injected by turns-fault-proxy)")
                : ("overloaded_error", "Overloaded (a fault injected by turns-fault-proxy)")
            status = limited ? 429 : 529
            headers = [("content-type", "application/json"), ("request-id", requestID)] + retryAfter
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            body = Array((try? encoder.encode(ErrorBody(error: .init(type: type, message: message),
                                                        requestID: requestID))) ?? Data())
        case .bedrock:
            let answer = limited
                ? BedrockServer.ErrorResponse(status: 429, type: "ThrottlingException",
                                              message: "Too many requests, please wait before trying again.")
                : BedrockServer.ErrorResponse(status: 503, type: "ServiceUnavailableException",
                                              message: "Bedrock is unable to process your request.")
            status = answer.status
            headers = answer.headers.map { ($0.name, $0.value) } + [("x-amzn-RequestId", requestID)] + retryAfter
            body = answer.body
        }
    }

    /// A refusal with `status` alone: on the Anthropic paths the API's error body with the type the docs give that
    /// status (`api_error` for any other), on Bedrock `{"message"}` with no `x-amzn-ErrorType`, so that only the status
    /// can decide the client's error class.
    init(status: Int, api: FaultAPI, requestID: String) {
        self.status = status
        let message = "a status \(status) forced by turns-fault-proxy"
        guard api != .bedrock else {
            headers = [("content-type", "application/json"), ("x-amzn-RequestId", requestID)]
            body = Array(#"{"message":"\#(message)"}"#.utf8)
            return
        }
        let types = [400: "invalid_request_error", 401: "authentication_error", 402: "billing_error", 403: "permission_error",
                     404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error", 504: "timeout_error",
                     529: "overloaded_error"]
        headers = [("content-type", "application/json"), ("request-id", requestID)]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        body = Array((try? encoder.encode(ErrorBody(error: .init(type: types[status] ?? "api_error", message: message),
                                                    requestID: requestID))) ?? Data())
    }

    /// The Text Completions API's error body.
    private struct ErrorBody: Encodable {
        struct Detail: Encodable {
            var type: String
            var message: String
        }

        var type = "error"
        var error: Detail
        var requestID: String

        private enum CodingKeys: String, CodingKey {
            case type, error, requestID = "request_id"
        }
    }
}
