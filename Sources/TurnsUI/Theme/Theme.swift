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

/// A style for every role: filled from theme files later; `Theme.default` is built in.
public struct Theme: Sendable, Equatable {
    /// The theme's name.
    public var name: String
    /// The style of each role; a role missing here falls back to `.base`.
    public var styles: [UIRole: Style]

    /// Creates a theme.
    public init(name: String, styles: [UIRole: Style]) {
        self.name = name
        self.styles = styles
    }

    /// The style of `role`.
    public subscript(role: UIRole) -> Style {
        styles[role] ?? styles[.base] ?? .plain
    }

    /// The built-in dark theme, used when no theme file is given.
    public static let `default` = Theme(name: "default", styles: [
        .base: Style(),
        .humanLabel: Style(foreground: .named(.brightCyan), attributes: .bold),
        .humanText: Style(),
        .assistantLabel: Style(foreground: .named(.brightGreen), attributes: .bold),
        .assistantText: Style(),
        .systemLabel: Style(foreground: .named(.brightMagenta), attributes: .bold),
        .systemText: Style(foreground: .named(.white), attributes: .dim),
        .code: Style(foreground: .named(.brightYellow), background: .palette(236)),
        .codeFence: Style(foreground: .named(.brightBlack), background: .palette(236)),
        .interrupted: Style(foreground: .named(.yellow), attributes: .italic),
        .error: Style(foreground: .named(.brightRed), attributes: .bold),
        .newTextIndicator: Style(foreground: .named(.black), background: .named(.yellow)),
        .statusBar: Style(foreground: .named(.white), background: .palette(238)),
        .statusBusy: Style(foreground: .named(.brightYellow), background: .palette(238)),
        .statusDone: Style(foreground: .named(.brightGreen), background: .palette(238)),
        .editor: Style(),
        .editorPrompt: Style(foreground: .named(.brightCyan), attributes: .bold),
        .panel: Style(foreground: .named(.white), background: .palette(235)),
        .panelSelected: Style(foreground: .named(.black), background: .named(.cyan)),
        .notice: Style(foreground: .named(.brightYellow), attributes: .bold),
    ])

    /// No colours at all, only attributes (for `NO_COLOR` and tests).
    public static let monochrome = Theme(name: "monochrome", styles: [
        .base: Style(),
        .humanLabel: Style(attributes: .bold),
        .assistantLabel: Style(attributes: .bold),
        .systemLabel: Style(attributes: .bold),
        .systemText: Style(attributes: .dim),
        .codeFence: Style(attributes: .dim),
        .interrupted: Style(attributes: .italic),
        .error: Style(attributes: .bold),
        .newTextIndicator: Style(attributes: .reverse),
        .statusBar: Style(attributes: .reverse),
        .statusBusy: Style(attributes: [.reverse, .bold]),
        .statusDone: Style(attributes: .reverse),
        .editorPrompt: Style(attributes: .bold),
        .panel: Style(),
        .panelSelected: Style(attributes: .reverse),
        .notice: Style(attributes: .bold),
    ])
}
