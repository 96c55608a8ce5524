/// What a request reports as it goes: the response starting, retries, and the answer.
public enum CompletionEvent: Sendable, Hashable {
    /// The server accepted the request (a 2xx response head arrived).
    case responseStarted(ResponseInfo)
    /// An attempt failed and will be retried after `delay` seconds.
    case retrying(RetryNotice)
    /// New text of a streamed answer, one per network read (the last one carries the stop reason).
    case delta(CompletionDelta)
    /// The whole answer of a request sent without streaming.
    case completion(Completion)
}

/// What the response head said.
public struct ResponseInfo: Sendable, Hashable {
    /// The HTTP status.
    public var status: Int
    /// The `request-id` (or `x-amzn-requestid`) header, when present.
    public var requestID: String?
}

/// A retry about to happen.
public struct RetryNotice: Sendable, Hashable {
    /// Which retry this is, from 1.
    public var attempt: Int
    /// How many retries are allowed in all.
    public var maxRetries: Int
    /// Seconds until the retry is sent.
    public var delay: Double
    /// The failure being retried.
    public var error: APIError
}
