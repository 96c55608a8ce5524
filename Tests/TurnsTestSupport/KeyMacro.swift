/// A sequence of keystrokes written as text, like `"hello<Enter><F2><C-c>"`.
///
/// Plain characters stand for themselves; `<Name>` is a named key with optional modifier prefixes `C-` (Ctrl),
/// `M-` (Alt) and `S-` (Shift), e.g. `<C-a>`, `<M-Enter>`, `<S-Right>`; `<<` is a literal `<`. Parsing is neutral:
/// UI tests map the steps to input events, the end-to-end test to `tmux send-keys` names.
public enum KeyMacro {
    /// One step of a macro.
    public enum Step: Sendable, Hashable {
        /// A typed character.
        case character(Character)
        /// A named key ("Enter", "F2", "Up", "a" for `<C-a>`) with modifiers.
        case key(name: String, ctrl: Bool, alt: Bool, shift: Bool)
    }

    /// A malformed macro: an unclosed `<` or an empty key name.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// Where the problem starts (in characters).
        public var offset: Int
        /// What is wrong.
        public var reason: String
        /// "key macro: unclosed '<' at 5"
        public var description: String { "key macro: \(reason) at \(offset)" }
    }

    /// Parses a macro into steps.
    public static func parse(_ macro: String) throws -> [Step] {
        var steps: [Step] = []
        let chars = Array(macro)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c != "<" { steps.append(.character(c)); i += 1; continue }
            if i + 1 < chars.count && chars[i + 1] == "<" { steps.append(.character("<")); i += 2; continue }
            guard let close = chars[(i + 1)...].firstIndex(of: ">") else {
                throw ParseError(offset: i, reason: "unclosed '<'")
            }
            var name = String(chars[(i + 1)..<close])
            var ctrl = false, alt = false, shift = false
            while name.count > 2, let dash = name.dropFirst().first, dash == "-" {
                switch name.first {
                case "C": ctrl = true
                case "M", "A": alt = true
                case "S": shift = true
                default: throw ParseError(offset: i, reason: "unknown modifier in <\(name)>")
                }
                name.removeFirst(2)
            }
            guard !name.isEmpty else { throw ParseError(offset: i, reason: "empty key name") }
            steps.append(.key(name: name, ctrl: ctrl, alt: alt, shift: shift))
            i = close + 1
        }
        return steps
    }
}
