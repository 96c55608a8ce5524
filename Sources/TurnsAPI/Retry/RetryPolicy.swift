import Foundation
import TurnsHTTP

/// When and how long to wait before retrying a failed request: the official SDK's policy exactly
/// (PROTOCOL.md B.2, `_base_client.py`). How many retries are allowed is `ClientConfiguration.maxRetries`.
///
/// The clock, the random source and the sleep are injectable, so tests run without waiting.
public struct RetryPolicy: Sendable {
    /// The backoff before the first retry, in seconds (the SDK's `INITIAL_RETRY_DELAY`).
    public var initialDelay: Double = 0.5
    /// The longest backoff, in seconds (the SDK's `MAX_RETRY_DELAY`).
    public var maxDelay: Double = 8.0
    /// A server's `retry-after` is honoured only when it is more than 0 and at most this many seconds.
    public var maxRetryAfter: Double = 60
    /// The current time in seconds since 1970, for `retry-after` HTTP-dates.
    public var now: @Sendable () -> Double
    /// A random number in [0, 1), for the jitter.
    public var random: @Sendable () -> Double
    /// Waits the given seconds; throws when the wait is cancelled.
    public var sleep: @Sendable (Double) async throws -> Void

    /// Creates the SDK's policy with the system clock, random source and sleep, or injected ones.
    public init(now: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 },
                random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
                sleep: @escaping @Sendable (Double) async throws -> Void = RetryPolicy.taskSleep) {
        self.now = now
        self.random = random
        self.sleep = sleep
    }

    /// Sleeps with `Task.sleep`, so cancelling the task ends the wait at once.
    public static let taskSleep: @Sendable (Double) async throws -> Void = { seconds in
        guard seconds > 0 else { return }
        try await Task.sleep(nanoseconds: UInt64(min(seconds, 86_400) * 1_000_000_000))
    }

    // MARK: - Whether to retry

    /// Whether a response with this status and these headers is worth retrying: `x-should-retry` decides
    /// first, then 408, 409, 429 and every status >= 500 are retried.
    public func shouldRetry(status: Int, headers: [HTTPHeader]) -> Bool {
        switch headers.value(for: "x-should-retry") {
        case "true": return true
        case "false": return false
        default: break
        }
        return status == 408 || status == 409 || status == 429 || status >= 500
    }

    /// Whether a failure is worth retrying: HTTP failures by `shouldRetry(status:headers:)`, connection
    /// failures and timeouts always, rate limits whatever their status (unless `x-should-retry: false`),
    /// refusals before sending and cancellation never.
    ///
    /// An `error` event inside a 200 stream (status 200) is judged by its kind, as if it were the status
    /// the API would have sent without streaming (e.g. `overloaded_error` as 529).
    public func shouldRetry(_ error: APIError, headers: [HTTPHeader] = []) -> Bool {
        switch error.kind {
        case .connection, .timeout: return true
        case .invalidRequest, .cancelled, .malformedResponse: return false
        case .rateLimit, .modelNotReady:
            // Throttling is worth a retry whatever the status: AWS may send ThrottlingException with 400
            // (botocore's retry rules); 429 and in-stream rate limits are retried either way.
            return headers.value(for: "x-should-retry") != "false"
        default: break
        }
        guard let status = error.status else { return false }
        if status == 200 {
            switch error.kind {
            case .rateLimit, .overloaded, .internalServer, .serviceUnavailable, .conflict, .modelTimeout: return true
            default: return false
            }
        }
        return shouldRetry(status: status, headers: headers)
    }

    // MARK: - How long to wait

    /// Seconds to wait before the next retry, after `retriesTaken` retries (0 before the first).
    ///
    /// A `retry-after-ms` / `retry-after` header wins when it is in (0, `maxRetryAfter`]; otherwise
    /// `min(initialDelay · 2^retriesTaken, maxDelay)` times a jitter in (0.75, 1].
    public func delay(retriesTaken: Int, headers: [HTTPHeader] = []) -> Double {
        if let retryAfter = retryAfter(headers), retryAfter > 0, retryAfter <= maxRetryAfter {
            return retryAfter
        }
        // The exponent is capped, as the SDK does, so huge retry counts cannot overflow.
        let exponent = Double(min(retriesTaken, 1000))
        let backoff = min(initialDelay * pow(2, exponent), maxDelay)
        let jitter = 1 - 0.25 * random()
        return max(backoff * jitter, 0)
    }

    /// The server's requested wait in seconds: `retry-after-ms`, else `retry-after` as seconds (fractions
    /// allowed) or as an HTTP-date relative to `now`. Nil when absent or unreadable.
    public func retryAfter(_ headers: [HTTPHeader]) -> Double? {
        if let text = headers.value(for: "retry-after-ms"), let milliseconds = Self.parseNumber(text) {
            return milliseconds / 1000
        }
        guard let text = headers.value(for: "retry-after") else { return nil }
        if let seconds = Self.parseNumber(text) { return seconds }
        if let date = HTTPDate.parse(text) { return date - now() }
        return nil
    }

    /// A number as Python's `float()` reads it: surrounding white space allowed.
    static func parseNumber(_ text: String) -> Double? {
        Double(text.trimmingCharacters(in: .whitespaces))
    }
}
