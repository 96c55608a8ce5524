/// Resolves AWS credentials and the region the way the AWS tools do, for the sources a CLI should honour
/// (PROTOCOL.md C.8).
///
/// Credentials, first found wins:
/// 1. The environment (unless a profile is passed explicitly, as botocore does): `AWS_ACCESS_KEY_ID`
///    (alias `AWS_ACCESS_KEY`), `AWS_SECRET_ACCESS_KEY` (alias `AWS_SECRET_KEY`), `AWS_SESSION_TOKEN`
///    (alias `AWS_SECURITY_TOKEN`).
/// 2. The profile's `aws_access_key_id` / `aws_secret_access_key` / `aws_session_token` (alias
///    `aws_security_token`) in the shared credentials file (`AWS_SHARED_CREDENTIALS_FILE`, default
///    `~/.aws/credentials`, sections `[name]`).
/// 3. The same keys in the config file (`AWS_CONFIG_FILE`, default `~/.aws/config`, sections
///    `[profile name]` and `[default]`).
///
/// The profile is the one passed explicitly, else `AWS_PROFILE`, else `AWS_DEFAULT_PROFILE`, else
/// `default`. `AWS_PROFILE` wins over `AWS_DEFAULT_PROFILE`, as the AWS CLI v2 and the SDKs other than
/// botocore do (botocore checks them the other way round; PROTOCOL.md C.8).
///
/// The region: the explicit value (the CLI's `--region`), `AWS_REGION`, `AWS_DEFAULT_REGION`, then the
/// profile's `region` (the config file's section, overlaid by the credentials file's, as botocore merges them).
///
/// Profiles that need a credential process, role assumption or SSO are reported as unsupported rather than
/// skipped, so the user is not silently given other credentials than the AWS tools would use.
public struct AWSConfigResolver: Sendable {
    /// Where settings are looked up.
    public var environment: AWSEnvironment

    /// Creates a resolver over an environment (by default this process's).
    public init(environment: AWSEnvironment = .current) {
        self.environment = environment
    }

    // MARK: - Files and profile

    /// The shared credentials file: `AWS_SHARED_CREDENTIALS_FILE` or `~/.aws/credentials`.
    public var credentialsFilePath: String {
        environment.expandingTilde(environment.value("AWS_SHARED_CREDENTIALS_FILE") ?? "~/.aws/credentials")
    }

    /// The config file: `AWS_CONFIG_FILE` or `~/.aws/config`.
    public var configFilePath: String {
        environment.expandingTilde(environment.value("AWS_CONFIG_FILE") ?? "~/.aws/config")
    }

    /// The profile in use and what chose it (`the --profile option`, `AWS_PROFILE`, `AWS_DEFAULT_PROFILE`
    /// or `default`).
    public func profile(explicit: String? = nil) -> (name: String, chosenBy: String) {
        if let explicit, !explicit.isEmpty { return (explicit, "the --profile option") }
        if let chosen = environment.firstValue(["AWS_PROFILE", "AWS_DEFAULT_PROFILE"]) { return (chosen.value, chosen.name) }
        return ("default", "default")
    }

    // MARK: - Credentials

    /// The credentials to sign with, and where they were found (a description without secrets).
    ///
    /// - Parameter profile: a profile named explicitly; then the environment's keys are not used.
    /// - Throws: `AWSConfigurationError` naming what to set.
    public func credentials(profile explicitProfile: String? = nil) throws(AWSConfigurationError) -> AWSResolvedCredentials {
        if explicitProfile == nil, let fromEnvironment = try environmentCredentials() {
            return fromEnvironment
        }
        let (name, chosenBy) = profile(explicit: explicitProfile)
        let files = try profileFiles(name, chosenBy: chosenBy)
        for setting in ["role_arn", "web_identity_token_file", "sso_session", "sso_start_url"]
            where files.merged[setting] != nil {
            throw .unsupportedCredentialSource(profile: name, setting: setting)
        }
        if let section = files.credentials,
           let found = try staticCredentials(section, source: "\(credentialsFilePath) [\(name)]") {
            return found
        }
        if let section = files.config,
           let found = try staticCredentials(section, source: "\(configFilePath) [\(Self.configSectionName(name))]") {
            return found
        }
        if files.merged["credential_process"] != nil {
            throw .unsupportedCredentialSource(profile: name, setting: "credential_process")
        }
        throw .noCredentials(profile: name)
    }

    /// The key pair from the environment, nil when neither half is set.
    private func environmentCredentials() throws(AWSConfigurationError) -> AWSResolvedCredentials? {
        let key = environment.firstValue(["AWS_ACCESS_KEY_ID", "AWS_ACCESS_KEY"])
        let secret = environment.firstValue(["AWS_SECRET_ACCESS_KEY", "AWS_SECRET_KEY"])
        switch (key, secret) {
        case (nil, nil):
            return nil
        case (let key?, nil):
            throw .partialCredentials(missing: "AWS_SECRET_ACCESS_KEY", present: key.name, source: "the environment")
        case (nil, let secret?):
            throw .partialCredentials(missing: "AWS_ACCESS_KEY_ID", present: secret.name, source: "the environment")
        case (let key?, let secret?):
            let token = environment.firstValue(["AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"])
            return AWSResolvedCredentials(
                credentials: AWSCredentials(accessKeyID: key.value, secretAccessKey: secret.value, sessionToken: token?.value),
                source: "the environment (\(key.name))")
        }
    }

