import Foundation
import TurnsCore
import TurnsHTTP

/// A Text Completions client: `create` for one JSON answer, `stream` / `events` for the answer as it is generated.
///
/// The Swift counterpart of the official Python SDK's `Anthropic().completions`:
///
/// ```swift
/// let client = CompletionsClient()    // ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL from the environment
/// let completion = try await client.create(model: "claude-2.1", prompt: "\(humanPrompt) Hello\(aiPrompt)",
///                                          maxTokensToSample: 300)
/// print(completion.completion)
/// ```
///
/// Failures are thrown as `APIError`. Failed attempts are retried as the official SDK does (see
/// `RetryPolicy`), but never once completion text has streamed: then the text already delivered stands
/// and the error is thrown after it. Cancelling the task that awaits `create` or iterates a stream cancels
/// the HTTP request. A client holds no connection of its own, so one client can serve many tasks at once.
public final class CompletionsClient: Sendable {
    /// The configuration in use.
    public let configuration: ClientConfiguration
    /// The transport that carries the requests.
    public let transport: any HTTPTransport

    /// Creates a client for any backend (see `ClientConfiguration.anthropic(apiKey:baseURL:)` and
    /// `ClientConfiguration.bedrock(region:baseURL:profile:environment:)`), sending over libcurl by default.
    public init(_ configuration: ClientConfiguration, transport: any HTTPTransport = CurlTransport()) {
        self.configuration = configuration
        self.transport = transport
    }

    /// Creates a client for Anthropic's API, as the SDK's `Anthropic(...)` does.
    ///
    /// - Parameters:
    ///   - apiKey: sent as `x-api-key`; nil reads `ANTHROPIC_API_KEY` (with neither, requests fail with an
    ///     `.authentication` error naming the variable).
    ///   - baseURL: nil reads `ANTHROPIC_BASE_URL`, else `https://api.anthropic.com`.
    ///   - maxRetries: how many times a failed request is retried (the SDK's default: 2).
    ///   - timeout: seconds allowed for a whole request (the SDK's default for completions: 600).
    ///   - extraHeaders: headers sent with every request (the SDK's `default_headers`), in name order;
    ///     one named like a standard header replaces it.
    ///   - transport: what carries the requests (libcurl unless a test injects another).
    public convenience init(apiKey: String? = nil, baseURL: String? = nil, maxRetries: Int = 2, timeout: Double = 600,
                            extraHeaders: [String: String] = [:], transport: any HTTPTransport = CurlTransport()) {
        var configuration = ClientConfiguration.anthropic(apiKey: apiKey, baseURL: baseURL)
        configuration.maxRetries = maxRetries
        configuration.timeout = timeout
        configuration.extraHeaders = extraHeaders.sorted { $0.key < $1.key }.map { HTTPHeader($0.key, $0.value) }
        self.init(configuration, transport: transport)
    }

    /// Sends `request` without streaming and returns the whole completion.
    ///
    /// - Throws: `APIError`; of kind `.cancelled` when the calling task is cancelled.
    public func create(_ request: CompletionRequest) async throws(APIError) -> Completion {
        var result: Completion?
        do {
            for try await event in events(request, stream: false) {
                if case .completion(let completion) = event { result = completion }
            }
        } catch {
            throw Self.apiError(forTransportError: error)
        }
        guard let result else { throw APIError.cancelledByCaller }
        return result
    }

    /// Sends one request without streaming and returns the whole completion: the SDK's
    /// `client.completions.create(...)`, with its parameter names.
    ///
    /// - Parameters:
    ///   - model: the model to ask, e.g. `"claude-2.1"` (on Bedrock: the model id).
    ///   - prompt: the whole prompt, e.g. `"\(humanPrompt) Hello\(aiPrompt)"` or `Prompt.build(...)`.
    ///   - maxTokensToSample: the most tokens to generate (at least 1).
    ///   - stopSequences: extra texts that end the answer (the model always stops at `"\n\nHuman:"`).
    ///   - temperature: randomness from 0 to 1 (the server's default: 1).
    ///   - topK: sample only from the K likeliest tokens.
    ///   - topP: nucleus sampling, 0 to 1.
    ///   - metadata: the end user's opaque id, sent as `metadata.user_id`.
    /// - Throws: `APIError`; of kind `.cancelled` when the calling task is cancelled.
    public func create(model: String, prompt: String, maxTokensToSample: Int, stopSequences: [String]? = nil,
                       temperature: Double? = nil, topK: Int? = nil, topP: Double? = nil,
                       metadata: CompletionRequest.Metadata? = nil) async throws(APIError) -> Completion {
        try await create(CompletionRequest(model: model, prompt: prompt, maxTokensToSample: maxTokensToSample,
                                           stopSequences: stopSequences, temperature: temperature, topK: topK,
                                           topP: topP, userID: metadata?.userID))
    }

