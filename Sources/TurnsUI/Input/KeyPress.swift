/// A key the user pressed, decoded from the terminal, with its modifiers.
public struct KeyPress: Sendable, Hashable, CustomStringConvertible {
    /// Which key.
    public var key: Key
    /// Ctrl, Alt (Meta) and Shift, as far as the terminal reports them.
    public var modifiers: KeyModifiers

    /// Creates a key press.
    public init(_ key: Key, _ modifiers: KeyModifiers = []) {
        self.key = key
        self.modifiers = modifiers
    }

    /// A printable character typed as is.
    public static func character(_ c: Character) -> KeyPress { KeyPress(.character(c)) }
    /// Ctrl plus a letter (`ctrl("a")` is Ctrl-A).
    public static func ctrl(_ c: Character) -> KeyPress { KeyPress(.character(c), .control) }
    /// Alt plus a key.
    public static func alt(_ key: Key) -> KeyPress { KeyPress(key, .alt) }

    /// "Ctrl-A", "Alt-Enter", "F2", "x" — for help screens and tests.
    public var description: String {
        var parts: [String] = []
        if modifiers.contains(.control) { parts.append("Ctrl") }
        if modifiers.contains(.alt) { parts.append("Alt") }
        if modifiers.contains(.shift) { parts.append("Shift") }
        parts.append(key.description)
        return parts.joined(separator: "-")
    }
}

/// The keys the chat distinguishes.
public enum Key: Sendable, Hashable, CustomStringConvertible {
    /// A printable character (for Ctrl combinations: the lowercase letter).
    case character(Character)
    /// Enter / Return.
    case enter
    /// Tab.
    case tab
    /// Backspace.
    case backspace
    /// Delete (forward).
    case delete
    /// Escape.
    case escape
    /// Arrow up.
    case up
    /// Arrow down.
    case down
    /// Arrow left.
    case left
    /// Arrow right.
    case right
    /// Home.
    case home
    /// End.
    case end
    /// Page up.
    case pageUp
    /// Page down.
    case pageDown
    /// Insert.
    case insert
    /// A function key, F1 to F12.
    case function(Int)

    /// The key's name.
    public var description: String {
        switch self {
        case .character(" "): return "Space"
        case .character(let c): return c.isLetter ? String(c).uppercased() : String(c)
        case .enter: return "Enter"
        case .tab: return "Tab"
        case .backspace: return "Backspace"
        case .delete: return "Delete"
        case .escape: return "Esc"
        case .up: return "Up"
        case .down: return "Down"
        case .left: return "Left"
        case .right: return "Right"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .insert: return "Insert"
        case .function(let n): return "F\(n)"
        }
    }
}

/// Modifier keys held with a key.
public struct KeyModifiers: OptionSet, Sendable, Hashable {
    /// The raw bits.
    public let rawValue: UInt8
    /// Creates modifiers from raw bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Ctrl.
    public static let control = KeyModifiers(rawValue: 1)
    /// Alt / Meta (sent by terminals as an Escape prefix).
    public static let alt = KeyModifiers(rawValue: 2)
    /// Shift (reported for arrows and function keys only).
    public static let shift = KeyModifiers(rawValue: 4)
}

/// Everything the terminal reports: keys, pasted text, the mouse wheel and size changes.
public enum TerminalEvent: Sendable, Hashable {
    /// A key press.
    case key(KeyPress)
    /// Text pasted with bracketed paste (kept whole, newlines included; never sent by itself).
    case paste(String)
    /// The mouse wheel turned: negative up, positive down, in notches.
    case wheel(Int)
    /// The terminal changed size.
    case resize(width: Int, height: Int)
}
