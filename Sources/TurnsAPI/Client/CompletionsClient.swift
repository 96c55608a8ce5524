import TurnsCore
import TurnsHTTP

/// A Text Completions client: `create` for one JSON answer, `stream` / `events` for server-sent pieces.
///
/// Failures are thrown as `APIError`. Failed attempts are retried as the official SDK does (see
/// `RetryPolicy`), but never once completion text has streamed: then the text already delivered stands
/// and the error is thrown after it.
public final class CompletionsClient: Sendable {
    /// The configuration in use.
    public let configuration: ClientConfiguration
    /// The transport that carries the requests.
    public let transport: any HTTPTransport

    /// Creates a client.
    public init(_ configuration: ClientConfiguration, transport: any HTTPTransport) {
        self.configuration = configuration
        self.transport = transport
    }

    /// Sends `request` without streaming and returns the whole completion.
    public func create(_ request: CompletionRequest) async throws -> Completion {
        fatalError("CompletionsClient.create is not written yet")
    }

    /// Streams the completion's pieces; the last one carries the stop reason. Stopping iteration cancels the request.
    public func stream(_ request: CompletionRequest) -> AsyncThrowingStream<Completion, Error> {
        fatalError("CompletionsClient.stream is not written yet")
    }

    /// Streams everything that happens: the response starting, retries, and completion pieces.
    /// With `stream: false` the request asks for one JSON answer, delivered as a single `.completion`.
    public func events(_ request: CompletionRequest, stream: Bool = true) -> AsyncThrowingStream<CompletionEvent, Error> {
        fatalError("CompletionsClient.events is not written yet")
    }
}
