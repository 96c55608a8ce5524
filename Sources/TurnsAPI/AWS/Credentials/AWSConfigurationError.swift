/// Why AWS credentials or the region could not be resolved; each message names what to set.
/// No case holds a secret: only variable names, profile names and file paths.
public enum AWSConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No source had credentials for `profile`.
    case noCredentials(profile: String)
    /// One half of a key pair is set without the other (`present` is set, `missing` is not), in `source`.
    case partialCredentials(missing: String, present: String, source: String)
    /// The profile chosen by `chosenBy` (e.g. `AWS_PROFILE`) is in neither file.
    case profileNotFound(profile: String, chosenBy: String, files: [String])
    /// The profile gets its credentials in a way turns does not implement (e.g. `role_arn`, `sso_session`).
    case unsupportedCredentialSource(profile: String, setting: String)
    /// No region was given or configured.
    case noRegion(profile: String, configFile: String)
    /// The region is not a valid region name (letters, digits and hyphens).
    case invalidRegion(String)
    /// A credentials or config file could not be parsed.
    case unreadableFile(path: String, error: INIParseError)

    /// What is wrong and what to set.
    public var description: String {
        switch self {
        case .noCredentials(let profile):
            return "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN "
                + "for temporary credentials), or set AWS_PROFILE to a profile with aws_access_key_id and "
                + "aws_secret_access_key in ~/.aws/credentials (the profile in use is \"\(profile)\"), "
                + "or set AWS_BEARER_TOKEN_BEDROCK to a Bedrock API key"
        case .partialCredentials(let missing, let present, let source):
            return "incomplete AWS credentials in \(source): \(present) is set but \(missing) is not; set both or neither"
        case .profileNotFound(let profile, let chosenBy, let files):
            return "the AWS profile \"\(profile)\" (chosen by \(chosenBy)) is not in \(files.joined(separator: " or ")): "
                + "add a [\(profile)] section with aws_access_key_id and aws_secret_access_key, or change \(chosenBy)"
        case .unsupportedCredentialSource(let profile, let setting):
            return "the AWS profile \"\(profile)\" gets its credentials through \(setting), which turns does not support: "
                + "export static or temporary keys instead (e.g. `eval \"$(aws configure export-credentials "
                + "--profile \(profile) --format env)\"`) or set AWS_BEARER_TOKEN_BEDROCK"
        case .noRegion(let profile, let configFile):
            return "no AWS region: pass --region, set AWS_REGION (or AWS_DEFAULT_REGION), or add `region = us-east-1` "
                + "to the profile \"\(profile)\" in \(configFile)"
        case .invalidRegion(let region):
            return "\"\(region.prefix(64))\" is not an AWS region name (e.g. us-east-1): check --region, AWS_REGION, "
                + "AWS_DEFAULT_REGION and the profile's region"
        case .unreadableFile(let path, let error):
            return "cannot read \(path): \(error.description)"
        }
    }
}
