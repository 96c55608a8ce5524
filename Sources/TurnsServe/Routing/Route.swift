import NIOHTTP1
import TurnsAPI

/// What a request line asks for, by the API whose error shape answers it.
enum Route: Equatable {
    /// `/v1/complete`, `/v1/messages`, `/v1/models` and every unknown path, answered in the API's shape (PROTOCOL.md A).
    case api(APIRoute)
    /// `/model/{modelId}/invoke` or `…/invoke-with-response-stream`, answered in the AWS shape (PROTOCOL.md C.1):
    /// the operation, or nil when asked with another method than POST.
    case bedrock(BedrockServer.Route?)

    /// The route for a method and request target (any query string is ignored).
    init(method: HTTPMethod, uri: String) {
        let path = Route.path(of: uri)
        if path == "/v1/complete" {
            self = .api(method == .POST ? .complete : .methodNotAllowed(allowed: ["POST"]))
        } else if path == "/v1/messages" {
            self = .api(method == .POST ? .messages : .methodNotAllowed(allowed: ["POST"]))
        } else if path == "/v1/models" {
            self = .api(method == .GET ? .models : .methodNotAllowed(allowed: ["GET"]))
        } else if let bedrock = BedrockServer.route(path: String(path)) {
            self = .bedrock(method == .POST ? bedrock : nil)
        } else {
            self = .api(.notFound)
        }
    }

    /// The path part of a request target.
    static func path(of uri: String) -> Substring {
        uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? Substring(uri)
    }
}

/// A route of the Text Completions API.
enum APIRoute: Equatable {
    /// `POST /v1/complete`: a Text Completion.
    case complete
    /// `POST /v1/messages`: a Messages answer.
    case messages
    /// `GET /v1/models`: the models served.
    case models
    /// A known path asked with the wrong method.
    case methodNotAllowed(allowed: [String])
    /// No such path.
    case notFound
}
