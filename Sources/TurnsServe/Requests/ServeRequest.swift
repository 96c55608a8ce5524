import Foundation
import TurnsAPI
import TurnsCore

/// A checked request of any route, as the prompt the local model answers: `POST /v1/complete` (PROTOCOL.md A.2),
/// `POST /v1/messages` (E.1), or a Bedrock invocation with either body (C.4, E.4).
struct ServeRequest {
    /// The prompt, starting with a Human turn and ending with an open Assistant turn.
    var prompt: String
    /// model, max tokens, temperature, top_k, top_p and stop_sequences, all in range.
    var settings: SamplingSettings
    /// True for a streamed answer.
    var stream: Bool
    /// Which API's body it was, and so which answer it gets.
    var api: AnthropicAPI

    /// The longest model id Bedrock accepts (`InvokeModelIdentifier`).
    static let maxModelIDLength = 2048

    /// Reads and checks an API body; problems are 400 `invalid_request_error` naming the field and what it accepts
    /// (the client's own ranges and wording), or the API's words for the prompt and messages. `model` is the model a
    /// Bedrock path names (its body has none). A `null` optional field counts as absent; unknown fields are ignored.
    static func parse(_ api: AnthropicAPI, body: [UInt8], model: String? = nil) -> Result<ServeRequest, ServeError> {
        let decoder = JSONDecoder()
        decoder.userInfo[pathModel] = model
        do {
            return .success(api == .complete ? try decoder.decode(CompleteBody.self, from: Data(body)).request
                                             : try decoder.decode(MessagesBody.self, from: Data(body)).request)
        } catch let error as ServeError {
            return .failure(error)
        } catch let error as SettingsError {
            return .failure(.invalidRequest(error.description))
        } catch {
            return .failure(.invalidRequest(api == .complete ? "request body is not valid JSON"
                                                             : "request body is not valid JSON, or a field has the wrong type"))
        }
    }

    /// Reads and checks a Bedrock invocation: a `ValidationException` (400) in Bedrock's words for the body's shape,
    /// and in the API's words for ranges, the prompt and messages.
    static func bedrock(_ route: BedrockServer.Route, body: [UInt8]) -> Result<ServeRequest, BedrockServer.ErrorResponse> {
        func refusal(_ message: String) -> Result<ServeRequest, BedrockServer.ErrorResponse> {
            .failure(BedrockServer.RequestError(message).response)
        }
        guard route.modelID.count <= maxModelIDLength else {
            return refusal("1 validation error detected: Value at 'modelId' failed to satisfy constraint: "
                + "Member must have length less than or equal to \(maxModelIDLength)")
        }
        if let keys = try? JSONDecoder().decode(MessagesKeys.self, from: Data(body)), keys.messages != nil {
            guard keys.anthropicVersion != nil else { return .failure(BedrockServer.RequestError.missingKey("anthropic_version").response) }
            return parse(.messages, body: body, model: route.modelID)
                .map { ServeRequest(prompt: $0.prompt, settings: $0.settings, stream: route.streaming, api: .messages) }
                .mapError { BedrockServer.RequestError($0.message).response }
        }
        let request: CompletionRequest
        do throws(BedrockServer.RequestError) {
            request = try BedrockServer.completionRequest(body: body, modelID: route.modelID)
        } catch {
            return .failure(error.response)
        }
        do throws(SettingsError) { try request.settings.validate() } catch { return refusal(error.description) }
        if let problem = PromptFormat.validate(request.prompt) { return refusal(problem.description) }
        return .success(ServeRequest(prompt: request.prompt, settings: request.settings, stream: route.streaming, api: .complete))
    }

    /// Where `parse` puts the path's model for the decoder.
    private static let pathModel = CodingUserInfoKey(rawValue: "pathModel")!

    /// Whether a Bedrock body is a Messages one, and names its `anthropic_version`.
    private struct MessagesKeys: Decodable {
        var messages: Present?
        var anthropicVersion: String?
        enum CodingKeys: String, CodingKey { case messages, anthropicVersion = "anthropic_version" }
        struct Present: Decodable { init(from decoder: any Decoder) throws {} }
    }

    /// A `/v1/complete` body. Ranges: max_tokens_to_sample an integer >= 1; temperature 0–1; top_k an integer >= 1
    /// (the API's docs give no range; the client refuses 0 too, so both sides agree); top_p 0–1; stop_sequences
    /// non-empty strings.
    private struct CompleteBody: Decodable {
        var request: ServeRequest

        private enum Field: String, CodingKey {
            case model, prompt, stream, temperature
            case maxTokensToSample = "max_tokens_to_sample", topK = "top_k", topP = "top_p", stopSequences = "stop_sequences"
        }

