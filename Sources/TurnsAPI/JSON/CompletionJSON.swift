import Foundation

/// Why a JSON body could not be read as the object the wire expects.
struct WireDecodingError: Error, Sendable, CustomStringConvertible {
    /// What was wrong.
    var description: String

    init(_ description: String) {
        self.description = description
    }

    /// The error for what `JSONDecoder` threw, in one line.
    init(_ error: any Error) {
        switch error as? DecodingError {
        case .dataCorrupted(let context):
            let detail = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            description = "invalid JSON" + (detail.map { ": \($0)" } ?? "")
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            description = "\(Self.path(context)) is not \(Self.name(of: type))"
        case .keyNotFound(let key, _):
            description = "\"\(key.stringValue)\" is missing"
        default:
            description = String(describing: error)
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch "\(type)" {
        case "String": return "a string"
        case let name where name.hasPrefix("Dictionary"): return "an object"
        case let name where name.hasPrefix("Array"): return "an array"
        case let name: return name
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.isEmpty ? "the value" : "\"" + context.codingPath.map(\.stringValue).joined(separator: ".") + "\""
    }
}

/// The `completion` object of `/v1/complete` and of Bedrock: a whole answer, or one streamed event's data. Only
/// `completion`, `stop_reason`, `stop`, `model`, `id` and Bedrock's metrics are read; a missing or null `completion`
/// is empty text.
struct CompletionObject: Decodable {
    var completion: String?
    var stopReason: String?
    var stop: String?
    var model: String?
    var id: String?
    var metrics: InvocationMetrics?

    enum CodingKeys: String, CodingKey {
        case completion, stopReason = "stop_reason", stop, model, id, metrics = "amazon-bedrock-invocationMetrics"
    }

    /// Reads one object with `JSONDecoder`.
    static func decode(_ bytes: some Collection<UInt8>) throws(WireDecodingError) -> CompletionObject {
        do {
            return try JSONDecoder().decode(CompletionObject.self, from: Data(bytes))
        } catch {
            throw WireDecodingError(error)
        }
    }

    /// Adds one streamed event's object: its text to `text`, its other fields to `delta`; the plain form by
    /// `PlainEventScan` (with `tail` for its recurring objects), any other by `JSONDecoder`. When the object cannot be
    /// read, both are left as they were.
    static func add(_ bytes: UnsafeBufferPointer<UInt8>, to delta: inout CompletionDelta, text: inout [UInt8],
                    tail: inout [UInt8]) throws(WireDecodingError) {
        if PlainEventScan.addRecurring(bytes, tail: tail, to: &text)
            || PlainEventScan.addCompletion(bytes, to: &delta, text: &text, tail: &tail) { return }
        tail = []
        let object = try decode(bytes)
        text.append(contentsOf: (object.completion ?? "").utf8)
        delta.append(CompletionDelta(text: "", stopReason: object.stopReason, stop: object.stop, model: object.model,
                                     id: object.id, usage: object.metrics?.usage))
    }

    /// The completion in a whole 2xx response body, as both wires read it; a body that is not a completion object
    /// is a `.malformedResponse`.
    static func response(_ body: [UInt8]) throws(APIError) -> Completion {
        do throws(WireDecodingError) {
            let object = try decode(body)
            return Completion(id: object.id, completion: object.completion ?? "", stopReason: object.stopReason,
                              stop: object.stop, model: object.model)
        } catch {
            throw APIError(kind: .malformedResponse, status: 200,
                           message: "the response could not be read as a completion: \(error.description)")
        }
    }
}

/// Bedrock's `amazon-bedrock-invocationMetrics`, in a stream's last chunk: its token counts are the answer's usage.
struct InvocationMetrics: Decodable {
    var inputTokenCount: Int?
    var outputTokenCount: Int?

    var usage: TokenUsage { TokenUsage(inputTokens: inputTokenCount, outputTokens: outputTokenCount) }
}
