/// Turns the raw input the terminal delivers (characters, and key codes the terminal library already decoded)
/// into `InputEvent`s: Escape-prefixed keys become Alt combinations, control characters become Ctrl keys,
/// and bracketed paste (`ESC [200~ … ESC [201~`) becomes one `.paste` however it was split across reads.
public struct KeyDecoder: Sendable {
    /// One unit of raw input.
    public enum RawInput: Sendable, Hashable {
        /// A character as typed (control characters included).
        case character(Character)
        /// A key the terminal library decoded (arrows, function keys…).
        case key(KeyPress)
        /// The terminal library saw the start of a bracketed paste.
        case pasteStart
        /// The terminal library saw the end of a bracketed paste.
        case pasteEnd
        /// The mouse wheel turned, in rows to scroll (negative up).
        case wheel(Int)
    }

    private var pendingEscape = false
    /// True between the start and the end of a bracketed paste.
    private var inPaste = false
    /// The pasted text so far (appended in place: a paste can be megabytes).
    private var pasted = ""

    /// Creates a decoder.
    public init() {}

    /// Feeds one unit of input; returns the events it completes.
    public mutating func feed(_ input: RawInput) -> [InputEvent] {
        if inPaste {
            switch input {
            case .pasteEnd:
                inPaste = false
                let text = pasted
                pasted = ""
                return [.paste(text)]
            case .character(let c):
                // Terminals send pasted line breaks as CR.
                pasted.append(c == "\r" || c == "\r\n" ? "\n" : c)
            case .key(let press):
                if press.key == .enter { pasted.append("\n") } else if press.key == .tab { pasted.append("\t") }
            default:
                break
            }
            return []
        }
        switch input {
        case .pasteStart:
            inPaste = true
            pasted = ""
            return flushEscape()
        case .pasteEnd:
            return []
        case .wheel(let notches):
            return flushEscape() + [.wheel(notches)]
        case .character("\u{1B}"):
            defer { pendingEscape = true }
            return flushEscape()
        case .key(var press):
            if pendingEscape { pendingEscape = false; press.modifiers.insert(.alt) }
            return [.key(press)]
        case .character(let c):
            var press = KeyDecoder.keyPress(for: c)
            if pendingEscape { pendingEscape = false; press.modifiers.insert(.alt) }
            return [.key(press)]
        }
    }

    /// Ends a wait after Escape: when nothing followed in time, it was a plain Esc.
    public mutating func flushEscape() -> [InputEvent] {
        guard pendingEscape else { return [] }
        pendingEscape = false
        return [.key(KeyPress(.escape))]
    }

    /// The key a single character stands for: Enter, Tab, Backspace, Ctrl-letters, or itself.
    public static func keyPress(for c: Character) -> KeyPress {
        switch c {
        case "\r", "\r\n": return KeyPress(.enter)
        case "\n": return KeyPress(.character("j"), .ctrl)
        case "\t": return KeyPress(.tab)
        case "\u{7F}", "\u{08}": return KeyPress(.backspace)
        case "\u{0}": return KeyPress(.character(" "), .ctrl)
        default:
            if let scalar = c.unicodeScalars.first, c.unicodeScalars.count == 1, scalar.value < 0x20 {
                let letter = Character(Unicode.Scalar(scalar.value + 0x60)!)
                return KeyPress(.character(letter), .ctrl)
            }
            return KeyPress(.character(c))
        }
    }
}