    /// The key pair in one file's profile section, nil when neither half is there.
    private func staticCredentials(_ section: [String: String], source: String) throws(AWSConfigurationError)
        -> AWSResolvedCredentials? {
        let key = section["aws_access_key_id"].flatMap { $0.isEmpty ? nil : $0 }
        let secret = section["aws_secret_access_key"].flatMap { $0.isEmpty ? nil : $0 }
        switch (key, secret) {
        case (nil, nil):
            return nil
        case (_?, nil):
            throw .partialCredentials(missing: "aws_secret_access_key", present: "aws_access_key_id", source: source)
        case (nil, _?):
            throw .partialCredentials(missing: "aws_access_key_id", present: "aws_secret_access_key", source: source)
        case (let key?, let secret?):
            let token = section["aws_session_token"] ?? section["aws_security_token"]
            return AWSResolvedCredentials(
                credentials: AWSCredentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token),
                source: source)
        }
    }

    // MARK: - Region

    /// The region: `explicit`, `AWS_REGION`, `AWS_DEFAULT_REGION`, then the profile's `region`.
    ///
    /// - Throws: `AWSConfigurationError.noRegion` naming what to set, or `.invalidRegion`.
    public func region(explicit: String? = nil, profile explicitProfile: String? = nil) throws(AWSConfigurationError) -> String {
        let region: String
        if let explicit, !explicit.isEmpty {
            region = explicit
        } else if let fromEnvironment = environment.firstValue(["AWS_REGION", "AWS_DEFAULT_REGION"]) {
            region = fromEnvironment.value
        } else {
            let (name, chosenBy) = profile(explicit: explicitProfile)
            guard let fromProfile = try profileFiles(name, chosenBy: chosenBy).merged["region"], !fromProfile.isEmpty else {
                throw .noRegion(profile: name, configFile: configFilePath)
            }
            region = fromProfile
        }
        guard Self.isValidRegion(region) else { throw .invalidRegion(region) }
        return region
    }

    /// True for a DNS label: letters, digits and inner hyphens, at most 63 characters.
    public static func isValidRegion(_ region: String) -> Bool {
        (1...63).contains(region.utf8.count) && !region.hasPrefix("-") && !region.hasSuffix("-")
            && region.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }

    // MARK: - Bedrock

    /// How to authenticate to Bedrock: `AWS_BEARER_TOKEN_BEDROCK` as a bearer token when set (as the
    /// Anthropic SDK and botocore prefer it), else SigV4 with `credentials(profile:)`.
    public func bedrockAuthentication(profile: String? = nil) throws(AWSConfigurationError) -> AWSAuthentication {
        if let token = environment.value("AWS_BEARER_TOKEN_BEDROCK") { return .bearer(token) }
        return .sigV4(try credentials(profile: profile).credentials)
    }

    // MARK: - Reading the files

    /// A profile's sections in both files (nil when absent) and their merge (credentials file on top).
    private func profileFiles(_ name: String, chosenBy: String) throws(AWSConfigurationError)
        -> (credentials: [String: String]?, config: [String: String]?, merged: [String: String]) {
        let credentialsSection = try load(credentialsFilePath)?.sections[name]
        let configSection = try load(configFilePath).flatMap { Self.configSection(name, in: $0) }
        if credentialsSection == nil, configSection == nil, chosenBy != "default" {
            throw .profileNotFound(profile: name, chosenBy: chosenBy, files: [credentialsFilePath, configFilePath])
        }
        let merged = (configSection ?? [:]).merging(credentialsSection ?? [:]) { _, fromCredentials in fromCredentials }
        return (credentialsSection, configSection, merged)
    }

    /// The config file's section for a profile: `[profile name]`, or for `default` `[default]` over `[profile default]`.
    static func configSection(_ name: String, in file: INIFile) -> [String: String]? {
        var found: [String: String]?
        for (header, settings) in file.sections {
            guard header.hasPrefix("profile"), let space = header.dropFirst(7).first, space == " " || space == "\t",
                  header.dropFirst(7).trimmingSpaces == name else { continue }
            found = (found ?? [:]).merging(settings) { _, new in new }
        }
        if name == "default", let plain = file.sections["default"] {
            found = (found ?? [:]).merging(plain) { _, plain in plain }
        }
        return found
    }

    /// The section header a profile has in the config file.
    static func configSectionName(_ name: String) -> String { name == "default" ? "default" : "profile \(name)" }

    /// The parsed file at `path`, or nil when it does not exist.
    private func load(_ path: String) throws(AWSConfigurationError) -> INIFile? {
        guard let bytes = environment.readFile(path) else { return nil }
        do throws(INIParseError) {
            return try INIFile.parse(String(decoding: bytes, as: UTF8.self))
        } catch {
            throw .unreadableFile(path: path, error: error)
        }
    }
}

/// Credentials and where they came from.
public struct AWSResolvedCredentials: Sendable, Hashable, CustomStringConvertible {
    /// The credentials.
    public var credentials: AWSCredentials
    /// Where they were found, e.g. `the environment (AWS_ACCESS_KEY_ID)` or `/home/me/.aws/credentials [work]`.
    public var source: String

    /// Creates a resolved credential.
    public init(credentials: AWSCredentials, source: String) {
        self.credentials = credentials
        self.source = source
    }

    /// The masked credentials and their source.
    public var description: String { "\(credentials) from \(source)" }
}
