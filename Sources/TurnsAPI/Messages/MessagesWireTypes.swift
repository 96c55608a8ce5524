import Foundation

/// A whole Messages answer (`"type": "message"`), as far as turns reads it.
struct MessageBody: Decodable {
    var id: String?
    var model: String?
    var content: [ContentBlock]
    var stopReason: String?
    var stopSequence: String?
    var usage: TokenUsage?

    enum CodingKeys: String, CodingKey {
        case id, model, content, usage
        case stopReason = "stop_reason", stopSequence = "stop_sequence"
    }

    /// A content block: only `text` blocks carry answer text.
    struct ContentBlock: Decodable {
        var type: String
        var text: String?
    }

    /// The answer's text: every text block's, in order.
    var text: String { content.filter { $0.type == "text" }.compactMap(\.text).joined() }

    /// The completion a whole 2xx Messages response body holds; a body that is not a message is `.malformedResponse`.
    static func response(_ body: [UInt8]) throws(APIError) -> Completion {
        let message: MessageBody
        do {
            message = try JSONDecoder().decode(MessageBody.self, from: Data(body))
        } catch {
            throw APIError(kind: .malformedResponse, status: 200,
                           message: "the response could not be read as a message: \(WireDecodingError(error).description)")
        }
        return Completion(id: message.id, completion: message.text, stopReason: message.stopReason,
                          stop: message.stopSequence, model: message.model, usage: message.usage)
    }
}

/// Tokens a Messages request used, as the API counts them.
public struct TokenUsage: Sendable, Hashable, Codable {
    /// Tokens of the prompt.
    public var inputTokens: Int?
    /// Tokens of the answer so far (cumulative in a stream).
    public var outputTokens: Int?

    enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens", outputTokens = "output_tokens"
    }

    /// These counts, with any count `later` has replacing this one's (stream usage is cumulative, not added).
    func updated(by later: TokenUsage?) -> TokenUsage {
        TokenUsage(inputTokens: later?.inputTokens ?? inputTokens, outputTokens: later?.outputTokens ?? outputTokens)
    }
}
