import NIOHTTP1
import TurnsAPI

/// What a request line asks for.
enum Route: Equatable {
    /// `POST /v1/complete`: a Text Completion (PROTOCOL.md A).
    case complete
    /// `POST /model/{modelId}/invoke` or `…/invoke-with-response-stream`: Bedrock Runtime (PROTOCOL.md C.1).
    case bedrock(BedrockServer.Route)
    /// A Bedrock path asked with another method than POST (answered in the AWS error shape).
    case bedrockMethodNotAllowed

    /// A known path asked with the wrong method.
    case methodNotAllowed(allowed: [String])
    /// No such path.
    case notFound

    /// The route for a method and request target (any query string is ignored).
    init(method: HTTPMethod, uri: String) {
        let path = Route.path(of: uri)
        if path == "/v1/complete" {
            self = method == .POST ? .complete : .methodNotAllowed(allowed: ["POST"])
        } else if let bedrock = BedrockServer.route(path: String(path)) {
            self = method == .POST ? .bedrock(bedrock) : .bedrockMethodNotAllowed
        } else {
            self = .notFound
        }
    }

    /// The path part of a request target.
    static func path(of uri: String) -> Substring {
        uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? Substring(uri)
    }
}
