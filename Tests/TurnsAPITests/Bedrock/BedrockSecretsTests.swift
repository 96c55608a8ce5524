import Foundation
import TurnsAPI
import TurnsServe
import TurnsHTTP
import TurnsTestSupport
import XCTest

/// Secret keys, session tokens and bearer tokens never show in a description, a dump or an error.
final class BedrockSecretsTests: XCTestCase {
    private let secret = "SECRET-wJalrXUtnFEMI-K7MDENG-0123456789"
    private let token = "TOKEN-FQoGZXIvYXdzEJr-0123456789"
    private let bearer = "BEARER-bedrock-api-key-0123456789"

    /// Every way a value can be turned into text.
    private func renderings(_ value: Any) -> [String] {
        var dumped = ""
        dump(value, to: &dumped)
        return [String(describing: value), String(reflecting: value), dumped, "\(value)"]
    }

    private func assertNoSecret(_ value: Any, _ label: String, secrets: [String]? = nil,
                                file: StaticString = #filePath, line: UInt = #line) {
        for text in renderings(value) {
            for hidden in secrets ?? [secret, token, bearer] {
                XCTAssertFalse(text.contains(hidden), "\(label) shows a secret: \(text)", file: file, line: line)
            }
        }
    }

    func testCredentialsOptionsConfigurationsAndWiresNeverShowSecrets() throws {
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: secret, sessionToken: token)
        let sigV4 = BedrockOptions(region: "us-east-1", authentication: .sigV4(credentials))
        let bearerOptions = BedrockOptions(region: "us-east-1", authentication: .bearer(bearer))
        assertNoSecret(credentials, "AWSCredentials")
        assertNoSecret(AWSAuthentication.sigV4(credentials), "AWSAuthentication.sigV4")
        assertNoSecret(AWSAuthentication.bearer(bearer), "AWSAuthentication.bearer")
        assertNoSecret(sigV4, "BedrockOptions")
        assertNoSecret(bearerOptions, "BedrockOptions (bearer)")
        assertNoSecret(ClientConfiguration(backend: .bedrock(sigV4)), "ClientConfiguration")
        assertNoSecret(ClientConfiguration.Backend.bedrock(bearerOptions), "Backend")
        assertNoSecret(BedrockWire(options: sigV4), "BedrockWire")
        assertNoSecret(AWSResolvedCredentials(credentials: credentials, source: "the environment"), "AWSResolvedCredentials")
        XCTAssertEqual(credentials.description, "AWSCredentials(accessKeyID: *******MPLE, secretAccessKey: <set>, sessionToken: <set>)")
    }

    func testASignatureNeverShowsTheSessionTokenItSigned() throws {
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: secret, sessionToken: token)
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "bedrock")
        let (_, signature) = signer.sign(SigV4Request(method: "POST", path: "/", headers: [HTTPHeader("Host", "h")]), at: 0)
        XCTAssertTrue(signature.canonicalRequest.contains(token), "the token is signed")
        assertNoSecret(signature, "SigV4Signature")
    }

    func testAServerEchoingASecretInAnErrorHasItRedacted() async {
        let credentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: secret, sessionToken: token)
        for authentication in [AWSAuthentication.sigV4(credentials), .bearer(bearer)] {
            let echo = "you sent \(secret) and \(token) and \(bearer)"
            let transport = ScriptedTransport([.text("{\"message\":\"\(echo)\"}", status: 403,
                                                     headers: [HTTPHeader("x-amzn-ErrorType", "AccessDeniedException")])])
            let client = CompletionsClient(ClientConfiguration(backend: .bedrock(BedrockOptions(
                region: "us-east-1", authentication: authentication, baseURL: "http://127.0.0.1:9"))), transport: transport)
            do {
                _ = try await client.create(CompletionRequest(model: "m", prompt: "p", maxTokensToSample: 1))
                XCTFail("no error")
            } catch {
                // `create` throws APIError (typed), so `error` is one.
                XCTAssertEqual(error.kind, .permissionDenied)
                // Only what this authentication sends is a secret of it; the other strings are just text here.
                assertNoSecret(error, "the error", secrets: authentication.secrets)
                XCTAssertTrue(error.message.contains("[redacted]"))
            }
        }
    }

    func testConfigurationErrorsNeverQuoteTheFilesSecrets() throws {
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("turns-aws-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        try FileManager.default.createDirectory(atPath: home + "/.aws", withIntermediateDirectories: true)
        let cases = [
            "[default]\naws_secret_access_key = \(secret)\n",
            "[default]\naws_access_key_id = AKIDX\n\(secret)\n",
            "aws_secret_access_key = \(secret)\n",
            "[default]\naws_session_token = \(token)\nrole_arn = arn\n",
        ]
        for text in cases {
            try text.write(toFile: home + "/.aws/credentials", atomically: true, encoding: .utf8)
            let resolver = AWSConfigResolver(environment: AWSEnvironment(variables: ["HOME": home]))
            XCTAssertThrowsError(try resolver.credentials()) { error in
                self.assertNoSecret(error, "AWSConfigurationError for \(text.count) bytes")
            }
        }
    }

    func testVerificationFailuresNeverShowTheKeyIDInFullOrTheSecret() {
        let verifier = SigV4Verifier(accessKeyID: "AKIDEXAMPLE", secretAccessKey: secret)
        let request = SigV4Request(method: "POST", path: "/", headers: [
            HTTPHeader("Host", "h"), HTTPHeader("X-Amz-Date", "20150830T123600Z"),
            HTTPHeader("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDSOMEONEELSE/20150830/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=00"),
        ])
        XCTAssertThrowsError(try verifier.verify(request, now: 1_440_938_160)) { error in
            XCTAssertEqual(error as? SigV4VerificationError, .unknownAccessKey(maskedAccessKeyID: "***********ELSE"))
            self.assertNoSecret(error, "SigV4VerificationError")
        }
    }
}
