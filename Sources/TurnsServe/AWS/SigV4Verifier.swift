import Foundation
import TurnsAPI
import TurnsHTTP

/// Checks the Signature Version 4 `Authorization` of a received request, as an AWS service does, for one
/// known key pair. `turns serve` uses it to answer requests signed with the wrong key or date with 403.
///
/// The request is recomputed from what arrived: the method, the path and query as received, the headers
/// the client listed in `SignedHeaders` and the body; the signature must match, the key id must be the
/// known one, and `X-Amz-Date` must be within `maxClockSkew` of now.
public struct SigV4Verifier: Sendable {
    /// The access key id requests must be signed with.
    public var accessKeyID: String
    /// Its secret access key.
    public var secretAccessKey: String
    /// The signing name the scope must name (`bedrock`), or nil to accept any.
    public var service: String?
    /// The region the scope must name, or nil to accept whatever region the client signed for.
    public var region: String?
    /// How far `X-Amz-Date` may be from now, in seconds (AWS allows 15 minutes).
    public var maxClockSkew: Double = 15 * 60

    /// Creates a verifier for one key pair.
    public init(accessKeyID: String, secretAccessKey: String, service: String? = "bedrock", region: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.service = service
        self.region = region
    }

    /// Returns when `request` is signed by the known key for a time within the allowed skew of `now`
    /// (seconds since 1970).
    ///
    /// - Throws: `SigV4VerificationError` saying what is wrong; its `awsErrorType` and `awsMessage` are the
    ///   403 answer AWS gives.
    public func verify(_ request: SigV4Request, now: Double) throws(SigV4VerificationError) {
        guard let header = request.headers.value(for: "authorization"), !header.isEmpty else {
            throw .missingAuthorization
        }
        let authorization = try SigV4Authorization(header)
        guard authorization.accessKeyID == accessKeyID else {
            throw .unknownAccessKey(maskedAccessKeyID: AWSCredentials(accessKeyID: authorization.accessKeyID,
                                                                      secretAccessKey: "").maskedAccessKeyID)
        }
        guard let timestamp = request.headers.value(for: "x-amz-date") else { throw .missingDate }
        guard let signedAt = AWSTimestamp.parse(timestamp.trimmingSpaces) else { throw .invalidDate(timestamp) }
        guard abs(now - signedAt) <= maxClockSkew else {
            throw .requestTimeTooSkewed(requestTime: timestamp.trimmingSpaces, serverTime: AWSTimestamp.format(now))
        }
        guard authorization.date == String(timestamp.trimmingSpaces.prefix(8)) else {
            throw .credentialScopeMismatch("the date in the credential scope, \(authorization.date), is not the date of X-Amz-Date")
        }
        let scope = [("service", authorization.service, service), ("region", authorization.region, region)]
        for (name, signed, expected) in scope where expected != nil && signed != expected {
            throw .credentialScopeMismatch("the credential scope names the \(name) \(signed), not \(expected!)")
        }
        guard authorization.signedHeaders.contains("host") else {
            throw .malformedAuthorization("'Host' must be a signed header")
        }
        let present = Set(request.headers.map { $0.name.lowercased() })
        if let missing = authorization.signedHeaders.first(where: { !present.contains($0) }) {
            throw .signedHeaderMissing(missing)
        }
        if let declared = request.headers.value(for: "x-amz-content-sha256"),
           declared != SigV4Canonical.unsignedPayload, declared != SigV4Canonical.hexSHA256(request.body) {
            throw .payloadHashMismatch
        }
        let signer = SigV4Signer(credentials: AWSCredentials(accessKeyID: accessKeyID, secretAccessKey: secretAccessKey),
                                 region: authorization.region, service: authorization.service)
        let expected = signer.signature(for: request, timestamp: timestamp.trimmingSpaces,
                                        signedHeaders: authorization.signedHeaders)
        guard Self.constantTimeEqual(expected.signature, authorization.signature.lowercased()) else {
            throw .signatureMismatch
        }
    }

    /// Compares without stopping at the first difference, so timing does not reveal how much matched.
    static func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8), b = Array(rhs.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for i in 0..<max(a.count, b.count) { difference |= (i < a.count ? a[i] : 0) ^ (i < b.count ? b[i] : 0) }
        return difference == 0
    }
}

/// The parts of an `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` header.
struct SigV4Authorization {
    var accessKeyID: String
    var date: String
    var region: String
    var service: String
    var signedHeaders: [String]
    var signature: String

