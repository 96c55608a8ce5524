import Foundation
import TurnsCore

/// Finds themes by name: the user's own in `$XDG_CONFIG_HOME/turns/themes/NAME.toml`, then those bundled from
/// `Sources/TurnsUI/Themes` (embedded in the binary, see `BundledThemes`), with `NO_COLOR` forcing monochrome.
public enum ThemeCatalog {
    /// The theme to use and, when the configured one could not be used, why (shown once in the status bar).
    public struct Selection: Sendable {
        /// The theme.
        public var theme: Theme
        /// Why the configured theme was not used, if it was not (one line).
        public var warning: String?
    }

    /// The theme used when none is configured, or the configured one cannot be used; `default` is an alias for it.
    public static let defaultName = "dark"

    /// Resolves `name` (from `--theme` or the config). `NO_COLOR` (any non-empty value) always gives monochrome;
    /// an unknown name or a broken user theme gives the default theme and a warning, so the chat still opens.
    public static func resolve(name: String, environment: [String: String]) -> Selection {
        if colorsAreOff(environment) { return Selection(theme: .monochrome) }
        switch lookUp(name, environment: environment) {
        case .success(let theme): return Selection(theme: theme)
        case .failure(let error): return Selection(theme: .default, warning: error.message + "; using \(defaultName)")
        }
    }

    /// The theme `/theme NAME` switches to, or why it cannot (one line, naming the themes there are): unlike
    /// `resolve`, a name that does not work changes nothing, so there is no fallback to the default.
    public static func lookUp(_ name: String, environment: [String: String]) -> Result<Theme, CommandError> {
        if colorsAreOff(environment) { return .failure(CommandError("NO_COLOR is set, so the chat stays without colours")) }
        let wanted = name == "default" ? defaultName : name
        guard isValidName(wanted) else { return .failure(unknownName(name, environment)) }
        do {
            if let theme = try userTheme(wanted, environment: environment) { return .success(theme) }
        } catch {
            return .failure(CommandError(oneLine("theme \(wanted) not used: \(error)")))
        }
        if let theme = bundledThemes[wanted] { return .success(theme) }
        return .failure(unknownName(name, environment))
    }

    /// Whether `NO_COLOR` asks for no colours (any non-empty value, as no-color.org says).
    private static func colorsAreOff(_ environment: [String: String]) -> Bool { !(environment["NO_COLOR"] ?? "").isEmpty }

    /// Every theme name that `resolve` knows, bundled and the user's own, sorted (for `/theme` and the warnings).
    public static func availableNames(environment: [String: String]) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: userDirectory(environment))) ?? []
        let user = files.filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }.filter(isValidName)
        return Set(bundledThemes.keys).union(user).sorted()
    }

    /// The folder of the user's themes: `$XDG_CONFIG_HOME/turns/themes` (default `~/.config/turns/themes`).
    public static func userDirectory(_ environment: [String: String]) -> String {
        XDGPaths(environment: environment).configDirectory + "/themes"
    }

    /// The bundled theme `name`; only for names known to be bundled (`Theme.default`, `Theme.monochrome`).
    static func bundled(_ name: String) -> Theme {
        guard let theme = bundledThemes[name] else { fatalError("no bundled theme \(name)") }
        return theme
    }

    /// The bundled themes by name, parsed once. The theme tests parse every file, so a failure here is a build
    /// that skipped them; stopping with the reason beats drawing a half-styled screen.
    static let bundledThemes: [String: Theme] = {
        var themes: [String: Theme] = [:]
        for (name, text) in BundledThemes.files {
            do { themes[name] = try ThemeFile.parse(text, source: "themes/\(name).toml", expectedName: name) } catch {
                fatalError("bundled theme is broken: \(error)")
            }
        }
        return themes
    }()

    /// The user's theme `name`, nil when there is no such file.
    static func userTheme(_ name: String, environment: [String: String]) throws(ThemeError) -> Theme? {
        let path = userDirectory(environment) + "/\(name).toml"
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ThemeError(source: path, line: nil, reason: "cannot be read (check its permissions)")
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ThemeError(source: path, line: nil, reason: "is not UTF-8 text")
        }
        return try ThemeFile.parse(text, source: path, expectedName: name)
    }

    /// Names are file names in one folder: letters, digits, `-`, `_` and `.`, not starting with `.` (no paths).
    static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first != "." else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)
            || $0 == "-" || $0 == "_" || $0 == ".") }
    }

    /// "unknown theme …", listing the names that would have worked.
    private static func unknownName(_ name: String, _ environment: [String: String]) -> CommandError {
        let names = availableNames(environment: environment).joined(separator: ", ")
        return CommandError(oneLine("unknown theme \"\(name)\" (themes: \(names))"))
    }

    /// The status bar has one line: control characters (from a name or a file) become spaces.
    private static func oneLine(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
    }
}
