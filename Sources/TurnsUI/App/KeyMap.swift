/// What a key does in the chat (outside the settings panel).
public enum AppCommand: Sendable, Hashable {
    /// Send the message or run the slash command.
    case submit
    /// Insert a newline.
    case newline
    /// Cancel the answer; with nothing running, clear the editor, or quit when it is empty.
    case interrupt
    /// Quit when nothing runs and the editor is empty; otherwise delete forward.
    case endOfInput
    /// Cancel the answer under way.
    case cancel
    /// Open the settings panel.
    case settings
    /// Show the keys and commands.
    case help
    /// Complete the model name after `/model ` from the API's list.
    case complete
    /// Regenerate the last answer.
    case retry
    /// Save the conversation, asking for a path.
    case saveAs
    /// Repaint the whole screen (after another program scribbled on it).
    case redraw
    /// Scroll the transcript.
    case scroll(ScrollAction)
    /// Home: the start of the line, or the top of the transcript from an empty editor.
    case home
    /// End: the end of the line, or the bottom of the transcript from an empty editor.
    case end
    /// Editor motions: a grapheme left or right; a row up or down, or through the sent messages from the first or
    /// last row; the start or end of the line; a word left or right.
    case left, right, up, down, lineStart, lineEnd, wordLeft, wordRight
    /// Editor deletions (before and after the cursor, to the end and the start of the line, the word before the
    /// cursor), and `yank`, which inserts the last deleted text.
    case backspace, delete, killToLineEnd, killToLineStart, killWord, yank
}

/// One line of the key map: the keys, what they do, and how /help describes it.
public struct KeyBinding: Sendable {
    /// The keys.
    public var keys: [KeyPress]
    /// The command.
    public var command: AppCommand
    /// The description in /help.
    public var help: String
}

/// The chat's keys: one table that both dispatches keys and lists them in /help.
public enum KeyMap {
    /// Every binding, in the order /help lists them.
    public static let bindings: [KeyBinding] = [
        KeyBinding(keys: [KeyPress(.enter)], command: .submit, help: "send the message or run the /command"),
        KeyBinding(keys: [KeyPress(.tab)], command: .complete, help: "after /model: complete the model name"),
        KeyBinding(keys: [KeyPress(.enter, .alt), .ctrl("j")], command: .newline, help: "insert a newline"),
        KeyBinding(keys: [KeyPress(.escape)], command: .cancel, help: "cancel the answer (the partial text is kept)"),
        KeyBinding(keys: [.ctrl("c")], command: .interrupt, help: "cancel the answer; clear the editor; quit when empty"),
        KeyBinding(keys: [.ctrl("d")], command: .endOfInput, help: "quit when nothing runs and the editor is empty"),
        KeyBinding(keys: [KeyPress(.function(2))], command: .settings, help: "settings panel"),
        KeyBinding(keys: [KeyPress(.function(1))], command: .help, help: "this help"),
        KeyBinding(keys: [.ctrl("r")], command: .retry, help: "regenerate the last answer"),
        KeyBinding(keys: [.ctrl("s")], command: .saveAs, help: "save the conversation (asks for a path)"),
        KeyBinding(keys: [.ctrl("l")], command: .redraw, help: "repaint the screen"),
        KeyBinding(keys: [KeyPress(.pageUp)], command: .scroll(.pageUp), help: "scroll the transcript up a page"),
        KeyBinding(keys: [KeyPress(.pageDown)], command: .scroll(.pageDown), help: "scroll the transcript down a page"),
        KeyBinding(keys: [KeyPress(.home, .ctrl)], command: .scroll(.top), help: "start of the conversation"),
        KeyBinding(keys: [KeyPress(.end, .ctrl)], command: .scroll(.bottom), help: "end of the conversation (follow)"),
        KeyBinding(keys: [KeyPress(.home)], command: .home, help: "start of line (empty editor: start of conversation)"),
        KeyBinding(keys: [KeyPress(.end)], command: .end, help: "end of line (empty editor: end of conversation)"),
        KeyBinding(keys: [KeyPress(.left), .ctrl("b")], command: .left, help: "character left"),
        KeyBinding(keys: [KeyPress(.right), .ctrl("f")], command: .right, help: "character right"),
        KeyBinding(keys: [KeyPress(.up)], command: .up, help: "line up; on the first line, the previous message"),
        KeyBinding(keys: [KeyPress(.down)], command: .down, help: "line down; on the last line, the next message"),
        KeyBinding(keys: [KeyPress(.backspace)], command: .backspace, help: "delete the character before the cursor"),
        KeyBinding(keys: [KeyPress(.delete)], command: .delete, help: "delete the character after the cursor"),
        KeyBinding(keys: [.ctrl("a")], command: .lineStart, help: "start of line"),
        KeyBinding(keys: [.ctrl("e")], command: .lineEnd, help: "end of line"),
        KeyBinding(keys: [.alt("b"), KeyPress(.left, .alt)], command: .wordLeft, help: "word left"),
        KeyBinding(keys: [.alt("f"), KeyPress(.right, .alt)], command: .wordRight, help: "word right"),
        KeyBinding(keys: [.ctrl("k")], command: .killToLineEnd, help: "delete to the end of the line"),
        KeyBinding(keys: [.ctrl("u")], command: .killToLineStart, help: "delete to the start of the line"),
        KeyBinding(keys: [.ctrl("w")], command: .killWord, help: "delete the word before the cursor"),
        KeyBinding(keys: [.ctrl("y")], command: .yank, help: "insert the last deleted text"),
    ]

    /// The command bound to `press`, if any.
    public static func command(for press: KeyPress) -> AppCommand? {
        table[press]
    }

    /// The first binding of a key wins.
    private static let table = Dictionary(bindings.flatMap { binding in binding.keys.map { ($0, binding.command) } },
                                          uniquingKeysWith: { first, _ in first })
}

extension InputEditor {
    /// Carries out an editing command (a motion, a deletion, a yank); false for the app's other commands.
    mutating func perform(_ command: AppCommand) -> Bool {
        switch command {
        case .left: moveLeft()
        case .right: moveRight()
        case .up: moveUp()
        case .down: moveDown()
        case .backspace: deleteBackward()
        case .delete: deleteForward()
        case .lineStart: moveToLineStart()
        case .lineEnd: moveToLineEnd()
        case .wordLeft: moveWordLeft()
        case .wordRight: moveWordRight()
        case .killToLineEnd: killToLineEnd()
        case .killToLineStart: killToLineStart()
        case .killWord: deleteWordBackward()
        case .yank: yank()
        default: return false
        }
        return true
    }
}
