/// A key, as the terminal edge decodes it.
///
/// Control and Alt combinations are a key plus modifiers: Ctrl-A is `.character("a")` with `.ctrl`, Alt-B is
/// `.character("b")` with `.alt`, Alt-Enter is `.enter` with `.alt`. The edge reports Ctrl-J (LF) as
/// `.character("j")` with `.ctrl` and the Enter key (CR) as `.enter`.
public enum Key: Sendable, Hashable {
    /// A printable character (a whole grapheme cluster).
    case character(Character)
    /// Enter (Return), Tab, Backspace, Delete (forward) and Escape.
    case enter, tab, backspace, delete, escape
    /// The arrows, Home, End, Page Up, Page Down and Insert.
    case up, down, left, right, home, end, pageUp, pageDown, insert
    /// A function key, F1 to F12.
    case function(Int)
}

/// Modifier keys held with a key.
public struct Modifiers: OptionSet, Sendable, Hashable {
    /// The raw bits.
    public let rawValue: UInt8
    /// Creates modifiers from raw bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Shift.
    public static let shift = Modifiers(rawValue: 1)
    /// Alt (Meta, or Esc as a prefix).
    public static let alt = Modifiers(rawValue: 2)
    /// Control.
    public static let ctrl = Modifiers(rawValue: 4)
}

/// A key with its modifiers.
public struct KeyPress: Sendable, Hashable, CustomStringConvertible {
    /// The key.
    public var key: Key
    /// The modifiers held.
    public var modifiers: Modifiers

    /// Creates a key press.
    public init(_ key: Key, _ modifiers: Modifiers = []) {
        self.key = key
        self.modifiers = modifiers
    }

    /// Ctrl and a letter.
    public static func ctrl(_ letter: Character) -> KeyPress { KeyPress(.character(letter), .ctrl) }
    /// Alt and a letter.
    public static func alt(_ letter: Character) -> KeyPress { KeyPress(.character(letter), .alt) }

    /// How /help names the key: "Ctrl-A", "Alt-Enter", "PgUp", "F2".
    public var description: String {
        var name = ""
        if modifiers.contains(.ctrl) { name += "Ctrl-" }
        if modifiers.contains(.alt) { name += "Alt-" }
        if modifiers.contains(.shift) { name += "Shift-" }
        switch key {
        case .character(let c): name += modifiers.isEmpty ? String(c) : String(c).uppercased()
        case .escape: name += "Esc"
        case .pageUp: name += "PgUp"
        case .pageDown: name += "PgDn"
        case .function(let n): name += "F\(n)"
        default:
            // The other keys are named after their cases: `.enter` is "Enter".
            let word = String(describing: key)
            name += word.prefix(1).uppercased() + word.dropFirst()
        }
        return name
    }
}

/// What the terminal reports.
public enum InputEvent: Sendable, Hashable {
    /// A key press.
    case key(KeyPress)
    /// A bracketed paste: text to insert as it is.
    case paste(String)
    /// The mouse wheel: rows to scroll, negative up.
    case wheel(Int)
    /// The terminal's new size.
    case resize(width: Int, height: Int)
}
