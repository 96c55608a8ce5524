import Foundation
import TurnsHTTP

/// How a `CompletionsClient` reaches its backend, and its limits.
public struct ClientConfiguration: Sendable {
    /// Which API the client speaks.
    public enum Backend: Sendable {
        /// Anthropic's `POST {baseURL}/v1/complete` with an `x-api-key`.
        case anthropic(apiKey: String?, baseURL: String)
        /// Amazon Bedrock Runtime's `POST {endpoint}/model/{modelId}/invoke[-with-response-stream]`,
        /// signed with SigV4 or sent with a bearer token.
        case bedrock(BedrockOptions)
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
    /// Anthropic only: a token sent as `Authorization: Bearer` (the SDK's `auth_token`), with or instead of the key.
    public var authToken: String?
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

    /// Anthropic's API, with the key, token and base URL defaulting from `ANTHROPIC_API_KEY`, `ANTHROPIC_AUTH_TOKEN`
    /// and `ANTHROPIC_BASE_URL`.
    public static func anthropic(apiKey: String? = nil, authToken: String? = nil, baseURL: String? = nil) -> ClientConfiguration {
        let env = ProcessInfo.processInfo.environment
        let base = baseURL ?? env["ANTHROPIC_BASE_URL"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultAnthropicBaseURL
        var configuration = ClientConfiguration(backend: .anthropic(apiKey: apiKey ?? env["ANTHROPIC_API_KEY"], baseURL: base))
        configuration.authToken = authToken ?? env["ANTHROPIC_AUTH_TOKEN"]
        return configuration
    }

    /// Amazon Bedrock, with the region and credentials resolved from the AWS chain (`AWSConfigResolver`:
    /// `region` (the CLI's `--region`), `AWS_REGION`, `AWS_DEFAULT_REGION`, the profile; the environment's
    /// keys, then the profile's; `AWS_BEARER_TOKEN_BEDROCK` as a bearer token instead of SigV4) and the
    /// endpoint from `baseURL`, else `ANTHROPIC_BEDROCK_BASE_URL` (as the Anthropic SDK reads it), else the
    /// region's public endpoint.
    ///
    /// - Throws: `AWSConfigurationError` naming what to set when the region or credentials are missing.
    public static func bedrock(region: String? = nil, baseURL: String? = nil, profile: String? = nil,
                               environment: AWSEnvironment = .current) throws(AWSConfigurationError) -> ClientConfiguration {
        let resolver = AWSConfigResolver(environment: environment)
        let resolvedRegion = try resolver.region(explicit: region, profile: profile)
        let authentication = try resolver.bedrockAuthentication(profile: profile)
        let base = baseURL.flatMap { $0.isEmpty ? nil : $0 } ?? environment.value("ANTHROPIC_BEDROCK_BASE_URL")
        return ClientConfiguration(backend: .bedrock(BedrockOptions(region: resolvedRegion, authentication: authentication,
                                                                    baseURL: base)))
    }
}

// MARK: - Descriptions that never show the key

extension ClientConfiguration: CustomReflectable {
    /// A mirror with the token masked (the backend masks its key), so printing or `dump` never shows either.
    public var customMirror: Mirror {
        Mirror(self, children: ["backend": backend, "maxRetries": maxRetries, "timeout": timeout, "connectTimeout": connectTimeout,
                                "idleTimeout": idleTimeout, "authToken": SecretMask.mask(authToken), "extraHeaders": extraHeaders,
                                "retryPolicy": retryPolicy], displayStyle: .struct)
    }
}

extension ClientConfiguration.Backend: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The backend with its key masked: `anthropic(apiKey: <set>, baseURL: https://api.anthropic.com)`.
    public var description: String {
        switch self {
        case .anthropic(let apiKey, let baseURL):
            return "anthropic(apiKey: \(SecretMask.mask(apiKey)), baseURL: \(baseURL))"
        case .bedrock(let options):
            return "bedrock(\(options))"
        }
    }

    /// The same as `description`, so debug prints never show the key either.
    public var debugDescription: String { description }

    /// A mirror with the key masked, so `dump` and reflection never show it.
    public var customMirror: Mirror {
        switch self {
        case .anthropic(let apiKey, let baseURL):
            return Mirror(self, children: ["apiKey": SecretMask.mask(apiKey), "baseURL": baseURL], displayStyle: .enum)
        case .bedrock(let options):
            return Mirror(self, children: ["bedrock": options], displayStyle: .enum)
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
