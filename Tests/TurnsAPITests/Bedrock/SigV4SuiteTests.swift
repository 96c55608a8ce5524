import Foundation
import TurnsAPI
import TurnsServe
import TurnsHTTP
import TurnsTestSupport
import XCTest

/// botocore's copy of the AWS SigV4 test suite (PROTOCOL.md D.2), with its fixed inputs, and the two
/// computed Bedrock signatures (C.3).
final class SigV4SuiteTests: XCTestCase {
    static let accessKeyID = "AKIDEXAMPLE"
    static let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
    /// 2015-08-30T12:36:00Z.
    static let signingTime: Double = 1_440_938_160
    /// The cases botocore does not run: Python's parser rejects get-space's request line, and the SDKs
    /// do not support repeated query keys.
    static let skipped: Set<String> = [
        "normalize-path/get-space", "get-vanilla-query-order-key-case", "get-vanilla-query-order-key",
        "get-vanilla-query-order-value",
    ]

    /// One case folder of the suite.
    struct SuiteCase {
        var name: String
        var folder: URL
        func text(_ ext: String) throws -> String {
            let file = folder.appendingPathComponent(folder.lastPathComponent + "." + ext)
            return try String(contentsOf: file, encoding: .utf8)
        }
    }

    /// A suite file that does not read as the suite's format.
    struct SuiteError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static func suiteCases() throws -> [SuiteCase] {
        let root = try XCTUnwrap(Vectors.url("sigv4"), Vectors.missingNotice("sigv4"))
        var cases: [SuiteCase] = []
        let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        while let url = enumerator?.nextObject() as? URL {
            guard url.pathExtension == "req" else { continue }
            let folder = url.deletingLastPathComponent()
            let name = String(folder.standardizedFileURL.path.dropFirst(root.standardizedFileURL.path.count + 1))
            cases.append(SuiteCase(name: name, folder: folder))
        }
        return cases.sorted { $0.name < $1.name }
    }

