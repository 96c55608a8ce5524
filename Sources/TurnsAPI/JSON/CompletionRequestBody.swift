import Foundation

/// The JSON body of a request, for both APIs and both wires: only the fields that are set, keys sorted.
struct CompletionRequestBody: Encodable {
    /// Anthropic's body names the model; Bedrock's path does.
    var model: String?
    /// Text Completions only.
    var prompt: String?
    var maxTokensToSample: Int?
    /// Messages only: the prompt mapped to `system` and `messages`, and the token limit.
    var system: String?
    var messages: [MessageParam]?
    var maxTokens: Int?
    var stopSequences: [String]?
    var temperature: Double?
    var topK: Int?
    var topP: Double?
    /// Anthropic only (Bedrock's body has no such field).
    var metadata: Metadata?
    /// Anthropic only, when streaming (Bedrock's path says it).
    var stream: Bool?
    /// Bedrock only.
    var anthropicVersion: String?
    var anthropicBeta: [String]?

    struct Metadata: Encodable {
        var userID: String

        enum CodingKeys: String, CodingKey {
            case userID = "user_id"
        }
    }

    enum CodingKeys: String, CodingKey {
        case model, prompt, maxTokensToSample = "max_tokens_to_sample", system, messages, maxTokens = "max_tokens"
        case stopSequences = "stop_sequences", temperature, topK = "top_k", topP = "top_p", metadata, stream
        case anthropicVersion = "anthropic_version", anthropicBeta = "anthropic_beta"
    }

    /// The body of `request` for `api`; the wire passes the fields it sends. A Messages request's prompt is mapped
    /// to messages (throws `.invalidRequest` when it cannot be).
    init(_ request: CompletionRequest, api: AnthropicAPI, model: String? = nil, userID: String? = nil,
         stream: Bool = false, anthropicVersion: String? = nil, anthropicBeta: [String]? = nil) throws(APIError) {
        if api == .messages {
            let prompt: MessagesPrompt
            if let messages = request.messages { prompt = messages } else { prompt = try MessagesPrompt(prompt: request.prompt) }
            system = prompt.system
            messages = prompt.messages
            maxTokens = request.maxTokensToSample
        } else {
            prompt = request.prompt
            maxTokensToSample = request.maxTokensToSample
        }
        self.model = model
        stopSequences = request.stopSequences
        temperature = request.temperature
        topK = request.topK
        topP = request.topP
        metadata = userID.map(Metadata.init(userID:))
        self.stream = stream ? true : nil
        self.anthropicVersion = anthropicVersion
        self.anthropicBeta = anthropicBeta
    }

    /// The JSON text, keys sorted.
    var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Request bodies hold strings, numbers and arrays of them, which always encode.
        return String(decoding: try! encoder.encode(self), as: UTF8.self)
    }
}
