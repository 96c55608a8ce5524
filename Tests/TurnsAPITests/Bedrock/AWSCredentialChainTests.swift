import Foundation
import TurnsAPI
import XCTest

/// The credential and region chain (PROTOCOL.md C.8) over temporary `~/.aws` files and environment variables.
final class AWSCredentialChainTests: XCTestCase {
    private var home: String!

    override func setUpWithError() throws {
        home = FileManager.default.temporaryDirectory.appendingPathComponent("turns-aws-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home + "/.aws", withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: home)
    }

    private func write(_ relativePath: String, _ text: String) throws {
        let path = home + "/" + relativePath
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    private func resolver(_ variables: [String: String] = [:]) -> AWSConfigResolver {
        AWSConfigResolver(environment: AWSEnvironment(variables: variables.merging(["HOME": home]) { given, _ in given }))
    }

    private func credentialError(_ variables: [String: String] = [:], profile: String? = nil) -> AWSConfigurationError? {
        do {
            _ = try resolver(variables).credentials(profile: profile)
            return nil
        } catch {
            return error
        }
    }

    private func regionError(_ variables: [String: String] = [:], explicit: String? = nil) -> AWSConfigurationError? {
        do {
            _ = try resolver(variables).region(explicit: explicit)
            return nil
        } catch {
            return error
        }
    }

    private let credentialsFile = """
        # personal keys
        [default]
        aws_access_key_id = AKIDDEFAULT
        aws_secret_access_key = default-secret-0123456789

        [work]
        aws_access_key_id=AKIDWORK
        aws_secret_access_key=work-secret-0123456789
        aws_session_token=work-token-0123456789
        """

    private let configFile = """
        [default]
        region = eu-west-1

        [profile work]
        region = us-west-2
        output = json

        [profile cfgonly]
        aws_access_key_id = AKIDCONFIG
        aws_secret_access_key = config-secret-0123456789
        aws_security_token = config-token-0123456789
        region = ap-south-1
        s3 =
          max_concurrent_requests = 10
        """

    // MARK: - The environment

    func testEnvironmentKeysComeFirst() throws {
        try write(".aws/credentials", credentialsFile)
        let resolved = try resolver(["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret-0123456789",
                                     "AWS_SESSION_TOKEN": "env-token-0123456789", "AWS_PROFILE": "work"]).credentials()
        XCTAssertEqual(resolved.credentials, AWSCredentials(accessKeyID: "AKIDENV", secretAccessKey: "env-secret-0123456789",
                                                           sessionToken: "env-token-0123456789"))
        XCTAssertEqual(resolved.source, "the environment (AWS_ACCESS_KEY_ID)")
    }

    func testTheEnvironmentAliasesAreAccepted() throws {
        let resolved = try resolver(["AWS_ACCESS_KEY": "AKIDALIAS", "AWS_SECRET_KEY": "alias-secret-0123456789",
                                     "AWS_SECURITY_TOKEN": "alias-token-0123456789"]).credentials()
        XCTAssertEqual(resolved.credentials, AWSCredentials(accessKeyID: "AKIDALIAS", secretAccessKey: "alias-secret-0123456789",
                                                           sessionToken: "alias-token-0123456789"))
        XCTAssertEqual(resolved.source, "the environment (AWS_ACCESS_KEY)")
    }

    func testAnEmptyEnvironmentVariableCountsAsUnset() throws {
        try write(".aws/credentials", credentialsFile)
        let resolved = try resolver(["AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""]).credentials()
        XCTAssertEqual(resolved.credentials.accessKeyID, "AKIDDEFAULT")
    }

    func testHalfAKeyPairInTheEnvironmentIsAnErrorNamingTheMissingVariable() {
        XCTAssertEqual(credentialError(["AWS_ACCESS_KEY_ID": "AKIDENV"]),
                       .partialCredentials(missing: "AWS_SECRET_ACCESS_KEY", present: "AWS_ACCESS_KEY_ID", source: "the environment"))
        XCTAssertEqual(credentialError(["AWS_SECRET_ACCESS_KEY": "env-secret-0123456789"]),
                       .partialCredentials(missing: "AWS_ACCESS_KEY_ID", present: "AWS_SECRET_ACCESS_KEY", source: "the environment"))
        XCTAssertEqual(credentialError(["AWS_ACCESS_KEY_ID": "AKIDENV"])?.description,
                       "incomplete AWS credentials in the environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both or neither")
    }

    // MARK: - Profiles

    func testTheDefaultProfileOfTheCredentialsFileIsUsedWhenNothingElseIsSet() throws {
        try write(".aws/credentials", credentialsFile)
        let resolved = try resolver().credentials()
        XCTAssertEqual(resolved.credentials, AWSCredentials(accessKeyID: "AKIDDEFAULT", secretAccessKey: "default-secret-0123456789"))
        XCTAssertEqual(resolved.source, "\(home!)/.aws/credentials [default]")
    }

    func testAWSProfileChoosesTheSectionAndWinsOverAWSDefaultProfile() throws {
        try write(".aws/credentials", credentialsFile)
        let work = try resolver(["AWS_PROFILE": "work", "AWS_DEFAULT_PROFILE": "default"]).credentials().credentials
        XCTAssertEqual(work, AWSCredentials(accessKeyID: "AKIDWORK", secretAccessKey: "work-secret-0123456789",
                                            sessionToken: "work-token-0123456789"))
        XCTAssertEqual(resolver(["AWS_PROFILE": "work", "AWS_DEFAULT_PROFILE": "default"]).profile().chosenBy, "AWS_PROFILE")
    }

    func testAWSDefaultProfileIsUsedWhenAWSProfileIsNotSet() throws {
        try write(".aws/credentials", credentialsFile)
        XCTAssertEqual(try resolver(["AWS_DEFAULT_PROFILE": "work"]).credentials().credentials.accessKeyID, "AKIDWORK")
    }

    func testAnExplicitProfileSkipsTheEnvironmentKeys() throws {
        try write(".aws/credentials", credentialsFile)
        let resolved = try resolver(["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret-0123456789"])
            .credentials(profile: "work")
        XCTAssertEqual(resolved.credentials.accessKeyID, "AKIDWORK")
    }

    func testTheConfigFileProfileSectionHoldsKeysWhenTheCredentialsFileDoesNot() throws {
        try write(".aws/credentials", credentialsFile)
        try write(".aws/config", configFile)
        let resolved = try resolver(["AWS_PROFILE": "cfgonly"]).credentials()
        XCTAssertEqual(resolved.credentials, AWSCredentials(accessKeyID: "AKIDCONFIG", secretAccessKey: "config-secret-0123456789",
                                                           sessionToken: "config-token-0123456789"))
        XCTAssertEqual(resolved.source, "\(home!)/.aws/config [profile cfgonly]")
    }

    func testTheCredentialsFileWinsOverTheConfigFileForTheSameProfile() throws {
        try write(".aws/credentials", credentialsFile)
        try write(".aws/config", "[profile work]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = other-secret-0123456789\n")
        XCTAssertEqual(try resolver(["AWS_PROFILE": "work"]).credentials().credentials.accessKeyID, "AKIDWORK")
    }

    func testTheFileLocationsComeFromTheirVariablesWithTildeExpanded() throws {
        try write("elsewhere/creds", "[default]\naws_access_key_id = AKIDELSEWHERE\naws_secret_access_key = elsewhere-secret-0123456789\n")
        try write("elsewhere/conf", "[default]\nregion = ca-central-1\n")
        try write(".aws/credentials", credentialsFile)
        let chain = resolver(["AWS_SHARED_CREDENTIALS_FILE": "~/elsewhere/creds", "AWS_CONFIG_FILE": home + "/elsewhere/conf"])
        XCTAssertEqual(try chain.credentials().credentials.accessKeyID, "AKIDELSEWHERE")
        XCTAssertEqual(try chain.region(), "ca-central-1")
        XCTAssertEqual(chain.credentialsFilePath, home + "/elsewhere/creds")
    }

    func testAProfileInNeitherFileIsAnErrorNamingWhatChoseIt() throws {
        try write(".aws/credentials", credentialsFile)
        let error = credentialError(["AWS_PROFILE": "nosuch"])
        XCTAssertEqual(error, .profileNotFound(profile: "nosuch", chosenBy: "AWS_PROFILE",
                                               files: [home + "/.aws/credentials", home + "/.aws/config"]))
        XCTAssertEqual(error?.description, "the AWS profile \"nosuch\" (chosen by AWS_PROFILE) is not in "
            + "\(home!)/.aws/credentials or \(home!)/.aws/config: add a [nosuch] section with aws_access_key_id and "
            + "aws_secret_access_key, or change AWS_PROFILE")
    }

    func testHalfAKeyPairInAFileIsAnErrorNamingTheFileAndSection() throws {
        try write(".aws/credentials", "[default]\naws_access_key_id = AKIDHALF\n")
        XCTAssertEqual(credentialError(), .partialCredentials(missing: "aws_secret_access_key", present: "aws_access_key_id",
                                                              source: "\(home!)/.aws/credentials [default]"))
    }

    func testProfilesThatNeedRolesSSOOrAProcessAreReportedAsUnsupported() throws {
        try write(".aws/config", """
            [profile role]
            role_arn = arn:aws:iam::123456789012:role/x
            source_profile = default
            [profile sso]
            sso_session = corp
            [profile process]
            credential_process = /usr/bin/get-creds
            """)
        XCTAssertEqual(credentialError(["AWS_PROFILE": "role"]), .unsupportedCredentialSource(profile: "role", setting: "role_arn"))
        XCTAssertEqual(credentialError(["AWS_PROFILE": "sso"]), .unsupportedCredentialSource(profile: "sso", setting: "sso_session"))
        XCTAssertEqual(credentialError(["AWS_PROFILE": "process"]),
                       .unsupportedCredentialSource(profile: "process", setting: "credential_process"))
    }

    func testNoCredentialsAnywhereIsAnErrorNamingEveryWayToSetThem() {
        let error = credentialError()
        XCTAssertEqual(error, .noCredentials(profile: "default"))
        XCTAssertEqual(error?.description, "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY "
            + "(plus AWS_SESSION_TOKEN for temporary credentials), or set AWS_PROFILE to a profile with aws_access_key_id "
            + "and aws_secret_access_key in ~/.aws/credentials (the profile in use is \"default\"), or set "
            + "AWS_BEARER_TOKEN_BEDROCK to a Bedrock API key")
    }

    func testAnUnparseableFileIsAnErrorWithItsLineButNotItsText() throws {
        try write(".aws/credentials", "[default]\naws_access_key_id = AKIDX\nwJalrXUtnFEMI-leaked-secret-line\n")
        let error = credentialError()
        XCTAssertEqual(error, .unreadableFile(path: home + "/.aws/credentials",
                                              error: INIParseError(line: 3, reason: "the line is not a [section], a comment or a key = value setting")))
        XCTAssertFalse(error!.description.contains("leaked"))
    }

    // MARK: - Region

    func testTheRegionComesFromTheFlagThenAWSRegionThenAWSDefaultRegionThenTheProfile() throws {
        try write(".aws/config", configFile)
        let all = ["AWS_REGION": "us-east-2", "AWS_DEFAULT_REGION": "eu-central-1"]
        XCTAssertEqual(try resolver(all).region(explicit: "sa-east-1"), "sa-east-1")
        XCTAssertEqual(try resolver(all).region(), "us-east-2")
        XCTAssertEqual(try resolver(["AWS_DEFAULT_REGION": "eu-central-1"]).region(), "eu-central-1")
        XCTAssertEqual(try resolver().region(), "eu-west-1")
        XCTAssertEqual(try resolver(["AWS_PROFILE": "work"]).region(), "us-west-2")
    }

    func testAProfileRegionInTheCredentialsFileOverridesTheConfigFileAsBotocoreMergesThem() throws {
        try write(".aws/config", configFile)
        try write(".aws/credentials", "[work]\nregion = me-south-1\n")
        XCTAssertEqual(try resolver(["AWS_PROFILE": "work"]).region(), "me-south-1")
    }

    func testNoRegionIsAnErrorNamingTheFlagTheVariablesAndTheProfile() throws {
        try write(".aws/credentials", credentialsFile)
        let error = regionError()
        XCTAssertEqual(error, .noRegion(profile: "default", configFile: home + "/.aws/config"))
        XCTAssertEqual(error?.description, "no AWS region: pass --region, set AWS_REGION (or AWS_DEFAULT_REGION), or add "
            + "`region = us-east-1` to the profile \"default\" in \(home!)/.aws/config")
    }

    func testARegionThatCannotBeAHostNameIsRefused() {
        XCTAssertEqual(regionError(explicit: "us-east-1.evil.com/"), .invalidRegion("us-east-1.evil.com/"))
        XCTAssertEqual(regionError(["AWS_REGION": "-bad"]), .invalidRegion("-bad"))
    }

    // MARK: - Bedrock

    func testABedrockBearerTokenWinsOverKeys() throws {
        let chain = resolver(["AWS_BEARER_TOKEN_BEDROCK": "bedrock-api-key-0123456789", "AWS_ACCESS_KEY_ID": "AKIDENV",
                              "AWS_SECRET_ACCESS_KEY": "env-secret-0123456789"])
        XCTAssertEqual(try chain.bedrockAuthentication(), .bearer("bedrock-api-key-0123456789"))
        XCTAssertEqual(try resolver(["AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret-0123456789"])
            .bedrockAuthentication(), .sigV4(AWSCredentials(accessKeyID: "AKIDENV", secretAccessKey: "env-secret-0123456789")))
    }

    func testTheBedrockConfigurationResolvesRegionCredentialsAndEndpoint() throws {
        let variables = ["HOME": home!, "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret-0123456789",
                         "AWS_REGION": "us-west-2"]
        let configuration = try ClientConfiguration.bedrock(environment: AWSEnvironment(variables: variables))
        guard case .bedrock(let options) = configuration.backend else { return XCTFail("not bedrock") }
        XCTAssertEqual(options.region, "us-west-2")
        XCTAssertEqual(options.endpoint, "https://bedrock-runtime.us-west-2.amazonaws.com")
        XCTAssertEqual(options.authentication, .sigV4(AWSCredentials(accessKeyID: "AKIDENV", secretAccessKey: "env-secret-0123456789")))

        let local = try ClientConfiguration.bedrock(region: "eu-west-3", environment: AWSEnvironment(
            variables: variables.merging(["ANTHROPIC_BEDROCK_BASE_URL": "http://127.0.0.1:9"]) { _, new in new }))
        guard case .bedrock(let localOptions) = local.backend else { return XCTFail("not bedrock") }
        XCTAssertEqual(localOptions.region, "eu-west-3")
        XCTAssertEqual(localOptions.endpoint, "http://127.0.0.1:9")
        let explicit = try ClientConfiguration.bedrock(baseURL: "http://127.0.0.1:10", environment: AWSEnvironment(variables: variables))
        guard case .bedrock(let explicitOptions) = explicit.backend else { return XCTFail("not bedrock") }
        XCTAssertEqual(explicitOptions.endpoint, "http://127.0.0.1:10")
    }

    func testTheBedrockConfigurationThrowsTheChainsErrors() {
        XCTAssertThrowsError(try ClientConfiguration.bedrock(environment: AWSEnvironment(
            variables: ["HOME": home!, "AWS_ACCESS_KEY_ID": "AKIDENV", "AWS_SECRET_ACCESS_KEY": "env-secret-0123456789"]))) { error in
            XCTAssertEqual(error as? AWSConfigurationError, .noRegion(profile: "default", configFile: home + "/.aws/config"))
        }
        XCTAssertThrowsError(try ClientConfiguration.bedrock(environment: AWSEnvironment(
            variables: ["HOME": home!, "AWS_REGION": "us-east-1"]))) { error in
            XCTAssertEqual(error as? AWSConfigurationError, .noCredentials(profile: "default"))
        }
    }

    // MARK: - The INI reader

    func testTheINIReaderFollowsConfigparser() throws {
        let file = try INIFile.parse("\u{FEFF}; comment\r\n[ a ]\r\nKey = v1 \r\nother: v2\n  continued\n# x = y\n[profile  spaced ]\nk=\n[a]\nlate = 1\n")
        XCTAssertEqual(file.sections["a"], ["key": "v1", "other": "v2\ncontinued", "late": "1"])
        XCTAssertEqual(file.sections["profile  spaced"], ["k": ""])
        XCTAssertThrowsError(try INIFile.parse("key = before any section\n")) { error in
            XCTAssertEqual(error as? INIParseError, INIParseError(line: 1, reason: "a setting comes before any [section] header"))
        }
        XCTAssertThrowsError(try INIFile.parse("[open\n")) { error in
            XCTAssertEqual((error as? INIParseError)?.line, 1)
        }
    }

    func testAProfileSectionWithExtraSpacesIsFound() throws {
        try write(".aws/config", "[profile   spaced  ]\nregion = af-south-1\n")
        XCTAssertEqual(try resolver(["AWS_PROFILE": "spaced"]).region(), "af-south-1")
    }
}
