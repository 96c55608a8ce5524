/// Who speaks a turn of the conversation.
public enum Role: String, Sendable, Hashable, CaseIterable, Codable {
    /// The person at the keyboard: serialized as `"\n\nHuman:"`.
    case human
    /// The model: serialized as `"\n\nAssistant:"`.
    case assistant

    /// The marker that opens a turn of this role in the prompt format.
    public var marker: String {
        switch self {
        case .human: return PromptFormat.humanMarker
        case .assistant: return PromptFormat.assistantMarker
        }
    }

    /// The label shown for this role ("Human", "Assistant").
    public var label: String {
        switch self {
        case .human: return "Human"
        case .assistant: return "Assistant"
        }
    }
}
