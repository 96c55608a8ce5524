import Crypto
import Foundation
import TurnsHTTP

/// Signs requests with AWS Signature Version 4 in the `Authorization` header, as botocore's `SigV4Auth`
/// does (PROTOCOL.md C.3): `X-Amz-Date` (and `X-Amz-Security-Token` for temporary credentials) are set
/// first, so they are signed, then every header but `SigV4Canonical.unsignedHeaders`.
public struct SigV4Signer: Sendable {
    /// The only algorithm this signer speaks.
    public static let algorithm = "AWS4-HMAC-SHA256"

    /// The credentials that sign.
    public var credentials: AWSCredentials
    /// The region of the scope, e.g. `us-east-1`.
    public var region: String
    /// The signing name of the service, e.g. `bedrock`.
    public var service: String

    /// Creates a signer.
    public init(credentials: AWSCredentials, region: String, service: String) {
        self.credentials = credentials
        self.region = region
        self.service = service
    }

    /// Signs an HTTP request about to be sent: replaces any `Authorization`, `X-Amz-Date` (and, with a
    /// session token, `X-Amz-Security-Token`) headers with fresh ones for the time `seconds` since 1970.
    ///
    /// - Throws: `SigV4Error.invalidURL` when the URL is not absolute.
    public func sign(_ request: inout HTTPRequest, at seconds: Double) throws(SigV4Error) {
        let timestamp = AWSTimestamp.format(seconds)
        request.headers = prepared(request.headers, timestamp: timestamp)
        let signature = self.signature(for: try SigV4Request(request), timestamp: timestamp)
        request.headers.append(HTTPHeader("Authorization", signature.authorization))
    }

    /// Signs `request` at the time `seconds` since 1970: the request with its new headers (the date, the
    /// token, and `Authorization` last) and every intermediate step of the signature.
    public func sign(_ request: SigV4Request, at seconds: Double) -> (request: SigV4Request, signature: SigV4Signature) {
        let timestamp = AWSTimestamp.format(seconds)
        var request = request
        request.headers = prepared(request.headers, timestamp: timestamp)
        let signature = self.signature(for: request, timestamp: timestamp)
        request.headers.append(HTTPHeader("Authorization", signature.authorization))
        return (request, signature)
    }

    /// `headers` without old signing headers, plus `X-Amz-Date` and the session token.
    private func prepared(_ headers: [HTTPHeader], timestamp: String) -> [HTTPHeader] {
        var replaced: Set<String> = ["authorization", "x-amz-date"]
        if credentials.sessionToken != nil { replaced.insert("x-amz-security-token") }
        var headers = headers.filter { !replaced.contains($0.name.lowercased()) }
        headers.append(HTTPHeader("X-Amz-Date", timestamp))
        if let token = credentials.sessionToken { headers.append(HTTPHeader("X-Amz-Security-Token", token)) }
        return headers
    }

    /// The signature of `request` exactly as it is (its headers already carry the date and any token),
    /// signing the headers named in `signedHeaders`, or all but the unsigned ones when nil.
    public func signature(for request: SigV4Request, timestamp: String,
                          signedHeaders: [String]? = nil) -> SigV4Signature {
        let date = String(timestamp.prefix(8))
        let scope = "\(date)/\(region)/\(service)/aws4_request"
        let headers = SigV4Canonical.headers(request.headers, names: signedHeaders)
        let canonicalRequest = SigV4Canonical.request(
            method: request.method, path: request.path, query: request.query, canonicalHeaders: headers.canonical,
            signedHeaders: headers.signed, payloadHash: SigV4Canonical.payloadHash(request))
        let stringToSign = [Self.algorithm, timestamp, scope, SigV4Canonical.hexSHA256(Array(canonicalRequest.utf8))]
            .joined(separator: "\n")
        let key = signingKey(date: date)
        let signature = SigV4Canonical.hex(HMAC<SHA256>.authenticationCode(for: Array(stringToSign.utf8), using: key))
        let authorization = "\(Self.algorithm) Credential=\(credentials.accessKeyID)/\(scope), "
            + "SignedHeaders=\(headers.signed), Signature=\(signature)"
        return SigV4Signature(canonicalRequest: canonicalRequest, stringToSign: stringToSign,
                              credentialScope: scope, signedHeaders: headers.signed, signature: signature,
                              authorization: authorization, timestamp: timestamp)
    }

    /// The key for one day: HMAC chained over the date, region, service and `aws4_request`.
    func signingKey(date: String) -> SymmetricKey {
        func mac(_ key: SymmetricKey, _ text: String) -> SymmetricKey {
            SymmetricKey(data: Data(HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: key)))
        }
        let secret = SymmetricKey(data: Array(("AWS4" + credentials.secretAccessKey).utf8))
        return mac(mac(mac(mac(secret, date), region), service), "aws4_request")
    }
}

/// Every step of one signature, for checking against the reference suite and for diagnosing mismatches.
/// The canonical request includes every signed header's value, a session token among them, so printing
/// or dumping it shows only the `Authorization` value.
public struct SigV4Signature: Sendable, Hashable {
    /// The canonical request.
    public var canonicalRequest: String
    /// The string to sign.
    public var stringToSign: String
    /// `YYYYMMDD/region/service/aws4_request`.
    public var credentialScope: String
    /// The signed header names, `;`-separated.
    public var signedHeaders: String
    /// The hex signature.
    public var signature: String
    /// The `Authorization` header value.
    public var authorization: String
    /// The `X-Amz-Date` value.
    public var timestamp: String
}

extension SigV4Signature: CustomStringConvertible, CustomReflectable {
    /// The `Authorization` value only (the canonical request may hold a session token).
    public var description: String { "SigV4Signature(\(authorization))" }

    /// A mirror without the canonical request and string to sign.
    public var customMirror: Mirror {
        Mirror(self, children: ["authorization": authorization, "timestamp": timestamp], displayStyle: .struct)
    }
}
