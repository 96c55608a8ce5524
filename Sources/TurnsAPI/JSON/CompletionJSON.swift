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
        guard let error = error as? DecodingError else {
            self.init(String(describing: error))
            return
        }
        switch error {
        case .dataCorrupted(let context):
            let detail = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            self.init("invalid JSON" + (detail.map { ": \($0)" } ?? ""))
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            self.init("\(Self.path(context)) is not \(type == String.self ? "a string" : "\(type)")")
        case .keyNotFound(let key, _):
            self.init("\"\(key.stringValue)\" is missing")
        @unknown default:
            self.init(String(describing: error))
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.isEmpty ? "the value" : "\"" + context.codingPath.map(\.stringValue).joined(separator: ".") + "\""
    }
}

/// The `completion` object of `/v1/complete` and of Bedrock: a whole answer, or one streamed event's data. Only
/// `completion`, `stop_reason`, `stop`, `model` and `id` are read; a missing or null `completion` is empty text.
struct CompletionObject: Decodable {
    var completion: String?
    var stopReason: String?
    var stop: String?
    var model: String?
    var id: String?

    enum CodingKeys: String, CodingKey {
        case completion, stopReason = "stop_reason", stop, model, id
    }

    /// Reads one object with `JSONDecoder`.
    static func decode(_ bytes: some Collection<UInt8>) throws(WireDecodingError) -> CompletionObject {
        do {
            return try JSONDecoder().decode(CompletionObject.self, from: Data(bytes))
        } catch {
            throw WireDecodingError(error)
        }
    }

    /// One streamed event's object as a delta: the plain form with `PlainCompletionScan`, any other with `JSONDecoder`.
    static func delta(_ bytes: UnsafeBufferPointer<UInt8>) throws(WireDecodingError) -> CompletionDelta {
        if let plain = PlainCompletionScan.delta(bytes) { return plain }
        let object = try decode(bytes)
        return CompletionDelta(text: object.completion ?? "", stopReason: object.stopReason, stop: object.stop,
                               model: object.model, id: object.id)
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