    /// Streams one completion as it is generated: the SDK's `client.completions.create(..., stream=True)`,
    /// with its parameter names. Each element is a delta (its new text, `model` set); the last one carries
    /// `stopReason`. See `stream(_:)` for how deltas are grouped and when the request is cancelled; failures are
    /// thrown as `APIError`.
    ///
    /// - Parameters: as for `create(model:prompt:maxTokensToSample:stopSequences:temperature:topK:topP:metadata:)`.
    public func stream(model: String, prompt: String, maxTokensToSample: Int, stopSequences: [String]? = nil,
                       temperature: Double? = nil, topK: Int? = nil, topP: Double? = nil,
                       metadata: CompletionRequest.Metadata? = nil) -> AsyncThrowingStream<CompletionDelta, Error> {
        stream(CompletionRequest(model: model, prompt: prompt, maxTokensToSample: maxTokensToSample,
                                 stopSequences: stopSequences, temperature: temperature, topK: topK, topP: topP,
                                 userID: metadata?.userID))
    }

    /// Streams the completion as deltas; the last one carries the stop reason. Stopping iteration, or
    /// cancelling the task that iterates, cancels the HTTP request. Failures are thrown as `APIError`.
    ///
    /// One delta holds what one network read brought (the texts of its server events concatenated, the last
    /// stop reason, model and id kept), so a fast stream costs one hand-over per read, not per token. Deltas
    /// that say nothing are not delivered. A failure after some deltas is thrown after them.
    public func stream(_ request: CompletionRequest) -> AsyncThrowingStream<CompletionDelta, Error> {
        makeStream(request, streaming: true) { event in
            if case .delta(let delta) = event { return delta }
            return nil
        }
    }

    /// Streams everything that happens: the response starting, retries, and the answer: deltas, or with
    /// `stream: false` (the request asks for one JSON answer) a single `.completion`.
    ///
    /// Deltas are grouped per network read as `stream(_:)` describes. A retry happens only before any text
    /// was delivered, so `.responseStarted` may come again after `.retrying`. Dropping the stream or
    /// cancelling the consuming task cancels the request and its transfer.
    public func events(_ request: CompletionRequest, stream: Bool = true) -> AsyncThrowingStream<CompletionEvent, Error> {
        makeStream(request, streaming: stream) { $0 }
    }

    // MARK: - Running a request

