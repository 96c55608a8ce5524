import Foundation
import TurnsAPI
import TurnsHTTP

/// What a server speaking Bedrock Runtime (`turns serve`) needs besides `SigV4Verifier`: reading the
/// route and body of a request, and writing answers, event-stream frames and AWS-shaped errors exactly as
/// Bedrock does, so botocore and `BedrockWire` accept them.
public enum BedrockServer {
    /// The operation a request path names.
    public struct Route: Sendable, Hashable {
        /// The model id, percent-decoded (`anthropic.claude-v2:1`).
        public var modelID: String
        /// True for `invoke-with-response-stream`, false for `invoke`.
        public var streaming: Bool
    }

    /// The route of `POST /model/{modelId}/invoke` or `…/invoke-with-response-stream` (path as received,
    /// query ignored), or nil for any other path.
    public static func route(path: String) -> Route? {
        let parts = path.prefix { $0 != "?" }.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0].isEmpty, parts[1] == "model", !parts[2].isEmpty,
              let streaming = ["invoke": false, "invoke-with-response-stream": true][parts[3]] else { return nil }
        return Route(modelID: PercentEncoding.decode(parts[2]), streaming: streaming)
    }

    /// The completion request a Bedrock text-completion body asks for: `prompt` and
    /// `max_tokens_to_sample` required; `temperature`, `top_k`, `top_p`, `stop_sequences` and
    /// `anthropic_version` optional; any other key refused, as Bedrock refuses it.
    ///
    /// - Throws: `BedrockServer.RequestError` (a `ValidationException`) saying what is wrong.
    public static func completionRequest(body: [UInt8], modelID: String) throws(RequestError) -> CompletionRequest {
        do {
            var request = try JSONDecoder().decode(BedrockBody.self, from: Data(body)).request
            request.model = modelID
            return request
        } catch let error as RequestError {
            throw error
        } catch {
            throw RequestError("Malformed input request: the body is not valid JSON, please reformat your input and try again.")
        }
    }

    /// A request body Bedrock would refuse with `ValidationException` (400).
    public struct RequestError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The message, in Bedrock's words.
        public var message: String

        /// Creates an error.
        public init(_ message: String) { self.message = message }

        static func missingKey(_ key: String) -> RequestError {
            RequestError("Malformed input request: required key [\(key)] not found, please reformat your input and try again.")
        }

        static func wrongType(_ key: String, _ type: String) -> RequestError {
            RequestError("Malformed input request: #/\(key): expected type: \(type), please reformat your input and try again.")
        }

        /// The error as an AWS response: 400 `ValidationException`.
        public var response: ErrorResponse { ErrorResponse(status: 400, type: "ValidationException", message: message) }

        /// The message.
        public var description: String { message }
    }

    /// An AWS rest-json error answer: the status, `x-amzn-ErrorType`, and the body `{"message":"…"}`.
    public struct ErrorResponse: Error, Sendable, Hashable {
        /// The HTTP status.
        public var status: Int
        /// The error code, e.g. `ThrottlingException`.
        public var type: String
        /// The message.
        public var message: String

        /// Creates an error answer.
        public init(status: Int, type: String, message: String) {
            self.status = status
            self.type = type
            self.message = message
        }

        /// The answer to a request whose signature `SigV4Verifier` refused (403).
        public init(_ failure: SigV4VerificationError) {
            self.init(status: failure.httpStatus, type: failure.awsErrorType, message: failure.awsMessage)
        }

        /// `Content-Type: application/json` and `x-amzn-ErrorType` (add `x-amzn-RequestId` as for any answer).
        public var headers: [HTTPHeader] {
            [HTTPHeader("Content-Type", "application/json"), HTTPHeader("x-amzn-ErrorType", type)]
        }

        /// `{"message":"…"}`.
        public var body: [UInt8] { ServeJSON.encode(["message": message]) }
    }

    // MARK: - Answers

    /// The model JSON of a completion: `{"completion":…,"stop":…,"stop_reason":…}` (nulls written), plus
    /// `amazon-bedrock-invocationMetrics` when given (Bedrock adds it to the last chunk).
    public static func completionJSON(_ completion: Completion, metrics: InvocationMetrics? = nil) -> [UInt8] {
        ServeJSON.encode(CompletionJSON(completion: completion.completion, stopReason: .init(completion.stopReason),
                                        stop: .init(completion.stop), metrics: metrics))
    }

    /// The counts and times Bedrock reports in the last chunk of a stream.
    public struct InvocationMetrics: Sendable, Hashable, Encodable {
        /// Prompt tokens.
        public var inputTokenCount: Int
        /// Generated tokens.
        public var outputTokenCount: Int
        /// Milliseconds for the whole invocation.
        public var invocationLatency: Int
        /// Milliseconds to the first byte.
        public var firstByteLatency: Int
    }

    /// The `chunk` event carrying one completion piece: headers `:event-type chunk`, `:content-type
    /// application/json`, `:message-type event`, payload `{"bytes":"<base64 model JSON>"}`.
    public static func chunkMessage(_ piece: Completion, metrics: InvocationMetrics? = nil) -> EventStreamMessage {
        chunkMessage(modelJSON: completionJSON(piece, metrics: metrics))
    }

    /// The payload of a `chunk` event carrying `modelJSON`: `{"bytes":"<base64>"}` (base64 needs no escaping).
    public static func chunkPayload(modelJSON: [UInt8]) -> [UInt8] {
        Array(#"{"bytes":""#.utf8) + Array(Data(modelJSON).base64EncodedString().utf8) + Array(#""}"#.utf8)
    }

    static func chunkMessage(modelJSON: [UInt8]) -> EventStreamMessage {
        message(":event-type", "chunk", kind: "event", payload: chunkPayload(modelJSON: modelJSON))
    }

    /// The wire bytes of the `chunk` event carrying `modelJSON` (always within the event stream's limits).
    static func chunkFrame(modelJSON: [UInt8]) -> [UInt8] {
        (try? EventStreamEncoder.encode(chunkMessage(modelJSON: modelJSON))) ?? []
    }

    /// An `exception` message, e.g. `throttlingException`: headers `:exception-type`, `:content-type
    /// application/json`, `:message-type exception`, payload `{"message":"…"}`.
    public static func exceptionMessage(type: String, message: String) -> EventStreamMessage {
        self.message(":exception-type", type, kind: "exception", payload: ServeJSON.encode(["message": message]))
    }

    /// A JSON message: its type header, `:content-type application/json` and `:message-type`.
    private static func message(_ typeHeader: String, _ type: String, kind: String, payload: [UInt8]) -> EventStreamMessage {
        EventStreamMessage(headers: [EventStreamHeader(typeHeader, .string(type)),
                                     EventStreamHeader(":content-type", .string("application/json")),
                                     EventStreamHeader(":message-type", .string(kind))], payload: payload)
    }

    /// The largest `InvokeModel` body Bedrock takes (botocore's bedrock-runtime `Body` shape: max 25,000,000).
    public static let maxBodyBytes = 25_000_000

    /// The response headers of a stream: `Content-Type: application/vnd.amazon.eventstream` and
    /// `X-Amzn-Bedrock-Content-Type: application/json` (add `x-amzn-RequestId`).
    public static let streamHeaders = [
        HTTPHeader("Content-Type", "application/vnd.amazon.eventstream"),
        HTTPHeader("X-Amzn-Bedrock-Content-Type", "application/json"),
    ]
}

