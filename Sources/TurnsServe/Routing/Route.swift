import NIOHTTP1

/// What a request line asks for.
enum Route: Equatable {
    /// `POST /v1/complete`: a Text Completion (PROTOCOL.md A).
    case complete
    // Bedrock (another issue) adds its cases here: `POST /model/{modelId}/invoke` and
    // `POST /model/{modelId}/invoke-with-response-stream` (PROTOCOL.md C.1), answered by a handler beside
    // `CompletionResponder` that writes the same generation as Bedrock JSON / event-stream frames.

    /// A known path asked with the wrong method.
    case methodNotAllowed(allowed: [String])
    /// No such path.
    case notFound

    /// The route for a method and request target (any query string is ignored).
    init(method: HTTPMethod, uri: String) {
        let path = Route.path(of: uri)
        switch path {
        case "/v1/complete": self = method == .POST ? .complete : .methodNotAllowed(allowed: ["POST"])
        default: self = .notFound
        }
    }

    /// The path part of a request target.
    static func path(of uri: String) -> Substring {
        uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? Substring(uri)
    }
}