    private func makeStream<Element: Sendable>(
        _ request: CompletionRequest, streaming: Bool,
        transform: @escaping @Sendable (CompletionEvent) -> Element?
    ) -> AsyncThrowingStream<Element, Error> {
        let (stream, continuation) = AsyncThrowingStream<Element, Error>.makeStream()
        let task = Task { [self] in
            do {
                try await perform(request, streaming: streaming) { event in
                    if let element = transform(event) { continuation.yield(element) }
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Validates, then runs attempts until one succeeds, a failure may not be retried, or retries run out.
    private func perform(_ request: CompletionRequest, streaming: Bool,
                         emit: @escaping @Sendable (CompletionEvent) -> Void) async throws {
        switch configuration.backend {
        case .anthropic(let apiKey, let baseURL):
            let wire = AnthropicWire(apiKey: apiKey, authToken: configuration.authToken, baseURL: baseURL,
                                     extraHeaders: configuration.extraHeaders)
            try await perform(request, streaming: streaming, over: wire, emit: emit)
        case .bedrock(let options):
            // The retry policy's clock also dates the signature, so tests that fix one fix both.
            let wire = BedrockWire(options: options, extraHeaders: configuration.extraHeaders,
                                   now: configuration.retryPolicy.now)
            try await perform(request, streaming: streaming, over: wire, emit: emit)
        }
    }

    private func perform<Wire: CompletionWire>(_ request: CompletionRequest, streaming: Bool, over wire: Wire,
                                               emit: @escaping @Sendable (CompletionEvent) -> Void) async throws {
        do {
            try request.settings.validate()
        } catch {
            throw APIError(kind: .invalidRequest, message: error.description)
        }
        // The prompt's shape is not checked here: PromptFormat.validate is advice, the server decides.
        let api = request.api.api(forModel: request.model)
        // Once a completion reached the consumer, nothing is retried.
        var delivered = false
        try await withRetries(secrets: wire.secrets, mayRetry: { !delivered }, onRetry: { emit(.retrying($0)) }) {
            // Made for each attempt: a Bedrock signature is dated, and one older than five minutes is refused.
            let httpRequest: HTTPRequest
            do throws(APIError) {
                httpRequest = try wire.makeRequest(request, stream: streaming, timeouts: timeouts(streaming: streaming))
            } catch {
                throw error.redacting(wire.secrets)
            }
            try await exchange(httpRequest, api: api, streaming: streaming, over: wire, delivered: &delivered, emit: emit)
        }
    }

    /// Runs `attempt` until it returns, fails in a way the retry policy does not retry, or the retries run out. An
    /// `AttemptFailure` is judged by the policy; any other error ends the request at once.
    func withRetries<T>(secrets: [String], mayRetry: () -> Bool = { true }, onRetry: (RetryNotice) -> Void = { _ in },
                        _ attempt: () async throws -> T) async throws -> T {
        let policy = configuration.retryPolicy
        var retriesTaken = 0
        while true {
            let failure: AttemptFailure
            do {
                return try await attempt()
            } catch let caught as AttemptFailure {
                failure = caught
            }
            if Task.isCancelled { throw APIError.cancelledByCaller }
            let error = failure.error.redacting(secrets)
            guard mayRetry(), retriesTaken < configuration.maxRetries, policy.shouldRetry(error, headers: failure.headers)
            else { throw error }
            let delay = policy.delay(retriesTaken: retriesTaken, headers: failure.headers)
            retriesTaken += 1
            onRetry(RetryNotice(attempt: retriesTaken, maxRetries: configuration.maxRetries, delay: delay, error: error))
            do {
                try await policy.sleep(delay)
            } catch {
                throw APIError.cancelledByCaller
            }
            if Task.isCancelled { throw APIError.cancelledByCaller }
        }
    }

    /// The transport's limits: as the SDK's `Timeout(600, connect=5)`, `timeout` bounds the wait between reads, not
    /// a whole answer (a long one may stream for longer); a stream also fails after `idleTimeout` of silence.
    func timeouts(streaming: Bool) -> HTTPTimeouts {
        let betweenReads = configuration.timeout > 0 && configuration.timeout.isFinite ? configuration.timeout : .infinity
        return HTTPTimeouts(connect: configuration.connectTimeout,
                            idle: streaming ? min(configuration.idleTimeout, betweenReads) : betweenReads, total: nil)
    }

    /// Sends the request once and delivers what comes back.
    private func exchange<Wire: CompletionWire>(_ httpRequest: HTTPRequest, api: AnthropicAPI, streaming: Bool, over wire: Wire,
                                                delivered: inout Bool,
                                                emit: @Sendable (CompletionEvent) -> Void) async throws(AttemptFailure) {
        var head: HTTPResponseHead?
        var requestID: String?
        var succeeded = false
        var decoder = wire.makeStreamDecoder(api: api)
        var body: [UInt8] = []
        var lastModel: String?
        var lastID: String?
        var lastUsage: TokenUsage?
        /// The failure for a decoding error, with the response's request id when the error carries none.
        func failure(_ error: APIError, _ head: HTTPResponseHead) -> AttemptFailure {
            var error = error
            error.requestID = error.requestID ?? requestID
            return AttemptFailure(error, headers: head.headers)
        }
        do {
            for try await part in transport.execute(httpRequest) {
                switch part {
                case .head(let received):
                    head = received
                    requestID = wire.requestID(in: received.headers)
                    succeeded = (200..<300).contains(received.status)
                    if succeeded { emit(.responseStarted(ResponseInfo(status: received.status, requestID: requestID))) }
                case .body(let bytes):
                    guard let head else {
                        throw AttemptFailure(APIError(kind: .malformedResponse, message: "body bytes arrived before the response head"))
                    }
                    guard succeeded && streaming else {
                        if succeeded || body.count < Self.maxErrorBodyBytes { body.append(contentsOf: bytes) }
                        continue
                    }
                    let batch = decoder.feed(bytes)
                    if var delta = batch.delta {
                        lastModel = delta.model ?? lastModel
                        lastID = delta.id ?? lastID
                        lastUsage = delta.usage ?? lastUsage
                        if !delta.text.isEmpty || delta.stopReason != nil {
                            delta.model = lastModel
                            delta.id = lastID
                            delta.usage = lastUsage
                            delivered = true
                            emit(.delta(delta))
                        }
                    }
                    if let error = batch.error { throw failure(error, head) }
                }
            }
        } catch let failure as AttemptFailure {
            throw failure
        } catch {
            throw AttemptFailure(Self.apiError(forTransportError: error))
        }
        // A transport stream cut short by cancellation simply ends; that is not the server's doing.
        if Task.isCancelled { throw AttemptFailure(APIError.cancelledByCaller) }
        guard let head else {
            throw AttemptFailure(APIError(kind: .connection, message: "the connection closed before a response arrived"))
        }
        guard succeeded else {
            throw AttemptFailure(wire.decodeError(status: head.status, headers: head.headers, body: body), headers: head.headers)
        }
        if streaming {
            if let error = decoder.finish() { throw failure(error, head) }
        } else {
            do throws(APIError) {
                let completion = try wire.decodeCompletion(body, headers: head.headers, api: api)
                delivered = true
                emit(.completion(completion))
            } catch {
                throw failure(error, head)
            }
        }
    }

    /// Error bodies are read up to this size; the message needs only the start.
    static let maxErrorBodyBytes = 1 << 20

    /// The `APIError` for a failure below HTTP: timeouts, connection failures, or cancellation.
    static func apiError(forTransportError error: any Error) -> APIError {
        if let error = error as? APIError { return error }
        if let error = error as? TransportError {
            if error == .cancelled { return .cancelledByCaller }
            // Not a network failure: retrying would meet the same redirect.
            if case .redirectRefused = error { return APIError(kind: .apiStatus, message: error.description) }
            return APIError(kind: error.isTimeout ? .timeout : .connection, message: error.description)
        }
        if error is CancellationError { return .cancelledByCaller }
        return APIError(kind: .connection, message: String(describing: error))
    }
}

// MARK: - Helpers

/// A failed attempt: the error, and the response headers that say whether and when to retry.
struct AttemptFailure: Error {
    var error: APIError
    var headers: [HTTPHeader]

    init(_ error: APIError, headers: [HTTPHeader] = []) {
        self.error = error
        self.headers = headers
    }
}

extension APIError {
    /// The error for a request its caller cancelled.
    static let cancelledByCaller = APIError(kind: .cancelled, message: "the request was cancelled")

    /// Secrets shorter than this are not masked: masking a short string would garble ordinary words.
    static let minimumMaskedSecretLength = 8

    /// The error with every secret replaced by `[redacted]` in all of its texts.
    func redacting(_ secrets: [String]) -> APIError {
        var copy = self
        for secret in secrets where secret.count >= Self.minimumMaskedSecretLength {
            copy.message = copy.message.replacingOccurrences(of: secret, with: "[redacted]")
            copy.errorType = copy.errorType?.replacingOccurrences(of: secret, with: "[redacted]")
            copy.requestID = copy.requestID?.replacingOccurrences(of: secret, with: "[redacted]")
        }
        return copy
    }
}
