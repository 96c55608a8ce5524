import Foundation
import TurnsHTTP

/// How Bedrock's errors become `APIError`s: by the AWS error code first, then by the HTTP status.
public enum BedrockErrors {
    /// The error code as botocore normalises it: `code.split(':', 1)[0].rsplit('#', 1)[-1]`
    /// (`x-amzn-errortype` may carry a `:http://…` suffix or an `aws.protocols#` prefix).
    public static func normalizedCode(_ code: String) -> String {
        let beforeColon = code.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let afterHash = beforeColon.split(separator: "#", omittingEmptySubsequences: false).last ?? ""
        return String(afterHash).trimmingSpaces
    }

    /// The kind an AWS error code stands for, or nil when only the status can say (codes compare
    /// case-insensitively: in streams they are `throttlingException`, over HTTP `ThrottlingException`).
    /// Signature and key errors (`InvalidSignatureException`, `UnrecognizedClientException`, …) come with
    /// 403 and are left to the status, as the SDK maps them: `.permissionDenied`.
    public static func kind(forCode code: String) -> APIError.Kind? {
        switch code.lowercased() {
        case "validationexception": return .badRequest
        case "throttlingexception", "throttling", "throttledexception", "requestthrottledexception",
             "provisionedthroughputexceededexception", "toomanyrequestsexception":
            return .rateLimit
        case "accessdeniedexception": return .permissionDenied
        case "resourcenotfoundexception": return .notFound
        case "modeltimeoutexception": return .modelTimeout
        case "internalserverexception": return .internalServer
        case "serviceunavailableexception": return .serviceUnavailable
        case "servicequotaexceededexception": return .serviceQuotaExceeded
        case "modelnotreadyexception": return .modelNotReady
        case "modelerrorexception": return .modelError
        case "modelstreamerrorexception": return .apiStatus
        default: return nil
        }
    }

    /// The error a non-2xx response stands for: the code from `x-amzn-errortype` (else the body's
    /// `code`/`Code`/`__type`), the message from the body's `message`/`Message` (else its tidied text), and
    /// the `x-amzn-requestid`.
    public static func decodeError(status: Int, headers: [HTTPHeader], body: [UInt8]) -> APIError {
        let json = AWSErrorBody(body)
        let rawCode = headers.value(for: "x-amzn-errortype") ?? json?.code
        let code = rawCode.map(normalizedCode).flatMap { $0.isEmpty ? nil : $0 }
        let message = json?.message ?? ErrorBody.tidy(String(decoding: body, as: UTF8.self))
        let kind = code.flatMap(kind(forCode:)) ?? APIError.kind(forStatus: status, bedrock: true)
        return APIError(kind: kind, status: status, requestID: headers.value(for: "x-amzn-requestid"),
                        errorType: code, message: message)
    }

    /// The error an `exception` message inside a stream stands for (status 200, as the SSE stream's errors).
    static func streamException(type: String?, payload: [UInt8]) -> APIError {
        let message = AWSErrorBody(payload)?.message ?? ErrorBody.tidy(String(decoding: payload, as: UTF8.self))
        return streamError(code: type, message: message)
    }

    /// The error an `error` message (`:error-code`, `:error-message`) inside a stream stands for.
    static func streamError(code: String?, message: String?) -> APIError {
        let code = code.map(normalizedCode)
        return APIError(kind: code.flatMap(kind(forCode:)) ?? .apiStatus, status: 200, errorType: code,
                        message: message ?? "the stream reported an error")
    }
}

/// The JSON body of an AWS error: the code from `code`, `Code` or `__type`, the message from `message` or `Message`
/// with a `ModelStreamErrorException`'s `originalStatusCode` and `originalMessage` (a field of another type counts as absent).
struct AWSErrorBody: Decodable {
    var code: String?
    var message: String?

    /// The fields of `bytes`, or nil when they are not a JSON object.
    init?(_ bytes: [UInt8]) {
        guard let body = try? JSONDecoder().decode(AWSErrorBody.self, from: Data(bytes)) else { return nil }
        self = body
    }

    init(from decoder: any Decoder) throws {
        let fields = try decoder.container(keyedBy: LenientKey.self)
        code = fields.string("code") ?? fields.string("Code") ?? fields.string("__type")
        message = fields.string("message") ?? fields.string("Message")
        let status = try? fields.decodeIfPresent(Int.self, forKey: LenientKey(stringValue: "originalStatusCode"))
        let original = [status.map { "original status \($0)" }, fields.string("originalMessage")].compactMap { $0 }
        if !original.isEmpty { message = (message.map { $0 + " " } ?? "") + "(" + original.joined(separator: ": ") + ")" }
    }
}
