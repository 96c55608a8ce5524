import Foundation

/// The JSON body of a Text Completions request, for both wires: only the fields that are set, keys sorted.
struct CompletionRequestBody: Encodable {
    /// Anthropic's body names the model; Bedrock's path does.
    var model: String?
    var prompt: String
    var maxTokensToSample: Int
    var stopSequences: [String]?
    var temperature: Double?
    var topK: Int?
    var topP: Double?
    /// Anthropic only (Bedrock's body has no such field).
    var metadata: Metadata?
    /// Anthropic only, when streaming (Bedrock's path says it).
    var stream: Bool?
    /// Bedrock only, when configured.
    var anthropicVersion: String?

    struct Metadata: Encodable {
        var userID: String

        enum CodingKeys: String, CodingKey {
            case userID = "user_id"
        }
    }

    enum CodingKeys: String, CodingKey {
        case model, prompt, maxTokensToSample = "max_tokens_to_sample", stopSequences = "stop_sequences"
        case temperature, topK = "top_k", topP = "top_p", metadata, stream, anthropicVersion = "anthropic_version"
    }

    /// The sampling fields of `request`; the wire adds its own.
    init(_ request: CompletionRequest) {
        prompt = request.prompt
        maxTokensToSample = request.maxTokensToSample
        stopSequences = request.stopSequences
        temperature = request.temperature
        topK = request.topK
        topP = request.topP
    }

    /// The JSON text.
    var json: String { Self.sortedJSON(self) }

    /// A request body as JSON text, keys sorted.
    static func sortedJSON(_ body: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Request bodies hold strings, numbers and arrays of them, which always encode.
        return String(decoding: try! encoder.encode(body), as: UTF8.self)
    }
}
