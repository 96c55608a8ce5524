/// An AWS access key pair, with a session token for temporary credentials.
///
/// Printing, dumping or reflecting it never shows the secret or the token, and shows only the last four
/// characters of the access key id (as `aws configure list` does).
public struct AWSCredentials: Sendable, Hashable {
    /// The access key id, e.g. `AKIDEXAMPLE`.
    public var accessKeyID: String
    /// The secret access key.
    public var secretAccessKey: String
    /// The session token of temporary credentials, sent as `X-Amz-Security-Token`.
    public var sessionToken: String?

    /// Creates credentials; an empty session token counts as none.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The secrets to keep out of any message: the secret access key and the session token.
    public var secrets: [String] { [secretAccessKey] + (sessionToken.map { [$0] } ?? []) }

    /// The access key id with all but its last four characters hidden.
    public var maskedAccessKeyID: String {
        guard accessKeyID.count > 4 else { return String(repeating: "*", count: accessKeyID.count) }
        return String(repeating: "*", count: accessKeyID.count - 4) + accessKeyID.suffix(4)
    }
}

extension AWSCredentials: CustomStringConvertible, CustomReflectable {
    /// `AWSCredentials(accessKeyID: *******MPLE, secretAccessKey: <set>, sessionToken: <none>)`.
    public var description: String {
        "AWSCredentials(accessKeyID: \(maskedAccessKeyID), secretAccessKey: \(SecretMask.mask(secretAccessKey)), "
            + "sessionToken: \(SecretMask.mask(sessionToken)))"
    }

    /// A mirror with the secrets masked, so `dump` never shows them.
    public var customMirror: Mirror {
        Mirror(self, children: ["accessKeyID": maskedAccessKeyID, "secretAccessKey": SecretMask.mask(secretAccessKey),
                                "sessionToken": SecretMask.mask(sessionToken)], displayStyle: .struct)
    }
}
