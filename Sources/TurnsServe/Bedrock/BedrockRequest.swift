import Foundation
import TurnsAPI
import TurnsCore

/// A checked Bedrock request: the body of `POST /model/{modelId}/invoke` or `…/invoke-with-response-stream`,
/// Text Completions (PROTOCOL.md C.4) or Messages (E.4), with its settings in range and its prompt well formed.
struct BedrockRequest: Equatable {
    /// The prompt, starting with a Human turn and ending with an Assistant turn.
    var prompt: String
    /// The model id from the path, `max_tokens_to_sample`, temperature, top_k, top_p and stop_sequences.
    var settings: SamplingSettings
    /// True for `invoke-with-response-stream`.
    var stream: Bool
    /// Which API's body it was, and so which answer it gets.
    var api: AnthropicAPI = .complete

    /// The longest model id Bedrock accepts (`InvokeModelIdentifier`).
    static let maxModelIDLength = 2048

    /// Reads and checks a request. Every problem is a `ValidationException` (400) in Bedrock's words for the
    /// body's shape, and in the same words as `/v1/complete` for ranges and the prompt.
    static func parse(route: BedrockServer.Route, body: [UInt8]) -> Result<BedrockRequest, BedrockRefusal> {
        guard route.modelID.count <= maxModelIDLength else {
            return .failure(validation("1 validation error detected: Value at 'modelId' failed to satisfy constraint: "
                + "Member must have length less than or equal to \(maxModelIDLength)"))
        }
        if let messages = parseMessages(route: route, body: body) { return messages }
        let request: CompletionRequest
        do throws(BedrockServer.RequestError) {
            request = try BedrockServer.completionRequest(body: body, modelID: route.modelID)
        } catch {
            return .failure(BedrockRefusal(error.response))
        }
        let settings = request.settings
        do throws(SettingsError) {
            try settings.validate()
        } catch {
            return .failure(validation(error.description))
        }
        if let problem = PromptFormat.validate(request.prompt) { return .failure(validation(problem.description)) }
        return .success(BedrockRequest(prompt: request.prompt, settings: settings, stream: route.streaming))
    }

    /// A Messages body (one with `messages`), read as `/v1/messages` reads it with the path's model; nil for another.
    private static func parseMessages(route: BedrockServer.Route, body: [UInt8]) -> Result<BedrockRequest, BedrockRefusal>? {
        struct Keys: Decodable {
            var messages: AnyDecodable?
            var anthropicVersion: String?
            enum CodingKeys: String, CodingKey { case messages, anthropicVersion = "anthropic_version" }
            struct AnyDecodable: Decodable { init(from decoder: any Decoder) throws {} }
        }
        guard let keys = try? JSONDecoder().decode(Keys.self, from: Data(body)), keys.messages != nil else { return nil }
        guard keys.anthropicVersion != nil else {
            return .failure(BedrockRefusal(BedrockServer.RequestError.missingKey("anthropic_version").response))
        }
        let parsed = body.withUnsafeBytes { MessagesRequest.parse(body: $0, model: route.modelID) }
        switch parsed {
        case .failure(let error): return .failure(validation(error.message))
        case .success(let request):
            return .success(BedrockRequest(prompt: request.prompt, settings: request.settings, stream: route.streaming,
                                           api: .messages))
        }
    }

    private static func validation(_ message: String) -> BedrockRefusal {
        BedrockRefusal(BedrockServer.ErrorResponse(status: 400, type: "ValidationException", message: message))
    }
}

/// A Bedrock request the server refuses, with the AWS-shaped answer to send.
struct BedrockRefusal: Error, Equatable {
    /// The status, error code and message.
    var response: BedrockServer.ErrorResponse

    /// Wraps an answer.
    init(_ response: BedrockServer.ErrorResponse) { self.response = response }
}
