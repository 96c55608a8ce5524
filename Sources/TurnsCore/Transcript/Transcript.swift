/// A conversation: an optional system text and the turns so far.
public struct Transcript: Sendable, Equatable {
    /// Text placed before the first Human turn, if any.
    public var system: String?
    /// The turns in order.
    public var turns: [Turn]

    /// Creates a transcript.
    public init(system: String? = nil, turns: [Turn] = []) {
        self.system = system.map(PromptFormat.neutralize)
        self.turns = turns
    }

    /// The turns in prompt form.
    public var promptTurns: [PromptTurn] {
        turns.map { PromptTurn(role: $0.role, text: $0.text) }
    }

    /// The prompt that asks for the next Assistant turn: every turn, then an open `"\n\nAssistant:"`.
    public func prompt(prefill: String? = nil) -> String {
        PromptFormat.serialize(system: system, turns: promptTurns, openAssistant: true, prefill: prefill)
    }
}
