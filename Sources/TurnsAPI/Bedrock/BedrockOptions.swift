/// How a client reaches Claude on Amazon Bedrock.
public struct BedrockOptions: Sendable, Hashable {
    /// The AWS region, e.g. `us-east-1` (it names the endpoint and the signing scope).
    public var region: String
    /// SigV4 credentials or a bearer token.
    public var authentication: AWSAuthentication
    /// The endpoint to use instead of `https://bedrock-runtime.{region}.amazonaws.com` (tests, private endpoints).
    public var baseURL: String?
    /// The body's `anthropic_version`; nil sends `bedrock-2023-05-31`, as the Anthropic SDK does in every body.
    public var anthropicVersion: String?

    /// The value the Anthropic SDK sends as `anthropic_version` on Bedrock.
    public static let sdkAnthropicVersion = "bedrock-2023-05-31"

    /// Creates options.
    public init(region: String, authentication: AWSAuthentication, baseURL: String? = nil, anthropicVersion: String? = nil) {
        self.region = region
        self.authentication = authentication
        self.baseURL = baseURL
        self.anthropicVersion = anthropicVersion
    }

    /// The public endpoint of a region.
    public static func defaultBaseURL(region: String) -> String { "https://bedrock-runtime.\(region).amazonaws.com" }

    /// The endpoint in use: `baseURL`, else the region's public endpoint.
    public var endpoint: String {
        guard let baseURL, !baseURL.isEmpty else { return Self.defaultBaseURL(region: region) }
        return baseURL
    }
}

extension BedrockOptions: CustomStringConvertible, CustomReflectable {
    /// The options with their secrets masked.
    public var description: String {
        "BedrockOptions(region: \(region), authentication: \(authentication), endpoint: \(endpoint))"
    }

    /// A mirror with the secrets masked.
    public var customMirror: Mirror {
        Mirror(self, children: ["region": region, "authentication": authentication.description, "endpoint": endpoint,
                                "anthropicVersion": anthropicVersion as Any], displayStyle: .struct)
    }
}
