/// The Text Completions prompt format: an optional system text, then alternating
/// `"\n\nHuman: …"` / `"\n\nAssistant: …"` turns, ending with `"\n\nAssistant:"` when sent.
///
/// ## Marker neutralizing
/// Text inside a turn that contains `"\n\nHuman:"` or `"\n\nAssistant:"` would forge a turn. Such text is
/// neutralized by putting a backslash before the role word: `"\n\nHuman:"` becomes `"\n\n\\Human:"`.
/// The change is visible where it happens (the user sees `\Human:`), never reached by the API as a turn,
/// and idempotent (neutralized text contains no marker, so neutralizing again changes nothing).
///
/// ## Spacing
/// A turn is written as marker, one space, text (`"\n\nHuman: Hello"`); an empty turn is the bare marker.
/// Parsing drops exactly one space after a marker, so `parse(serialize(t)) == t` for every neutralized text.
public enum PromptFormat {
    /// The marker that opens a Human turn.
    public static let humanMarker = "\n\nHuman:"
    /// The marker that opens an Assistant turn.
    public static let assistantMarker = "\n\nAssistant:"

    /// Returns `text` with every forged turn marker defused (see the type's documentation).
    public static func neutralize(_ text: String) -> String {
        guard containsMarker(text) else { return text }
        return text
            .replacingAll("\n\nHuman:", with: "\n\n\\Human:")
            .replacingAll("\n\nAssistant:", with: "\n\n\\Assistant:")
    }

    /// True when `text` would forge a turn if placed inside one.
    /// Matching is on UTF-8 bytes, as the API sees them (a `"\r\n"` grapheme still holds a `"\n"`).
    public static func containsMarker(_ text: String) -> Bool {
        var contiguous = text
        return contiguous.withUTF8 { firstMarker(in: $0, from: 0) != nil }
    }

    /// The offset and role of the first turn marker at or after `from`, matched on bytes.
    static func firstMarker(in bytes: UnsafeBufferPointer<UInt8>, from: Int) -> (offset: Int, role: Role)? {
        for i in from..<max(from, bytes.count - 2) where bytes[i] == 0x0A && bytes[i + 1] == 0x0A {
            if bytes[(i + 2)...].starts(with: "Human:".utf8) { return (i, .human) }
            if bytes[(i + 2)...].starts(with: "Assistant:".utf8) { return (i, .assistant) }
        }
        return nil
    }

    /// Serializes a conversation into the exact prompt text.
    ///
    /// - Parameters:
    ///   - system: text before the first Human turn (omitted when nil or empty).
    ///   - turns: the turns in order; their text is neutralized on the way out.
    ///   - openAssistant: when true, ends with `"\n\nAssistant:"` (plus `" " + prefill` when a prefill is given),
    ///     which is what the API needs to answer.
    public static func serialize(system: String?, turns: [PromptTurn], openAssistant: Bool = false,
                                 prefill: String? = nil) -> String {
        var out = ""
        if let system, !system.isEmpty { out += neutralize(system) }
        for turn in turns {
            out += turn.role.marker
            if !turn.text.isEmpty { out += " " + neutralize(turn.text) }
        }
        if openAssistant {
            out += assistantMarker
            if let prefill, !prefill.isEmpty { out += " " + neutralize(prefill) }
        }
        return out
    }

    /// Parses prompt text into its system text and turns. Any text parses: text before the first marker is
    /// the system text, and each marker starts a turn. A final empty Assistant turn (the prompt's open
    /// `"\n\nAssistant:"`) is reported as `endsWithOpenAssistant` instead of a turn.
    public static func parse(_ prompt: String) -> ParsedPrompt {
        var contiguous = prompt
        return contiguous.withUTF8 { bytes in
            var markers: [(offset: Int, role: Role)] = []
            var from = 0
            while let found = firstMarker(in: bytes, from: from) {
                markers.append(found)
                from = found.offset + found.role.marker.utf8.count
            }
            func text(_ start: Int, _ end: Int) -> String {
                String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            }
            let systemEnd = markers.first?.offset ?? bytes.count
            let system = systemEnd > 0 ? text(0, systemEnd) : nil
            var turns: [PromptTurn] = []
            turns.reserveCapacity(markers.count)
            for (index, marker) in markers.enumerated() {
                var start = marker.offset + marker.role.marker.utf8.count
                let end = index + 1 < markers.count ? markers[index + 1].offset : bytes.count
                if start < end && bytes[start] == 0x20 { start += 1 }
                turns.append(PromptTurn(role: marker.role, text: text(start, end)))
            }
            var open = false
            if let last = turns.last, last.role == .assistant, last.text.isEmpty {
                turns.removeLast()
                open = true
            }
            return ParsedPrompt(system: system, turns: turns, endsWithOpenAssistant: open)
        }
    }

    /// Checks a prompt the way the API does before answering it (an advisory pre-flight; the server decides).
    public static func validate(_ prompt: String) -> PromptValidationError? {
        let parsed = parse(prompt)
        guard parsed.turns.first?.role == .human else { return .mustStartWithHuman }
        guard parsed.endsWithOpenAssistant || parsed.turns.last?.role == .assistant else { return .mustEndWithAssistant }
        return nil
    }
}

/// One turn in prompt form: a role and its text (without the marker or the space after it).
public struct PromptTurn: Sendable, Hashable {
    /// Who speaks.
    public var role: Role
    /// What is said.
    public var text: String
    /// Creates a turn.
    public init(role: Role, text: String) {
        self.role = role
        self.text = text
    }
}

/// The result of parsing prompt text.
public struct ParsedPrompt: Sendable, Hashable {
    /// Text before the first turn marker, if any.
    public var system: String?
    /// The turns in order (without a final open Assistant turn).
    public var turns: [PromptTurn]
    /// True when the prompt ended with a bare `"\n\nAssistant:"`, asking for an answer.
    public var endsWithOpenAssistant: Bool
}

/// Why the API would refuse a prompt; the messages are the API's own texts.
public enum PromptValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The first turn is not a Human turn.
    case mustStartWithHuman
    /// The last turn is not an Assistant turn.
    case mustEndWithAssistant

    /// The API's message for this error.
    public var description: String {
        switch self {
        case .mustStartWithHuman: return "prompt must start with \"\n\nHuman:\" turn after an optional system prompt"
        case .mustEndWithAssistant: return "prompt must end with \"\n\nAssistant:\" turn"
        }
    }
}

extension String {
    /// Replaces every occurrence of `target` (matched on UTF-8 bytes, not grapheme clusters) with `replacement`.
    func replacingAll(_ target: String, with replacement: String) -> String {
        String(decoding: Array(utf8).replacing(Array(target.utf8), with: Array(replacement.utf8)), as: UTF8.self)
    }
}
