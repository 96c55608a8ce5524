
/// An error answer of the server: HTTP status, the API's `error.type`, and a message a client can act on.
/// The body is the API's shape: `{"type":"error","error":{"type":…,"message":…},"request_id":…}` (PROTOCOL.md A.6).
struct ServeError: Error {
    /// The HTTP status.
    var status: Int
    /// The API's error type, e.g. `invalid_request_error`.
    var type: String
    /// What went wrong.
    var message: String
    /// Extra response headers (e.g. `allow` on a 405).
    var headers: [(String, String)] = []

    /// 400 `invalid_request_error`.
    static func invalidRequest(_ message: String) -> ServeError {
        ServeError(status: 400, type: "invalid_request_error", message: message)
    }

    /// 401 `authentication_error`, for a missing or wrong key (the key itself is never repeated).
    static let invalidAPIKey = ServeError(status: 401, type: "authentication_error", message: "invalid x-api-key")

    /// 404 `not_found_error`.
    static func notFound(method: String, path: String) -> ServeError {
        ServeError(status: 404, type: "not_found_error", message: "no such endpoint: \(method) \(path)")
    }

    /// 405 with the allowed methods.
    static func methodNotAllowed(method: String, path: String, allowed: [String]) -> ServeError {
        let list = allowed.joined(separator: ", ")
        return ServeError(status: 405, type: "invalid_request_error",
                          message: "method \(method) is not allowed on \(path); use \(list)",
                          headers: [("allow", list)])
    }

    /// 413 `request_too_large`.
    static func requestTooLarge(limit: Int) -> ServeError {
        ServeError(status: 413, type: "request_too_large",
                   message: "request body exceeds the maximum of \(limit / (1024 * 1024)) MB")
    }

    /// The JSON body for this error.
    func body(requestID: String) -> [UInt8] {
        ServeJSON.encode(Body(error: ["type": type, "message": message], requestID: requestID))
    }

    /// The API's error body.
    private struct Body: Encodable {
        var type = "error"
        var error: [String: String]
        var requestID: String
        private enum CodingKeys: String, CodingKey { case type, error, requestID = "request_id" }
    }
}
