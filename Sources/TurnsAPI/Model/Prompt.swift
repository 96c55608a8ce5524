import TurnsCore

/// Builds Text Completions prompts from turns, in the exact format the API expects (TurnsCore's
/// `PromptFormat`): the optional system text, then `"\n\nHuman: …"` / `"\n\nAssistant: …"` turns, then an
/// open `"\n\nAssistant:"` for the model to answer.
///
/// ```swift
/// let prompt = Prompt.build([.human("Hi"), .assistant("Hello!"), .human("Tell me more")], system: "Be terse.")
/// // "Be terse.\n\nHuman: Hi\n\nAssistant: Hello!\n\nHuman: Tell me more\n\nAssistant:"
/// ```
///
/// Text that would forge a turn (a `"\n\nHuman:"` inside a message) is neutralized visibly as
/// `"\n\n\\Human:"`, so user input can never inject turns.
public enum Prompt {
    /// The prompt that asks for the next Assistant turn: `system`, every turn, then `"\n\nAssistant:"`
    /// (followed by `" " + prefill` when a prefill is given, to put words in the model's mouth).
    public static func build(_ turns: [PromptTurn], system: String? = nil, prefill: String? = nil) -> String {
        PromptFormat.serialize(system: system, turns: turns, openAssistant: true, prefill: prefill)
    }

    /// The prompt that asks for the next Assistant turn of a transcript (see `Transcript.prompt(prefill:)`).
    public static func build(_ transcript: Transcript, prefill: String? = nil) -> String {
        transcript.prompt(prefill: prefill)
    }
}

extension PromptTurn {
    /// A Human turn saying `text`.
    public static func human(_ text: String) -> PromptTurn { PromptTurn(role: .human, text: text) }
    /// An Assistant turn saying `text` (an earlier answer).
    public static func assistant(_ text: String) -> PromptTurn { PromptTurn(role: .assistant, text: text) }
}
