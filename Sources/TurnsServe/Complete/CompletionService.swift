import NIOCore
import NIOHTTP1
import TurnsAPI
import TurnsLocal

/// What every connection of one server shares: the trained model and the server's settings. Immutable, so it
/// crosses event-loop threads freely; the model is trained once per server, never per request.
struct CompletionService: Sendable {
    /// The largest request body accepted (the API's limit for standard endpoints, PROTOCOL.md A.6).
    static let maxBodyBytes = 32 * 1024 * 1024

    let model: LocalModel
    let apiKey: String?
    let tokensPerSecond: Double
    let seed: UInt64?
    let endsAnswers: Bool
    /// Who may call the Bedrock paths.
    let bedrockAuthentication: BedrockAuthentication

    /// A responder that will answer a `/v1/complete` `request` from the model.
    func responder(for request: CompleteRequest, requestID: String, keepAlive: Bool,
                   onFinished: @escaping (ChannelHandlerContext) -> Void) -> CompletionResponder<CompletionEncoder> {
        let generation = model.generate(prompt: request.prompt, parameters: request.settings, seed: seed,
                                        endsAnswers: endsAnswers)
        let encoder = CompletionEncoder(completionID: Identifiers.completionID(), model: request.settings.model,
                                        requestID: requestID)
        return CompletionResponder(generation: generation, encoder: encoder, stream: request.stream,
                                   tokensPerSecond: tokensPerSecond, keepAlive: keepAlive, onFinished: onFinished)
    }

    /// A responder that will answer a `/v1/messages` `request` from the model.
    func responder(for request: MessagesRequest, requestID: String, keepAlive: Bool,
                   onFinished: @escaping (ChannelHandlerContext) -> Void) -> CompletionResponder<MessagesEncoder> {
        let generation = model.generate(prompt: request.prompt, parameters: request.settings, seed: seed,
                                        endsAnswers: endsAnswers)
        let encoder = MessagesEncoder(messageID: Identifiers.messageID(), model: request.settings.model,
                                      requestID: requestID, inputTokens: Self.tokenCount(request.prompt))
        return CompletionResponder(generation: generation, encoder: encoder, stream: request.stream,
                                   tokensPerSecond: tokensPerSecond, keepAlive: keepAlive, onFinished: onFinished)
    }

    /// A responder that will answer a Bedrock `request` from the model, with the same generation, pacing and
    /// backpressure as `/v1/complete`.
    func responder(for request: BedrockRequest, requestID: String, keepAlive: Bool,
                   onFinished: @escaping (ChannelHandlerContext) -> Void) -> any ActiveAnswer {
        let generation = model.generate(prompt: request.prompt, parameters: request.settings, seed: seed,
                                        endsAnswers: endsAnswers)
        let inputTokens = Self.tokenCount(request.prompt)
        if request.api == .messages {
            let encoder = MessagesEncoder(messageID: Identifiers.messageID(), model: request.settings.model,
                                          requestID: requestID, inputTokens: inputTokens, framing: .bedrock)
            return CompletionResponder(generation: generation, encoder: encoder, stream: request.stream,
                                       tokensPerSecond: tokensPerSecond, keepAlive: keepAlive, onFinished: onFinished)
        }
        let encoder = BedrockAnswerEncoder(requestID: requestID, inputTokens: inputTokens)
        return CompletionResponder(generation: generation, encoder: encoder, stream: request.stream,
                                   tokensPerSecond: tokensPerSecond, keepAlive: keepAlive, onFinished: onFinished)
    }

    /// The prompt's length in the local model's tokens (Bedrock's `inputTokenCount`).
    static func tokenCount(_ prompt: String) -> Int {
        var text = prompt
        return text.withUTF8 { Tokenizer.tokenRanges($0).count }
    }
}
