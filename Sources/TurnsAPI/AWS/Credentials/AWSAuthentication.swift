/// How requests to an AWS service prove who sends them.
public enum AWSAuthentication: Sendable, Hashable {
    /// Signature Version 4 with an access key pair.
    case sigV4(AWSCredentials)
    /// `Authorization: Bearer <token>` (Bedrock API keys, `AWS_BEARER_TOKEN_BEDROCK`).
    case bearer(String)

    /// The secrets this authentication sends, to keep out of any message.
    public var secrets: [String] {
        switch self {
        case .sigV4(let credentials): return credentials.secrets
        case .bearer(let token): return [token]
        }
    }
}

extension AWSAuthentication: CustomStringConvertible, CustomReflectable {
    /// `sigV4(AWSCredentials(…masked…))` or `bearer(<set>)`.
    public var description: String {
        switch self {
        case .sigV4(let credentials): return "sigV4(\(credentials))"
        case .bearer(let token): return "bearer(\(SecretMask.mask(token)))"
        }
    }

    /// A mirror with the secrets masked.
    public var customMirror: Mirror {
        switch self {
        case .sigV4(let credentials): return Mirror(self, children: ["sigV4": credentials], displayStyle: .enum)
        case .bearer(let token): return Mirror(self, children: ["bearer": SecretMask.mask(token)], displayStyle: .enum)
        }
    }
}
