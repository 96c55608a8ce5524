import Foundation
import TurnsAPI
import TurnsHTTP
import TurnsServe
import XCTest

/// The server side of SigV4: every refusal `turns serve` answers with 403.
final class SigV4VerifierTests: XCTestCase {
    private let keyID = "AKIDSERVE"
    private let secret = "serve-secret-0123456789"
    private let signedAt: Double = 1_440_938_160

    private func signedRequest(secret: String? = nil, at time: Double? = nil, body: String = #"{"prompt":"x"}"#,
                               token: String? = nil) -> SigV4Request {
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyID: keyID, secretAccessKey: secret ?? self.secret,
                                                             sessionToken: token),
                                 region: "us-east-1", service: "bedrock")
        let request = SigV4Request(method: "POST", target: "/model/anthropic.claude-v2%3A1/invoke", headers: [
            HTTPHeader("Host", "127.0.0.1:8080"), HTTPHeader("Content-Type", "application/json"),
            HTTPHeader("Accept", "application/json"), HTTPHeader("User-Agent", "Boto3/1.0"),
        ], body: Array(body.utf8))
        return signer.sign(request, at: time ?? signedAt).request
    }

    private func failure(_ request: SigV4Request, now: Double? = nil,
                         verifier: SigV4Verifier? = nil) -> SigV4VerificationError? {
        do {
            try (verifier ?? SigV4Verifier(accessKeyID: keyID, secretAccessKey: secret)).verify(request, now: now ?? signedAt)
            return nil
        } catch {
            return error
        }
    }

    func testACorrectlySignedRequestIsAccepted() {
        XCTAssertNil(failure(signedRequest()))
        XCTAssertNil(failure(signedRequest(token: "a-session-token")))
    }

    func testUnsignedHeadersMayChangeInTransit() {
        var request = signedRequest()
        request.headers.append(HTTPHeader("User-Agent", "proxy"))
        request.headers.append(HTTPHeader("Content-Length", "14"))
        XCTAssertNil(failure(request))
    }

    func testAWrongSecretIsASignatureMismatch() {
        let error = failure(signedRequest(secret: "wrong-secret-0123456789"))
        XCTAssertEqual(error, .signatureMismatch)
        XCTAssertEqual(error?.awsErrorType, "InvalidSignatureException")
        XCTAssertEqual(error?.httpStatus, 403)
        XCTAssertEqual(String(decoding: BedrockServer.ErrorResponse(error!).body, as: UTF8.self),
                       #"{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}"#)
    }

    func testATamperedBodyOrSignedHeaderIsASignatureMismatch() {
        var body = signedRequest()
        body.body = Array(#"{"prompt":"y"}"#.utf8)
        XCTAssertEqual(failure(body), .signatureMismatch)
        var header = signedRequest()
        header.headers[header.headers.firstIndex { $0.name == "Accept" }!].value = "text/html"
        XCTAssertEqual(failure(header), .signatureMismatch)
        var path = signedRequest()
        path.path = "/model/anthropic.claude-v2%3A1/invoke-with-response-stream"
        XCTAssertEqual(failure(path), .signatureMismatch)
    }

    func testAnUnknownAccessKeyIsRefusedAsAnUnrecognizedClient() {
        let error = failure(signedRequest(), verifier: SigV4Verifier(accessKeyID: "AKIDOTHER", secretAccessKey: secret))
        XCTAssertEqual(error, .unknownAccessKey(maskedAccessKeyID: "*****ERVE"))
        XCTAssertEqual(error?.awsErrorType, "UnrecognizedClientException")
    }

    func testADateMoreThanFifteenMinutesOffIsRefusedEitherWay() {
        XCTAssertNil(failure(signedRequest(), now: signedAt + 15 * 60))
        XCTAssertNil(failure(signedRequest(), now: signedAt - 15 * 60))
        XCTAssertEqual(failure(signedRequest(), now: signedAt + 15 * 60 + 1),
                       .requestTimeTooSkewed(requestTime: "20150830T123600Z", serverTime: "20150830T125101Z"))
        XCTAssertEqual(failure(signedRequest(), now: signedAt - 16 * 60),
                       .requestTimeTooSkewed(requestTime: "20150830T123600Z", serverTime: "20150830T122000Z"))
    }

    func testAMissingOrForeignAuthorizationIsRefused() {
        var missing = signedRequest()
        missing.headers.removeAll { $0.name == "Authorization" }
        XCTAssertEqual(failure(missing), .missingAuthorization)
        XCTAssertEqual(failure(missing)?.awsErrorType, "MissingAuthenticationTokenException")
        var bearer = missing
        bearer.headers.append(HTTPHeader("Authorization", "Bearer abc"))
        XCTAssertEqual(failure(bearer), .unsupportedAlgorithm("Bearer"))
    }

    func testAMalformedAuthorizationIsRefusedAsIncomplete() {
        let base = signedRequest()
        func with(_ authorization: String) -> SigV4Request {
            var request = base
            request.headers[request.headers.firstIndex { $0.name == "Authorization" }!].value = authorization
            return request
        }
        XCTAssertEqual(failure(with("AWS4-HMAC-SHA256 Credential=AKIDSERVE/20150830/us-east-1/bedrock/aws4_request, Signature=ab")),
                       .malformedAuthorization("the header requires a 'SignedHeaders' parameter"))
        XCTAssertEqual(failure(with("AWS4-HMAC-SHA256 Credential=AKIDSERVE/20150830/us-east-1, SignedHeaders=host, Signature=ab")),
                       .malformedAuthorization("the Credential must be KEYID/YYYYMMDD/region/service/aws4_request"))
        XCTAssertEqual(failure(with("AWS4-HMAC-SHA256 Credential=AKIDSERVE/20150830/us-east-1/bedrock/aws4_request, SignedHeaders=x-amz-date, Signature=ab")),
                       .malformedAuthorization("'Host' must be a signed header"))
        XCTAssertEqual(failure(with("AWS4-HMAC-SHA256 Credential=AKIDSERVE/20150830/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-missing, Signature=ab")),
                       .signedHeaderMissing("x-missing"))
        XCTAssertEqual(failure(with("AWS4-HMAC-SHA256 Credential=AKIDSERVE/20150829/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=ab")),
                       .credentialScopeMismatch("the date in the credential scope, 20150829, is not the date of X-Amz-Date"))
        XCTAssertEqual(failure(with("AWS4-HMAC-SHA256 Credential=AKIDSERVE/20150830/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=ab")),
                       .credentialScopeMismatch("the credential scope names the service s3, not bedrock"))
        XCTAssertEqual(failure(with("AWS4-HMAC-SHA256 Credential=AKIDSERVE/20150830/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=ab"))?.awsErrorType,
                       "InvalidSignatureException")
    }

    func testTheRegionIsCheckedOnlyWhenTheVerifierNamesOne() {
        XCTAssertNil(failure(signedRequest(), verifier: SigV4Verifier(accessKeyID: keyID, secretAccessKey: secret, region: "us-east-1")))
        XCTAssertEqual(failure(signedRequest(), verifier: SigV4Verifier(accessKeyID: keyID, secretAccessKey: secret, region: "eu-west-1")),
                       .credentialScopeMismatch("the credential scope names the region us-east-1, not eu-west-1"))
    }

    func testAMissingOrUnreadableDateIsRefused() {
        var missing = signedRequest()
        missing.headers.removeAll { $0.name == "X-Amz-Date" }
        XCTAssertEqual(failure(missing), .missingDate)
        var unreadable = signedRequest()
        unreadable.headers[unreadable.headers.firstIndex { $0.name == "X-Amz-Date" }!].value = "yesterday"
        XCTAssertEqual(failure(unreadable), .invalidDate("yesterday"))
    }

    func testADeclaredPayloadHashMustMatchTheBody() {
        var request = SigV4Request(method: "POST", path: "/", headers: [
            HTTPHeader("Host", "h"), HTTPHeader("X-Amz-Content-SHA256", String(repeating: "0", count: 64)),
        ], body: Array("body".utf8))
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyID: keyID, secretAccessKey: secret), region: "us-east-1",
                                 service: "bedrock")
        request = signer.sign(request, at: signedAt).request
        XCTAssertEqual(failure(request), .payloadHashMismatch)
        var unsigned = request
        unsigned.headers[unsigned.headers.firstIndex { $0.name == "X-Amz-Content-SHA256" }!].value = "UNSIGNED-PAYLOAD"
        XCTAssertNil(failure(signer.sign(unsigned, at: signedAt).request))
    }
}
