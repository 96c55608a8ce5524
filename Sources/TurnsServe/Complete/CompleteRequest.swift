import Foundation
import TurnsCore

/// A checked `POST /v1/complete` body (PROTOCOL.md A.2).
struct CompleteRequest: Equatable, Decodable {
    /// The prompt, already checked to start with a Human turn and end with an Assistant turn.
    var prompt: String
    /// model, max_tokens_to_sample, temperature, top_k, top_p and stop_sequences, all in range.
    var settings: SamplingSettings
    /// True for a server-sent-events answer.
    var stream: Bool

    /// Reads and checks a request body. Errors are 400 `invalid_request_error` naming the field and what it
    /// accepts (the same ranges and wording as the client's own checks), or the API's prompt messages.
    ///
    /// Ranges: max_tokens_to_sample an integer >= 1; temperature 0–1; top_k an integer >= 1 (the API's docs give no
    /// range; the client refuses 0 too, so both sides agree); top_p 0–1; stop_sequences non-empty strings.
    /// A `null` optional field counts as absent. Unknown fields (e.g. `metadata`) are ignored.
    static func parse(body: UnsafeRawBufferPointer) -> Result<CompleteRequest, ServeError> {
        do {
            return .success(try JSONDecoder().decode(CompleteRequest.self, from: Data(body)))
        } catch let error as ServeError {
            return .failure(error)
        } catch let error as SettingsError {
            return .failure(.invalidRequest(error.description))
        } catch {
            return .failure(.invalidRequest("request body is not valid JSON"))
        }
    }

    private enum Field: String, CodingKey {
        case model, prompt, stream, temperature
        case maxTokensToSample = "max_tokens_to_sample", topK = "top_k", topP = "top_p", stopSequences = "stop_sequences"
    }

    init(from decoder: any Decoder) throws {
        guard let fields = try? decoder.container(keyedBy: Field.self) else {
            throw ServeError.invalidRequest("request body must be a JSON object")
        }
        /// The field's value; nil when absent or null; `refusal` with the value's text when of another type.
        func value<T: Decodable>(_ type: T.Type, _ key: Field, refusal: (String) -> any Error) throws -> T? {
            guard fields.contains(key), try !fields.decodeNil(forKey: key) else { return nil }
            do { return try fields.decode(T.self, forKey: key) } catch {
                throw refusal(try fields.decode(WireJSON.ValueText.self, forKey: key).text)
            }
        }
        func required<T: Decodable>(_ type: T.Type, _ key: Field, refusal: (String) -> any Error) throws -> T {
            guard let found = try value(type, key, refusal: refusal) else {
                throw ServeError.invalidRequest("\(key.stringValue): field required")
            }
            return found
        }
        func wrongType(_ field: SettingsField, _ allowed: String) -> (String) -> any Error {
            { SettingsError(field: field, value: $0, allowed: allowed) }
        }

        let model = try required(String.self, .model, refusal: wrongType(.model, "a non-empty model name"))
        prompt = try required(String.self, .prompt) { ServeError.invalidRequest("invalid prompt \($0): must be a string") }
        let maxTokens = try required(Int.self, .maxTokensToSample, refusal: wrongType(.maxTokensToSample, "an integer >= 1"))
        settings = SamplingSettings(model: model, maxTokensToSample: maxTokens)
        settings.temperature = try value(Double.self, .temperature, refusal: wrongType(.temperature, "a number from 0 to 1"))
        settings.topK = try value(Int.self, .topK, refusal: wrongType(.topK, "an integer >= 1"))
        settings.topP = try value(Double.self, .topP, refusal: wrongType(.topP, "a number from 0 to 1"))
        if let items = try value([WireJSON.ValueText].self, .stopSequences,
                                 refusal: wrongType(.stopSequences, "an array of non-empty strings")) {
            if let wrong = items.first(where: { !$0.isString }) {
                throw SettingsError(field: .stopSequences, value: wrong.text, allowed: "non-empty strings")
            }
            settings.stopSequences = try fields.decode([String].self, forKey: .stopSequences)
        }
        stream = try value(Bool.self, .stream) { ServeError.invalidRequest("invalid stream \($0): must be true or false") }
            ?? false
        try settings.validate()
        if let problem = PromptFormat.validate(prompt) { throw ServeError.invalidRequest(problem.description) }
    }
}
