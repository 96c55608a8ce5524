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
