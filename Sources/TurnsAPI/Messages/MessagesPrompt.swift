import Foundation
import TurnsCore

/// A Text Completions prompt in the Messages API's shape, mapped as Anthropic's migration guide documents: the text
/// before the first Human turn is `system`, Human turns are `user` messages and Assistant turns `assistant` messages
/// in order, the final bare `"\n\nAssistant:"` is dropped, and a final `"\n\nAssistant: text"` (a prefill) is a last
/// assistant message without trailing white space, which the answer continues.
public struct MessagesPrompt: Sendable, Hashable {
    /// The system text, or nil when the prompt has none.
    public var system: String?
    /// The conversation, starting with a user message and alternating.
    public var messages: [MessageParam]

    /// Creates a prompt from its parts.
    public init(system: String?, messages: [MessageParam]) {
        self.system = system
        self.messages = messages
    }

    /// Maps prompt text; a prompt the Messages API could not take is refused with `.invalidRequest`, saying where.
    public init(prompt: String) throws(APIError) {
        let parsed = PromptFormat.parse(prompt)
        func refuse(_ problem: String) -> APIError {
            APIError(kind: .invalidRequest, message: "the prompt cannot be sent to the Messages API: \(problem)")
        }
        let system = parsed.system?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        self.system = system.isEmpty ? nil : system
        guard let first = parsed.turns.first else {
            throw refuse("it has no \"\\n\\nHuman:\" turn")
        }
        guard first.role == .human else {
            throw refuse("turn 1 is an Assistant turn; the first turn must be a Human turn")
        }
        var messages: [MessageParam] = []
        for (index, turn) in parsed.turns.enumerated() {
            let number = index + 1
            if index > 0 && turn.role == parsed.turns[index - 1].role {
                throw refuse("turns \(number - 1) and \(number) are both \(turn.role.label) turns; they must alternate")
            }
            let isFinalPrefill = turn.role == .assistant && index == parsed.turns.count - 1
                && !parsed.endsWithOpenAssistant
            // The API refuses a final assistant message that ends in white space.
            let text = isFinalPrefill ? String(turn.text.reversed().drop(while: \.isWhitespace).reversed()) : turn.text
            if text.allSatisfy(\.isWhitespace) {
                // An empty final Assistant turn asks for an answer, as the bare marker does.
                if isFinalPrefill { continue }
                throw refuse("turn \(number) (\(turn.role.label)) is empty; every message needs text")
            }
            messages.append(MessageParam(role: turn.role == .human ? .user : .assistant, content: text))
        }
        self.messages = messages
    }
}

/// One message of a Messages API conversation, as the SDK's `MessageParam`.
public struct MessageParam: Sendable, Hashable, Codable {
    /// Who speaks.
    public var role: MessageRole
    /// What is said (sent as a string, the API's short form of one text block).
    public var content: String

    /// Creates a message.
    public init(role: MessageRole, content: String) {
        self.role = role
        self.content = content
    }
}

/// The speaker of a message, as the Messages API names them.
public enum MessageRole: String, Sendable, Hashable, Codable {
    /// The person: a Human turn.
    case user
    /// The model: an Assistant turn.
    case assistant
}