    /// Parses a raw `.req`/`.sreq` file as Python's `BaseHTTPRequestHandler` does for botocore's test:
    /// the request line, `Name:value` headers (leading white space of the value dropped, indented lines
    /// continuing the previous value), a blank line, then the body.
    static func parseRequest(_ raw: String) throws -> SigV4Request {
        var lines = raw.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
        let requestLine = lines.removeFirst()
        guard let firstSpace = requestLine.firstIndex(of: " "), let lastSpace = requestLine.lastIndex(of: " "),
              firstSpace < lastSpace else { throw SuiteError("unparseable request line: \(requestLine)") }
        let method = String(requestLine[..<firstSpace])
        let target = String(requestLine[requestLine.index(after: firstSpace)..<lastSpace])
        var headers: [HTTPHeader] = []
        var bodyLines: [Substring]?
        for line in lines {
            if bodyLines != nil { bodyLines!.append(line); continue }
            if line.isEmpty { bodyLines = []; continue }
            if line.first == " " || line.first == "\t", !headers.isEmpty {
                headers[headers.count - 1].value += "\n" + line
                continue
            }
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers.append(HTTPHeader(String(line[..<colon]), String(line[line.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" }))))
        }
        let body = bodyLines.map { Array($0.joined(separator: "\n").utf8) } ?? []
        return SigV4Request(method: method, target: target, headers: headers, body: body)
    }

    /// The session token the case's canonical request shows, as botocore's test takes it.
    static func token(in canonicalRequest: String) -> String? {
        for line in canonicalRequest.split(separator: "\n") where line.hasPrefix("x-amz-security-token:") {
            return String(line.dropFirst("x-amz-security-token:".count))
        }
        return nil
    }

    func testEveryCaseOfTheSuiteGivesTheExpectedCanonicalRequestStringToSignAndAuthorization() throws {
        var checked = 0
        for suiteCase in try Self.suiteCases() {
            if Self.skipped.contains(suiteCase.name) {
                print("notice: skipping SigV4 suite case \(suiteCase.name), as botocore does (PROTOCOL.md D.2)")
                continue
            }
            let creq = try suiteCase.text("creq").replacingOccurrences(of: "\r", with: "")
            let sts = try suiteCase.text("sts").replacingOccurrences(of: "\r", with: "")
            let authz = try suiteCase.text("authz").replacingOccurrences(of: "\r", with: "")
            let credentials = AWSCredentials(accessKeyID: Self.accessKeyID, secretAccessKey: Self.secret,
                                             sessionToken: Self.token(in: creq))
            let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "service")
            let (signed, signature) = signer.sign(try Self.parseRequest(try suiteCase.text("req")), at: Self.signingTime)
            XCTAssertEqual(signature.canonicalRequest, creq, "\(suiteCase.name): canonical request")
            XCTAssertEqual(signature.stringToSign, sts, "\(suiteCase.name): string to sign")
            XCTAssertEqual(signature.authorization, authz, "\(suiteCase.name): authorization")
            XCTAssertEqual(signed.headers.value(for: "authorization"), authz, suiteCase.name)
            XCTAssertEqual(signed.headers.value(for: "x-amz-date"), "20150830T123600Z", suiteCase.name)
            checked += 1
        }
        XCTAssertEqual(checked, 30, "the suite has 34 cases, 4 skipped")
    }

    func testTheVerifierAcceptsEverySignedRequestOfTheSuite() throws {
        for suiteCase in try Self.suiteCases() where !Self.skipped.contains(suiteCase.name) {
            var signed = try Self.parseRequest(try suiteCase.text("sreq"))
            // The suite's get-vanilla-with-session-token.sreq carries a signature that is not its .authz (an
            // upstream slip); the .authz is what the suite asserts, so that is the Authorization checked.
            let authz = try suiteCase.text("authz").replacingOccurrences(of: "\r", with: "")
            signed.headers = signed.headers.filter { $0.name.lowercased() != "authorization" } + [HTTPHeader("Authorization", authz)]
            let verifier = SigV4Verifier(accessKeyID: Self.accessKeyID, secretAccessKey: Self.secret, service: "service",
                                         region: "us-east-1")
            XCTAssertNoThrow(try verifier.verify(signed, now: Self.signingTime + 60), suiteCase.name)
            let wrong = SigV4Verifier(accessKeyID: Self.accessKeyID, secretAccessKey: Self.secret + "x", service: "service")
            XCTAssertThrowsError(try wrong.verify(signed, now: Self.signingTime)) { error in
                XCTAssertEqual(error as? SigV4VerificationError, .signatureMismatch, suiteCase.name)
            }
        }
    }

    // MARK: - The computed Bedrock signatures (PROTOCOL.md C.3)

    /// The body PROTOCOL.md C.3 signs (the wire sends the same keys sorted, with the SDK's `anthropic_version`).
    static let bedrockBody = #"{"prompt":"\n\nHuman: Hello\n\nAssistant:","max_tokens_to_sample":300}"#
    static let wireBody = #"{"anthropic_version":"bedrock-2023-05-31","max_tokens_to_sample":300,"prompt":"\n\nHuman: Hello\n\nAssistant:"}"#

    /// The wire's request with PROTOCOL.md's body, signed as the wire signs.
    static func documentedRequest(stream: Bool) throws -> HTTPRequest {
        var request = try bedrockWire().makeRequest(bedrockRequest, stream: stream)
        XCTAssertEqual(String(decoding: request.body, as: UTF8.self), wireBody)
        request.body = Array(bedrockBody.utf8)
        try SigV4Signer(credentials: AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret),
                        region: "us-east-1", service: "bedrock").sign(&request, at: signingTime)
        return request
    }

    static func bedrockWire() -> BedrockWire {
        let credentials = AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secret)
        return BedrockWire(options: BedrockOptions(region: "us-east-1", authentication: .sigV4(credentials)),
                           now: { signingTime })
    }

    static let bedrockRequest = CompletionRequest(model: "anthropic.claude-v2:1", prompt: "\n\nHuman: Hello\n\nAssistant:",
                                                  maxTokensToSample: 300)

    func testTheInvokeRequestCarriesTheComputedSignature() throws {
        let request = try Self.documentedRequest(stream: false)
        XCTAssertEqual(request.url, "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-v2%3A1/invoke")
        XCTAssertEqual(String(decoding: request.body, as: UTF8.self), Self.bedrockBody)
        XCTAssertEqual(request.body.count, 70)
        XCTAssertEqual(request.headers, [
            HTTPHeader("Content-Type", "application/json"),
            HTTPHeader("Accept", "application/json"),
            HTTPHeader("X-Amz-Date", "20150830T123600Z"),
            HTTPHeader("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/bedrock/aws4_request, "
                + "SignedHeaders=accept;content-type;host;x-amz-date, "
                + "Signature=7673fda701e31e3e37aef58633fa4f19e6b89dcb783764d5d7106bf555ca877c"),
        ])
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyID: Self.accessKeyID, secretAccessKey: Self.secret),
                                 region: "us-east-1", service: "bedrock")
        let signature = signer.signature(for: try SigV4Request(request), timestamp: "20150830T123600Z")
        XCTAssertEqual(signature.canonicalRequest, """
            POST
            /model/anthropic.claude-v2%253A1/invoke

            accept:application/json
            content-type:application/json
            host:bedrock-runtime.us-east-1.amazonaws.com
            x-amz-date:20150830T123600Z

            accept;content-type;host;x-amz-date
            d8fec736a850c3daabd0ed0bbe3d544b88f2be0d252b10a1fd9da2fb9589c8c2
            """)
        XCTAssertEqual(signature.stringToSign, "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/bedrock/aws4_request\n"
            + "9b6525957f90a0285e0b1d4205d98cd985ce96aba9fdbccc8b8262bdd628fc46")
    }

    func testTheStreamingRequestCarriesTheComputedSignature() throws {
        let request = try Self.documentedRequest(stream: true)
        XCTAssertEqual(request.url,
                       "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-v2%3A1/invoke-with-response-stream")
        XCTAssertEqual(request.headers.value(for: "x-amzn-bedrock-accept"), "application/json")
        XCTAssertNil(request.headers.value(for: "accept"))
        XCTAssertEqual(request.headers.value(for: "authorization"),
                       "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/bedrock/aws4_request, "
                       + "SignedHeaders=content-type;host;x-amz-date;x-amzn-bedrock-accept, "
                       + "Signature=e00f90fecda3b08aaed460436e66dd38559d4e5c83739da901f64ab2ab315829")
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyID: Self.accessKeyID, secretAccessKey: Self.secret),
                                 region: "us-east-1", service: "bedrock")
        let signature = signer.signature(for: try SigV4Request(request), timestamp: "20150830T123600Z")
        XCTAssertTrue(signature.canonicalRequest.hasPrefix("POST\n/model/anthropic.claude-v2%253A1/invoke-with-response-stream\n"))
        XCTAssertTrue(signature.stringToSign.hasSuffix("\nee175170ff3e56e26cef6b201d429de160569fa4eea20f27d1d2d4be1d02ad27"))
    }

    // MARK: - Canonical pieces

    func testCanonicalURIsNormalizeAndEncodeAgain() {
        XCTAssertEqual(SigV4Canonical.uri("//example//"), "/example/")
        XCTAssertEqual(SigV4Canonical.uri("/example1/example2/../.."), "/")
        XCTAssertEqual(SigV4Canonical.uri("/example space/"), "/example%20space/")
        XCTAssertEqual(SigV4Canonical.uri("/ሴ"), "/%E1%88%B4")
        XCTAssertEqual(SigV4Canonical.uri("/model/arn:aws:bedrock:us-east-1:1:inference-profile%2Fx/invoke"),
                       "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%252Fx/invoke")
        XCTAssertEqual(SigV4Canonical.uri("//a/./b", normalize: false), "//a/./b")
        XCTAssertEqual(SigV4Canonical.uri(""), "/")
    }

    func testCanonicalQueryStringsSortByNameThenValue() {
        XCTAssertEqual(SigV4Canonical.queryString("b=2&a=2&a=1&c"), "a=1&a=2&b=2&c=")
        XCTAssertEqual(SigV4Canonical.queryString("Param-3=Value3&Param=Value2&%E1%88%B4=Value1"),
                       "%E1%88%B4=Value1&Param=Value2&Param-3=Value3")
        XCTAssertEqual(SigV4Canonical.queryString("a=x+y&b=%7e"), "a=x%20y&b=~")
    }

    func testCanonicalHeadersCollapseSpacesJoinRepeatsAndLeaveOutHopByHopHeaders() {
        let headers = [HTTPHeader("My-Header", "  a   b  "), HTTPHeader("my-header", "c"), HTTPHeader("User-Agent", "x"),
                       HTTPHeader("Host", "h"), HTTPHeader("Expect", "100-continue")]
        let canonical = SigV4Canonical.headers(headers)
        XCTAssertEqual(canonical.canonical, "host:h\nmy-header:a b,c")
        XCTAssertEqual(canonical.signed, "host;my-header")
    }

    func testTheUnsignedHeadersAreBotocoresIncludingTheTraceContextOnes() {
        // Source: botocore 1.44.18 auth.py:65-80 (SIGNED_HEADERS_BLACKLIST).
        XCTAssertEqual(SigV4Canonical.unsignedHeaders, [
            "baggage", "connection", "expect", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
            "traceparent", "tracestate", "trailer", "transfer-encoding", "upgrade", "user-agent", "x-amzn-trace-id",
        ])
        let traced = [HTTPHeader("Host", "h"), HTTPHeader("traceparent", "00-4bf92f-00f067-01"), HTTPHeader("tracestate", "a=1"),
                      HTTPHeader("baggage", "user=x")]
        XCTAssertEqual(SigV4Canonical.headers(traced).signed, "host")
    }

    func testTimestampsFormatAndParseAcrossLeapDaysAndCenturies() {
        XCTAssertEqual(AWSTimestamp.format(Self.signingTime), "20150830T123600Z")
        XCTAssertEqual(AWSTimestamp.format(0), "19700101T000000Z")
        XCTAssertEqual(AWSTimestamp.format(951_782_400), "20000229T000000Z")
        XCTAssertEqual(AWSTimestamp.format(4_107_542_399), "21000228T235959Z")
        for seconds: Double in [0, 951_782_400, 4_107_542_399, Self.signingTime, 1_700_000_000] {
            XCTAssertEqual(AWSTimestamp.parse(AWSTimestamp.format(seconds)), seconds)
        }
        XCTAssertNil(AWSTimestamp.parse("20150231T000000Z"))
        XCTAssertNil(AWSTimestamp.parse("2015-08-30T12:36:00Z"))
        XCTAssertNil(AWSTimestamp.parse("20150830T123600"))
    }

    func testASessionTokenIsAddedBeforeSigningAndReplacesAnOldOne() throws {
        let credentials = AWSCredentials(accessKeyID: Self.accessKeyID, secretAccessKey: Self.secret, sessionToken: "TOKEN-1234567890")
        let signer = SigV4Signer(credentials: credentials, region: "us-east-1", service: "bedrock")
        var request = HTTPRequest(url: "http://127.0.0.1:8080/model/m/invoke",
                                  headers: [HTTPHeader("X-Amz-Security-Token", "old"), HTTPHeader("Authorization", "old")])
        try signer.sign(&request, at: Self.signingTime)
        XCTAssertEqual(request.headers.filter { $0.name.lowercased() == "x-amz-security-token" }.map(\.value), ["TOKEN-1234567890"])
        XCTAssertEqual(request.headers.filter { $0.name.lowercased() == "authorization" }.count, 1)
        XCTAssertTrue(request.headers.value(for: "authorization")!.contains("SignedHeaders=host;x-amz-date;x-amz-security-token,"))
        let verifier = SigV4Verifier(accessKeyID: Self.accessKeyID, secretAccessKey: Self.secret)
        // The transport sends `Host: 127.0.0.1:8080` for this URL; the signature covers exactly that.
        XCTAssertNoThrow(try verifier.verify(SigV4Request(request), now: Self.signingTime))
    }

    func testARelativeURLCannotBeSigned() {
        let signer = Self.bedrockWire()
        var options = signer.options
        options.baseURL = "bedrock.local"
        let wire = BedrockWire(options: options)
        XCTAssertThrowsError(try wire.makeRequest(Self.bedrockRequest, stream: false)) { error in
            XCTAssertEqual((error as? APIError)?.kind, .invalidRequest)
        }
    }
}
