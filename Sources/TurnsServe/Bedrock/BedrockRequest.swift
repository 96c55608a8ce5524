import TurnsAPI
import TurnsCore

/// A checked Bedrock text-completion request: the body of `POST /model/{modelId}/invoke` or
/// `…/invoke-with-response-stream` (PROTOCOL.md C.4) with its settings in range and its prompt well formed.
struct BedrockRequest: Equatable {
    /// The prompt, starting with a Human turn and ending with an Assistant turn.
    var prompt: String
    /// The model id from the path, `max_tokens_to_sample`, temperature, top_k, top_p and stop_sequences.
    var settings: SamplingSettings
    /// True for `invoke-with-response-stream`.
    var stream: Bool

    /// The longest model id Bedrock accepts (`InvokeModelIdentifier`).
    static let maxModelIDLength = 2048

    /// Reads and checks a request. Every problem is a `ValidationException` (400) in Bedrock's words for the
    /// body's shape, and in the same words as `/v1/complete` for ranges and the prompt.
    static func parse(route: BedrockServer.Route, body: [UInt8]) -> Result<BedrockRequest, BedrockRefusal> {
        guard route.modelID.count <= maxModelIDLength else {
            return .failure(validation("1 validation error detected: Value at 'modelId' failed to satisfy constraint: "
                + "Member must have length less than or equal to \(maxModelIDLength)"))
        }
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
