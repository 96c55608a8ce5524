import Foundation
import TurnsHTTP

/// How a `CompletionsClient` reaches its backend, and its limits.
public struct ClientConfiguration: Sendable {
    /// Which API the client speaks.
    public enum Backend: Sendable {
        /// Anthropic's `POST {baseURL}/v1/complete` with an `x-api-key`.
        case anthropic(apiKey: String?, baseURL: String)
    }

    /// Which API the client speaks.
    public var backend: Backend
    /// How many times a failed request is retried (the SDK's default: 2, so at most 3 attempts).
    public var maxRetries: Int = 2
    /// Seconds allowed for a whole request (the SDK's default for completions: 600).
    public var timeout: Double = 600
    /// Seconds allowed to connect.
    public var connectTimeout: Double = 5
    /// Seconds of silence allowed while a response streams.
    public var idleTimeout: Double = 60
    /// Extra headers sent with every request (e.g. `anthropic-beta`).
    public var extraHeaders: [HTTPHeader] = []
    /// When to retry and how long to wait first (the SDK's policy; tests inject a clock and a sleep).
    public var retryPolicy = RetryPolicy()

    /// The default Anthropic endpoint.
    public static let defaultAnthropicBaseURL = "https://api.anthropic.com"

    /// Creates a configuration for a backend.
    public init(backend: Backend) {
        self.backend = backend
    }

    /// Anthropic's API, with the key and base URL defaulting from `ANTHROPIC_API_KEY` / `ANTHROPIC_BASE_URL`.
    public static func anthropic(apiKey: String? = nil, baseURL: String? = nil) -> ClientConfiguration {
        let env = ProcessInfo.processInfo.environment
        let key = apiKey ?? env["ANTHROPIC_API_KEY"]
        let base = baseURL ?? env["ANTHROPIC_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultAnthropicBaseURL
        return ClientConfiguration(backend: .anthropic(apiKey: key, baseURL: base))
    }
}

// MARK: - Descriptions that never show the key

extension ClientConfiguration.Backend: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The backend with its key masked: `anthropic(apiKey: <set>, baseURL: https://api.anthropic.com)`.
    public var description: String {
        switch self {
        case .anthropic(let apiKey, let baseURL):
            return "anthropic(apiKey: \(SecretMask.mask(apiKey)), baseURL: \(baseURL))"
        }
    }

    /// The same as `description`, so debug prints never show the key either.
    public var debugDescription: String { description }

    /// A mirror with the key masked, so `dump` and reflection never show it.
    public var customMirror: Mirror {
        switch self {
        case .anthropic(let apiKey, let baseURL):
            return Mirror(self, children: ["apiKey": SecretMask.mask(apiKey), "baseURL": baseURL], displayStyle: .enum)
        }
    }
}

/// How secrets are shown when a value holding one is printed.
enum SecretMask {
    /// `<set>` or `<none>`, never the secret.
    static func mask(_ secret: String?) -> String {
        guard let secret, !secret.isEmpty else { return "<none>" }
        return "<set>"
    }
}
