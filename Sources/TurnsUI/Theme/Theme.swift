/// The parts of the UI a theme gives a style to.
public enum UIRole: String, Sendable, Hashable, CaseIterable {
    /// Everything not otherwise styled (the background of the screen).
    case base
    /// The "Human" label.
    case humanLabel
    /// The text of Human turns.
    case humanText
    /// The "Assistant" label.
    case assistantLabel
    /// The text of Assistant turns.
    case assistantText
    /// The "System" label.
    case systemLabel
    /// The system text.
    case systemText
    /// Lines inside fenced code blocks.
    case code
    /// The ```` ``` ```` fence lines.
    case codeFence
    /// The "[interrupted]" marker.
    case interrupted
    /// Error markers in the transcript and errors in the status bar and panels.
    case error
    /// The "new text below" indicator.
    case newTextIndicator
    /// The status bar.
    case statusBar
    /// The request state in the status bar while busy (waiting, streaming, retrying).
    case statusBusy
    /// The request state in the status bar when the answer is done.
    case statusDone
    /// The input editor.
    case editor
    /// The editor's prompt ("> ").
    case editorPrompt
    /// The settings panel and the help overlay.
    case panel
    /// The selected field of the settings panel.
    case panelSelected
    /// Notices and advice (the too-small notice, temperature/top_p advice).
    case notice
}

/// A style for every role, read from a theme file (`Sources/TurnsUI/Themes/*.toml`, or the user's own; see `ThemeFile`).
public struct Theme: Sendable, Equatable {
    /// The theme's name.
    public var name: String
    /// One line saying what the theme is for (the file's `description`).
    public var summary: String
    /// The style of each role; a role missing here falls back to `.base` (theme files must give every role).
    public var styles: [UIRole: Style]

    /// Creates a theme.
    public init(name: String, summary: String = "", styles: [UIRole: Style]) {
        self.name = name
        self.summary = summary
        self.styles = styles
    }

    /// The style of `role`.
    public subscript(role: UIRole) -> Style {
        styles[role] ?? styles[.base] ?? .plain
    }

    /// The default theme: the bundled `dark.toml`.
    public static let `default` = ThemeCatalog.bundled(ThemeCatalog.defaultName)

    /// No colours at all, only attributes (for `NO_COLOR` and tests): the bundled `monochrome.toml`.
    public static let monochrome = ThemeCatalog.bundled("monochrome")
}
