/// One way the fault proxy (`FaultProxy`, `turns-fault-proxy`) can spoil an answer. The raw values are the names
/// it logs and `scripts/soak` reads.
///
/// What a `CompletionsClient` (with its default two retries) makes of each, for a streamed answer:
///
/// | kind | client outcome |
/// | --- | --- |
/// | `none`, `byteAtATime`, `splitWrites`, `noise` | the exact answer |
/// | `rateLimited…` | retried; when retries run out `.rateLimit` (exit 4) |
/// | `overloaded…` | retried; then `.overloaded` (Anthropic 529, exit 4) or `.serviceUnavailable` (Bedrock 503, exit 6) |
/// | `resetBeforeHead`, `resetAfterHead` | retried; then `.connection` (exit 5) |
/// | `stallBeforeText` | retried; then `.timeout` (exit 5) |
/// | `resetMidStream` | the text so far, then `.connection` (exit 5) |
/// | `stallMidStream` | the text so far, then `.timeout` (exit 5) |
/// | `errorEvent` | the text so far, then `.overloaded` (SSE `overloaded_error`) or `.rateLimit` (Bedrock `throttlingException`), exit 4 |
/// | `badCRC` | the text so far, then `.malformedResponse` (exit 6) |
///
/// A mid-stream fault fires after at least one text event; when an answer has no text at all it fires before
/// the last event, and then the client retries it like a fault before the text (except `badCRC`, never retried).
public enum FaultKind: String, CaseIterable, Sendable, Hashable {
    /// A normal answer.
    case none
    /// 429: Anthropic `rate_limit_error`, Bedrock `ThrottlingException`; no `retry-after`.
    case rateLimited = "rate-limit"
    /// The same with `retry-after: 1`.
    case rateLimitedRetryAfter = "rate-limit-retry-after"
    /// Anthropic 529 `overloaded_error`, Bedrock 503 `ServiceUnavailableException`; no `retry-after`.
    case overloaded
    /// The same with `retry-after: 1`.
    case overloadedRetryAfter = "overloaded-retry-after"
    /// The connection is reset (TCP RST) before any response byte.
    case resetBeforeHead = "reset-before-head"
    /// The connection is reset right after the response head (and the SSE `ping`).
    case resetAfterHead = "reset-after-head"
    /// The connection is reset after some text (a non-streamed body: halfway through it).
    case resetMidStream = "reset-mid-stream"
    /// Nothing is written for `FaultSettings.stallSeconds` right after the head, then the answer goes on.
    case stallBeforeText = "stall-before-text"
    /// The same after some text (a non-streamed body: halfway through it).
    case stallMidStream = "stall-mid-stream"
    /// Every byte of the body is a write of its own.
    case byteAtATime = "byte-at-a-time"
    /// SSE lines end with CRLF; writes end between each CR and LF and inside UTF-8 characters (event-stream
    /// frames and JSON bodies: inside frames and characters).
    case splitWrites = "split-writes"
    /// Comments, unknown events and extra pings between the SSE events (Bedrock: unknown event types).
    case noise
    /// After some text, an SSE `error` event (`overloaded_error`) or a Bedrock `throttlingException` message,
    /// and the stream ends.
    case errorEvent = "error-event"
    /// After some text, an event-stream frame whose message CRC is wrong, and the stream ends (Bedrock only).
    case badCRC = "bad-crc"

    /// Whether this kind can spoil an answer of `api`, streamed or not.
    public func applies(to api: FaultAPI, stream: Bool) -> Bool {
        // A Messages answer's events are not shaped: its requests are only refused.
        if api == .messages { return isRefusal }
        switch self {
        case .noise, .errorEvent: return stream
        case .badCRC: return stream && api == .bedrock
        default: return true
        }
    }

    /// Refused with an error status instead of an answer.
    public var isRefusal: Bool {
        switch self {
        case .rateLimited, .rateLimitedRetryAfter, .overloaded, .overloadedRetryAfter: return true
        default: return false
        }
    }

    /// Fires after some text was sent (the position is `FaultPlan.textEventsBefore`).
    public var isMidStream: Bool {
        switch self {
        case .resetMidStream, .stallMidStream, .errorEvent, .badCRC: return true
        default: return false
        }
    }

    /// Changes how the answer's bytes travel but not what a client reads from them.
    public var isHarmless: Bool {
        switch self {
        case .none, .byteAtATime, .splitWrites, .noise: return true
        default: return false
        }
    }
}

/// Which API a request came in on.
public enum FaultAPI: String, Sendable, Hashable {
    /// `POST /v1/complete`.
    case anthropic
    /// `POST /v1/messages` (refusals only).
    case messages
    /// `POST /model/{modelId}/invoke[-with-response-stream]`.
    case bedrock
}
