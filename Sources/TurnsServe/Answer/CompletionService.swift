import NIOCore
import TurnsAPI
import TurnsLocal

/// What every connection of one server shares: the trained model and the server's settings. Immutable, so it
/// crosses event-loop threads freely; the model is trained once per server, never per request.
struct CompletionService: Sendable {
    /// The largest request body accepted (the API's limit for standard endpoints, PROTOCOL.md A.6).
    static let maxBodyBytes = 32 * 1024 * 1024

    /// The server's settings.
    let options: CompletionServer.Options
    /// Checks Bedrock signatures when the server has an AWS key pair.
    let verifier: SigV4Verifier?

    /// A responder that will answer `request` from the model, on Bedrock or the API's own wire.
    func responder(for request: ServeRequest, bedrock: Bool, requestID: String, keepAlive: Bool,
                   onFinished: @escaping (ChannelHandlerContext) -> Void) -> CompletionResponder {
        let generation = options.model.generate(prompt: request.prompt, parameters: request.settings, seed: options.seed,
                                                endsAnswers: options.endsAnswers)
        var prompt = request.prompt
        let inputTokens = prompt.withUTF8 { Tokenizer.tokenRanges($0).count }
        let id = Identifiers.make(request.api == .complete ? "compl_" : "msg_")
        let encoder = AnswerEncoder(api: request.api, bedrock: bedrock, id: id, model: request.settings.model,
                                    requestID: requestID, inputTokens: inputTokens)
        return CompletionResponder(generation: generation, encoder: encoder, stream: request.stream,
                                   tokensPerSecond: options.tokensPerSecond, keepAlive: keepAlive, onFinished: onFinished)
    }
}
