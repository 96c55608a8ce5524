import Foundation

/// Random ids in the API's style: a prefix and 24 base-62 characters (`req_…`, `compl_…`, `msg_…`).
enum Identifiers {
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// A new id: `prefix` (`req_` for a `request-id` header value) and 24 random base-62 characters.
    static func make(_ prefix: String) -> String {
        String(decoding: Array(prefix.utf8) + (0..<24).map { _ in alphabet.randomElement()! }, as: UTF8.self)
    }

    /// A new `x-amzn-RequestId` value: a lower-case UUID, as AWS sends.
    static func awsRequestID() -> String { UUID().uuidString.lowercased() }
}
