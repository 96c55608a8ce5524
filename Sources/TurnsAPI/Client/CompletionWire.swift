import TurnsHTTP

/// How one backend puts Text Completions on the wire: the request, the streamed and whole responses,
/// and the errors. `CompletionsClient` runs the same attempt-and-retry loop over any of them, so a
/// second backend (Bedrock) is one more conforming type.
protocol CompletionWire: Sendable {
    /// The decoder of this backend's streamed body.
    associatedtype StreamDecoder: CompletionStreamDecoding

    /// The HTTP request for `request`, streaming or not; throws when it cannot be sent (e.g. no key).
    func makeRequest(_ request: CompletionRequest, stream: Bool, timeouts: HTTPTimeouts) throws(APIError) -> HTTPRequest
    /// A fresh decoder for one streamed response body of `api`.
    func makeStreamDecoder(api: AnthropicAPI) -> StreamDecoder
    /// The completion in a whole 2xx response body of `api`, with what its headers say.
    func decodeCompletion(_ body: [UInt8], headers: [HTTPHeader], api: AnthropicAPI) throws(APIError) -> Completion
    /// The error a non-2xx response stands for.
    func decodeError(status: Int, headers: [HTTPHeader], body: [UInt8]) -> APIError
    /// The request id the response head carries, if any.
    func requestID(in headers: [HTTPHeader]) -> String?
    /// Secrets this wire sends, which must be masked in any message shown to people.
    var secrets: [String] { get }
}

/// Decodes a streamed completion body, read by read.
protocol CompletionStreamDecoding {
    /// Decodes the next bytes of the body.
    mutating func feed(_ bytes: [UInt8]) -> CompletionStreamBatch
    /// Ends the body: the error to report when the answer is incomplete, else nil.
    mutating func finish() -> APIError?
}

extension CompletionStreamParser: CompletionStreamDecoding {}
