import TurnsAPI

/// Where the current request is, as the status bar shows it.
public enum RequestState: Sendable, Equatable {
    /// No request yet, or ready for the next message.
    case idle
    /// Sent; no answer yet.
    case waiting
    /// Text is arriving, at this many streamed pieces per second (nil until measurable).
    case streaming(tokensPerSecond: Double?)
    /// An attempt failed; the next one goes out in `seconds` (attempt `attempt` of `maxAttempts`).
    case retrying(seconds: Int, attempt: Int, maxAttempts: Int)
    /// The answer is complete, with the server's stop reason and the tokens it counted, if it did.
    case done(stopReason: String?, usage: TokenUsage? = nil)
    /// The user cancelled the answer; the partial text is kept.
    case interrupted
    /// The request failed; the message says what to do.
    case failed(String)

    /// True while a request is under way (waiting, streaming or retrying).
    public var isBusy: Bool {
        switch self {
        case .waiting, .streaming, .retrying: return true
        default: return false
        }
    }

    /// The state in a few words: "streaming 42 tok/s", "retrying in 3s (attempt 2/4)", "done: max_tokens".
    public var summary: String {
        switch self {
        case .idle: return "ready"
        case .waiting: return "waiting…"
        case .streaming(let rate):
            guard let rate, rate.isFinite else { return "streaming" }
            return "streaming \(Int(rate.rounded())) tok/s"
        case .retrying(let seconds, let attempt, let maxAttempts):
            return "retrying in \(seconds)s (attempt \(attempt)/\(maxAttempts))"
        case .done(let reason, let usage):
            var text = reason.map { "done: \($0)" } ?? "done"
            if let usage, let input = usage.inputTokens {
                text += " · \(input) in, \(usage.outputTokens.map(String.init) ?? "?") out"
            }
            return text
        case .interrupted: return "interrupted"
        case .failed(let message): return "error: " + message
        }
    }
}
