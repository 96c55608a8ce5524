/// Chooses the theme to use: the configured name, `NO_COLOR`, or the default.
public enum ThemeCatalog {
    /// The theme to use and, when the configured one could not be used, why (shown once in the status bar).
    public struct Selection: Sendable {
        /// The theme.
        public var theme: Theme
        /// Why the configured theme was not used, if it was not.
        public var warning: String?
    }

    /// Resolves `name` (from `--theme` or the config). `NO_COLOR` (any non-empty value) always gives monochrome.
    public static func resolve(name: String, environment: [String: String]) -> Selection {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return Selection(theme: .monochrome) }
        switch name {
        case "default", "dark": return Selection(theme: .default)
        case "monochrome": return Selection(theme: .monochrome)
        default: return Selection(theme: .default, warning: "unknown theme \"\(name)\"; using the default")
        }
    }
}
