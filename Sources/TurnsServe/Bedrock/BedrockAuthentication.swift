import NIOHTTP1
import TurnsAPI
import TurnsHTTP

/// Who may call the Bedrock paths of a server.
///
/// - Started with an AWS key pair: every request must carry a SigV4 signature by that key, for a time
///   within 15 minutes of the server's clock (`SigV4Verifier`); anything else is refused with 403 and the
///   error code botocore expects (`InvalidSignatureException`, `UnrecognizedClientException`, …).
/// - Started with only an API key: the request must carry it as `Authorization: Bearer` (as a client using
///   `AWS_BEARER_TOKEN_BEDROCK` does) or `x-api-key`, else 403 `UnrecognizedClientException`.
/// - Started with neither: every request is let through, signed or not.
///
/// No refusal names the secret: the messages are AWS's fixed texts.
struct BedrockAuthentication: Sendable {
    /// Checks signatures when the server has an AWS key pair.
    let verifier: SigV4Verifier?
    /// The server's API key, used when there is no key pair.
    let apiKey: String?

    /// The 403 answer for a request that may not pass, or nil when it may. `now` is seconds since 1970.
    func refusal(_ head: HTTPRequestHead, body: [UInt8], now: Double) -> BedrockServer.ErrorResponse? {
        if let verifier {
            let headers = head.headers.map { HTTPHeader($0.name, $0.value) }
            let request = SigV4Request(method: head.method.rawValue, target: head.uri, headers: headers, body: body)
            do throws(SigV4VerificationError) {
                try verifier.verify(request, now: now)
                return nil
            } catch {
                return BedrockServer.ErrorResponse(error)
            }
        }
        guard Authentication.allows(head.headers, expected: apiKey) else {
            return BedrockServer.ErrorResponse(status: 403, type: "UnrecognizedClientException",
                                               message: "The security token included in the request is invalid.")
        }
        return nil
    }
}
