import TurnsAPI

extension FaultPlan {
    /// The error status `/v1/complete` answers with under a refusal plan (429 `rate_limit_error` or 529
    /// `overloaded_error`, with `retry-after` when the plan says), else nil.
    var anthropicRefusal: ServeError? {
        let headers = retryAfter.map { [("retry-after", $0)] } ?? []
        switch kind {
        case .rateLimited, .rateLimitedRetryAfter:
            return ServeError(status: 429, type: "rate_limit_error",
                              message: "Number of requests has exceeded your rate limit (a fault injected by turns serve --faults)",
                              headers: headers)
        case .overloaded, .overloadedRetryAfter:
            return ServeError(status: 529, type: "overloaded_error",
                              message: "Overloaded (a fault injected by turns serve --faults)", headers: headers)
        default:
            return nil
        }
    }

    /// The error a Bedrock path answers with under a refusal plan (429 `ThrottlingException` or 503
    /// `ServiceUnavailableException`), else nil; add `retryAfter` as a header when set.
    var bedrockRefusal: BedrockServer.ErrorResponse? {
        switch kind {
        case .rateLimited, .rateLimitedRetryAfter:
            return BedrockServer.ErrorResponse(status: 429, type: "ThrottlingException",
                                               message: "Too many requests, please wait before trying again.")
        case .overloaded, .overloadedRetryAfter:
            return BedrockServer.ErrorResponse(status: 503, type: "ServiceUnavailableException",
                                               message: "Bedrock is unable to process your request.")
        default:
            return nil
        }
    }
}