        init(from decoder: any Decoder) throws {
            guard let fields = try? decoder.container(keyedBy: Field.self) else {
                throw ServeError.invalidRequest("request body must be a JSON object")
            }
            /// The field's value; nil when absent or null; refused, saying what it must be, when of another type.
            func value<T: Decodable>(_ key: Field, mustBe allowed: String) throws -> T? {
                guard fields.contains(key), try !fields.decodeNil(forKey: key) else { return nil }
                do { return try fields.decode(T.self, forKey: key) } catch {
                    let text = try fields.decode(ServeJSON.ValueText.self, forKey: key).text
                    throw ServeError.invalidRequest("invalid \(key.stringValue) \(text): must be \(allowed)")
                }
            }
            func required<T: Decodable>(_ key: Field, mustBe allowed: String) throws -> T {
                guard let found: T = try value(key, mustBe: allowed) else {
                    throw ServeError.invalidRequest("\(key.stringValue): field required")
                }
                return found
            }

            let model: String = try required(.model, mustBe: "a non-empty model name")
            let prompt: String = try required(.prompt, mustBe: "a string")
            let maxTokens: Int = try required(.maxTokensToSample, mustBe: "an integer >= 1")
            var settings = SamplingSettings(model: model, maxTokensToSample: maxTokens)
            settings.temperature = try value(.temperature, mustBe: "a number from 0 to 1")
            settings.topK = try value(.topK, mustBe: "an integer >= 1")
            settings.topP = try value(.topP, mustBe: "a number from 0 to 1")
            if let items: [ServeJSON.ValueText] = try value(.stopSequences, mustBe: "an array of non-empty strings") {
                if let wrong = items.first(where: { !$0.isString }) {
                    throw SettingsError(field: .stopSequences, value: wrong.text, allowed: "non-empty strings")
                }
                settings.stopSequences = try fields.decode([String].self, forKey: .stopSequences)
            }
            let stream: Bool? = try value(.stream, mustBe: "true or false")
            try settings.validate()
            if let problem = PromptFormat.validate(prompt) { throw ServeError.invalidRequest(problem.description) }
            request = ServeRequest(prompt: prompt, settings: settings, stream: stream ?? false, api: .complete)
        }
    }

    /// A `/v1/messages` body, turned into a Text Completions prompt: the system text, the turns, and an open
    /// Assistant turn (with the final assistant message as its prefill).
    private struct MessagesBody: Decodable {
        var request: ServeRequest

        private enum Field: String, CodingKey {
            case model, messages, system, stream, temperature
            case maxTokens = "max_tokens", topK = "top_k", topP = "top_p", stopSequences = "stop_sequences"
        }

        /// One message: `content` is a string or a list of blocks, of which only text blocks are read.
        private struct Message: Decodable {
            var role: String
            var content: Content
        }

        /// A string, or `[{"type":"text","text":…}, …]`.
        private struct Content: Decodable {
            var text: String

            struct Block: Decodable {
                var type: String
                var text: String?
            }

            init(from decoder: any Decoder) throws {
                if let string = try? decoder.singleValueContainer().decode(String.self) {
                    text = string
                } else {
                    text = try [Block](from: decoder).filter { $0.type == "text" }.compactMap(\.text).joined()
                }
            }
        }

        init(from decoder: any Decoder) throws {
            guard let fields = try? decoder.container(keyedBy: Field.self) else {
                throw ServeError.invalidRequest("request body must be a JSON object")
            }
            func required<T: Decodable>(_ type: T.Type, _ key: Field) throws -> T {
                guard fields.contains(key), try !fields.decodeNil(forKey: key) else {
                    throw ServeError.invalidRequest("\(key.stringValue): Field required")
                }
                return try fields.decode(T.self, forKey: key)
            }
            let model = try (decoder.userInfo[ServeRequest.pathModel] as? String) ?? required(String.self, .model)
            let maxTokens = try required(Int.self, .maxTokens)
            let messages = try required([Message].self, .messages)
            var settings = SamplingSettings(model: model, maxTokensToSample: maxTokens)
            settings.temperature = try fields.decodeIfPresent(Double.self, forKey: .temperature)
            settings.topK = try fields.decodeIfPresent(Int.self, forKey: .topK)
            settings.topP = try fields.decodeIfPresent(Double.self, forKey: .topP)
            settings.stopSequences = try fields.decodeIfPresent([String].self, forKey: .stopSequences) ?? []
            let stream = try fields.decodeIfPresent(Bool.self, forKey: .stream) ?? false
            try settings.validate()
            let system = try fields.decodeIfPresent(Content.self, forKey: .system)?.text
            request = ServeRequest(prompt: try Self.prompt(system: system, messages: messages), settings: settings,
                                   stream: stream, api: .messages)
        }

        /// The prompt for a conversation the real API would take, refusing, in its words, one it would not.
        private static func prompt(system: String?, messages: [Message]) throws -> String {
            guard let first = messages.first else { throw ServeError.invalidRequest("messages: at least one message is required") }
            guard first.role == "user" else { throw ServeError.invalidRequest("messages: first message must use the \"user\" role") }
            var turns: [PromptTurn] = []
            for (index, message) in messages.enumerated() {
                guard let role = ["user": Role.human, "assistant": Role.assistant][message.role] else {
                    throw ServeError.invalidRequest("messages.\(index).role: Input should be 'user' or 'assistant'")
                }
                if let previous = turns.last, previous.role == role {
                    throw ServeError.invalidRequest("messages: roles must alternate between \"user\" and \"assistant\", "
                        + "but found multiple \"\(message.role)\" roles in a row")
                }
                let text = message.content.text
                let isFinalAssistant = role == .assistant && index == messages.count - 1
                if text.allSatisfy(\.isWhitespace) && !isFinalAssistant {
                    throw ServeError.invalidRequest("messages: all messages must have non-empty content except for the "
                        + "optional final assistant message")
                }
                if isFinalAssistant, text.last?.isWhitespace == true {
                    throw ServeError.invalidRequest("messages: final assistant content cannot end with trailing whitespace")
                }
                turns.append(PromptTurn(role: role, text: text))
            }
            let prefill = turns.last?.role == .assistant ? turns.removeLast().text : nil
            return PromptFormat.serialize(system: system, turns: turns, openAssistant: true, prefill: prefill)
        }
    }
}