    init(_ header: String) throws(SigV4VerificationError) {
        let trimmed = header.trimmingSpaces
        let algorithm = trimmed.prefix { $0 != " " }
        guard algorithm == SigV4Signer.algorithm else { throw .unsupportedAlgorithm(String(algorithm.prefix(32))) }
        guard algorithm.endIndex < trimmed.endIndex else {
            throw .malformedAuthorization("the header has no Credential, SignedHeaders or Signature")
        }
        var fields: [Substring: Substring] = [:]
        for part in trimmed[algorithm.endIndex...].split(separator: ",") {
            let part = part.drop(while: { $0 == " " })
            guard let equals = part.firstIndex(of: "=") else {
                throw .malformedAuthorization("a component is not of the form name=value")
            }
            fields[part[..<equals]] = Substring(part[part.index(after: equals)...].trimmingSpaces)
        }
        for name in ["Credential", "SignedHeaders", "Signature"] where fields[Substring(name)] == nil {
            throw .malformedAuthorization("the header requires a '\(name)' parameter")
        }
        let scope = fields["Credential"]!.split(separator: "/", omittingEmptySubsequences: false)
        guard scope.count == 5, scope[4] == "aws4_request", !scope[0].isEmpty else {
            throw .malformedAuthorization("the Credential must be KEYID/YYYYMMDD/region/service/aws4_request")
        }
        accessKeyID = String(scope[0])
        date = String(scope[1])
        region = String(scope[2])
        service = String(scope[3])
        signedHeaders = fields["SignedHeaders"]!.split(separator: ";").map { $0.lowercased() }
        signature = String(fields["Signature"]!)
        guard !signedHeaders.isEmpty else { throw .malformedAuthorization("SignedHeaders is empty") }
    }
}

/// Why a received request's signature was refused. Nothing here holds a secret.
public enum SigV4VerificationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No `Authorization` header.
    case missingAuthorization
    /// The header is not `AWS4-HMAC-SHA256 …` (e.g. a bearer token).
    case unsupportedAlgorithm(String)
    /// The header lacks a component or a component is malformed.
    case malformedAuthorization(String)
    /// The access key id is not the known one (shown masked).
    case unknownAccessKey(maskedAccessKeyID: String)
    /// No `X-Amz-Date` header.
    case missingDate
    /// `X-Amz-Date` is not `YYYYMMDDTHHMMSSZ`.
    case invalidDate(String)
    /// `X-Amz-Date` is more than the allowed skew from the server's clock.
    case requestTimeTooSkewed(requestTime: String, serverTime: String)
    /// The credential scope's date, region or service is not the expected one.
    case credentialScopeMismatch(String)
    /// A header listed in `SignedHeaders` is not in the request.
    case signedHeaderMissing(String)
    /// `X-Amz-Content-SHA256` does not match the body received.
    case payloadHashMismatch
    /// The signature differs from the one computed with the known secret.
    case signatureMismatch

    /// The HTTP status of the refusal: always 403.
    public var httpStatus: Int { 403 }

    /// The AWS error code for `x-amzn-ErrorType`, as AWS services send it.
    public var awsErrorType: String {
        switch self {
        case .missingAuthorization: return "MissingAuthenticationTokenException"
        case .unsupportedAlgorithm, .malformedAuthorization, .missingDate, .invalidDate, .credentialScopeMismatch:
            return "IncompleteSignatureException"
        case .unknownAccessKey: return "UnrecognizedClientException"
        case .requestTimeTooSkewed, .signedHeaderMissing, .payloadHashMismatch, .signatureMismatch:
            return "InvalidSignatureException"
        }
    }

    /// The message AWS gives, for the `{"message": …}` body.
    public var awsMessage: String {
        switch self {
        case .missingAuthorization: return "Missing Authentication Token"
        case .unsupportedAlgorithm(let algorithm):
            return "Unsupported authorization type: \(algorithm); requests must be signed with AWS4-HMAC-SHA256"
        case .malformedAuthorization(let reason): return "Authorization header is malformed: \(reason)."
        case .unknownAccessKey: return "The security token included in the request is invalid."
        case .missingDate: return "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
        case .invalidDate(let text): return "Date must be in ISO-8601 'basic format'. Got '\(text.prefix(40))'."
        case .requestTimeTooSkewed(let requestTime, let serverTime):
            return "Signature expired: \(requestTime) is more than 15 minutes from the server time \(serverTime)."
        case .credentialScopeMismatch(let reason): return "Credential should be scoped correctly: \(reason)."
        case .signedHeaderMissing(let name): return "The signed header '\(name)' is missing from the request."
        case .payloadHashMismatch:
            return "The provided 'x-amz-content-sha256' header does not match what was computed."
        case .signatureMismatch:
            return "The request signature we calculated does not match the signature you provided. "
                + "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
        }
    }

    /// `awsErrorType`: `awsMessage`.
    public var description: String { "\(awsErrorType): \(awsMessage)" }
}

extension StringProtocol {
    /// The text without surrounding spaces and tabs.
    fileprivate var trimmingSpaces: String { trimmingCharacters(in: .whitespaces) }
}
