import NIOCore
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

    /// A responder that will answer `request` from the model.
    func responder(for request: CompleteRequest, requestID: String, keepAlive: Bool,
                   onFinished: @escaping (ChannelHandlerContext) -> Void) -> CompletionResponder {
        let generation = model.generate(prompt: request.prompt, parameters: request.settings, seed: seed,
                                        endsAnswers: endsAnswers)
        let encoder = CompletionEncoder(completionID: Identifiers.completionID(), model: request.settings.model)
        return CompletionResponder(generation: generation, encoder: encoder, stream: request.stream,
                                   tokensPerSecond: tokensPerSecond, requestID: requestID, keepAlive: keepAlive,
                                   onFinished: onFinished)
    }
}
