import Foundation
import TurnsCore

/// A checked `POST /v1/messages` body (PROTOCOL.md E.1), turned into the prompt the local model answers.
struct MessagesRequest: Equatable, Decodable {
    /// The conversation as a Text Completions prompt: the system text, the turns, and an open Assistant turn (with
    /// the final assistant message as its prefill).
    var prompt: String
    /// model, max_tokens, temperature, top_k, top_p and stop_sequences, all in range.
    var settings: SamplingSettings
    /// True for a server-sent-events answer.
    var stream: Bool

    /// Reads and checks a request body: problems are 400 `invalid_request_error` in the API's words. `model` is the
    /// model a Bedrock path names (its body has none).
    static func parse(body: UnsafeRawBufferPointer, model: String? = nil) -> Result<MessagesRequest, ServeError> {
        let decoder = JSONDecoder()
        decoder.userInfo[pathModel] = model
        do {
            return .success(try decoder.decode(MessagesRequest.self, from: Data(body)))
        } catch let error as ServeError {
            return .failure(error)
        } catch let error as SettingsError {
            return .failure(.invalidRequest(error.description))
        } catch {
            return .failure(.invalidRequest("request body is not valid JSON, or a field has the wrong type"))
        }
    }

    /// Where `parse` puts the path's model for the decoder.
    private static let pathModel = CodingUserInfoKey(rawValue: "pathModel")!

    private enum Field: String, CodingKey {
        case model, messages, system, stream, temperature
        case maxTokens = "max_tokens", topK = "top_k", topP = "top_p", stopSequences = "stop_sequences"
    }

    /// One message: `content` is a string or a list of blocks, of which only text blocks are read.
    private struct Message: Decodable {
        var role: String
        var text: String

        enum CodingKeys: String, CodingKey { case role, content }

        init(from decoder: any Decoder) throws {
            let fields = try decoder.container(keyedBy: CodingKeys.self)
            role = try fields.decode(String.self, forKey: .role)
            text = try fields.decode(Content.self, forKey: .content).text
        }
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
        let model = try (decoder.userInfo[Self.pathModel] as? String) ?? required(String.self, .model)
        let maxTokens = try required(Int.self, .maxTokens)
        let messages = try required([Message].self, .messages)
        settings = SamplingSettings(model: model, maxTokensToSample: maxTokens)
        settings.temperature = try fields.decodeIfPresent(Double.self, forKey: .temperature)
        settings.topK = try fields.decodeIfPresent(Int.self, forKey: .topK)
        settings.topP = try fields.decodeIfPresent(Double.self, forKey: .topP)
        settings.stopSequences = try fields.decodeIfPresent([String].self, forKey: .stopSequences) ?? []
        stream = try fields.decodeIfPresent(Bool.self, forKey: .stream) ?? false
        try settings.validate()
        let system = try fields.decodeIfPresent(Content.self, forKey: .system)?.text
        prompt = try Self.prompt(system: system, messages: messages)
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
            let isFinalAssistant = role == .assistant && index == messages.count - 1
            if message.text.allSatisfy(\.isWhitespace) && !isFinalAssistant {
                throw ServeError.invalidRequest("messages: all messages must have non-empty content except for the "
                    + "optional final assistant message")
            }
            if isFinalAssistant, message.text.last?.isWhitespace == true {
                throw ServeError.invalidRequest("messages: final assistant content cannot end with trailing whitespace")
            }
            turns.append(PromptTurn(role: role, text: message.text))
        }
        let prefill = turns.last?.role == .assistant ? turns.removeLast().text : nil
        return PromptFormat.serialize(system: system, turns: turns, openAssistant: true, prefill: prefill)
    }
}
