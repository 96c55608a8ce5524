import Foundation

/// Random ids in the API's style: a prefix and 24 base-62 characters (`req_…`, `compl_…`).
enum Identifiers {
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// A new `request-id` header value.
    static func requestID() -> String { make(prefix: "req_") }

    /// A new completion id.
    static func completionID() -> String { make(prefix: "compl_") }

    /// A new message id.
    static func messageID() -> String { make(prefix: "msg_") }

    /// A new `x-amzn-RequestId` value: a lower-case UUID, as AWS sends.
    static func awsRequestID() -> String { UUID().uuidString.lowercased() }

    private static func make(prefix: String) -> String {
        var random = SystemRandomNumberGenerator()
        var bytes = Array(prefix.utf8)
        for _ in 0..<24 { bytes.append(alphabet[Int(random.next(upperBound: UInt8(alphabet.count)))]) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
