import TurnsCore

/// A theme file that could not be used: which file, the line, and what is wrong.
public struct ThemeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file (a path, or `themes/NAME.toml` for a bundled theme).
    public var source: String
    /// The 1-based line, when the problem has one.
    public var line: Int?
    /// What is wrong, in words a user can act on.
    public var reason: String

    /// "light.toml:12: unknown key \"colour\" in role code (expected fg, bg, bold, italic, underline, reverse, dim)"
    public var description: String {
        if let line { return "\(source):\(line): \(reason)" }
        return "\(source): \(reason)"
    }
}

/// Reads a theme file: `name`, an optional `description`, and a `[roles]` table with a style for every `UIRole`.
///
/// The format is documented at the top of each file in `themes/`. Everything is checked strictly (unknown keys,
/// missing roles, bad colours), because a typo in a theme should be reported, not silently look wrong.
public enum ThemeFile {
    /// The keys a role's table may have besides the attributes.
    static let colorKeys = ["fg", "bg"]
    /// The attribute keys, each a boolean.
    static let attributeKeys: [(key: String, attribute: TextAttributes)] = [
        ("bold", .bold), ("italic", .italic), ("underline", .underline), ("reverse", .reverse), ("dim", .dim),
    ]

    /// Parses theme text; `source` names the file in error messages, and `expectedName`, when given, is the file's
    /// name, which `name` must equal.
    public static func parse(_ text: String, source: String, expectedName: String? = nil) throws(ThemeError) -> Theme {
        let table: TOMLTable
        do { table = try TOMLParser.parse(text) } catch {
            throw ThemeError(source: source, line: error.line, reason: error.reason)
        }
        var name: String?
        var summary = ""
        var roles: TOMLTable.Entry?
        for entry in table.entries {
            func fail(_ reason: String) -> ThemeError { ThemeError(source: source, line: entry.line, reason: reason) }
            switch entry.key {
            case "name":
                guard case .string(let value) = entry.value, !value.isEmpty else {
                    throw fail("name must be a non-empty string, not \(entry.value.typeName)")
                }
                if let expectedName, value != expectedName {
                    throw fail("name is \"\(value)\" but the file is \(expectedName).toml; make them the same")
                }
                name = value
            case "description":
                guard case .string(let value) = entry.value else {
                    throw fail("description must be a string, not \(entry.value.typeName)")
                }
                summary = value
            case "roles":
                roles = entry
            default:
                throw fail("unknown key \"\(entry.key)\" (expected name, description and a [roles] table)")
            }
        }
        guard let name else { throw ThemeError(source: source, line: nil, reason: "missing name = \"…\"") }
        guard let roles else { throw ThemeError(source: source, line: nil, reason: "missing the [roles] table") }
        guard case .table(let roleTable) = roles.value else {
            throw ThemeError(source: source, line: roles.line, reason: "roles must be a table ([roles]), not \(roles.value.typeName)")
        }
        var styles: [UIRole: Style] = [:]
        for entry in roleTable.entries {
            guard let role = UIRole(key: entry.key) else {
                throw ThemeError(source: source, line: entry.line,
                                 reason: "unknown role \"\(entry.key)\" in [roles] (roles: \(UIRole.allKeys))")
            }
            styles[role] = try style(entry, role: role, source: source)
        }
        let missing = UIRole.allCases.filter { styles[$0] == nil }
        guard missing.isEmpty else {
            let list = missing.map(\.key).joined(separator: ", ")
            throw ThemeError(source: source, line: roles.line,
                             reason: "[roles] is missing \(list) (every role needs an entry; {} is the terminal's own look)")
        }
        return Theme(name: name, summary: summary, styles: styles)
    }

    /// One role's style from its table, such as `{ fg = "bright-cyan", bold = true }`.
    private static func style(_ entry: TOMLTable.Entry, role: UIRole, source: String) throws(ThemeError) -> Style {
        guard case .table(let table) = entry.value else {
            throw ThemeError(source: source, line: entry.line,
                             reason: "role \(role.key) must be a table like { fg = \"red\", bold = true }, not \(entry.value.typeName)")
        }
        var style = Style()
        for item in table.entries {
            func fail(_ reason: String) -> ThemeError {
                ThemeError(source: source, line: item.line, reason: "role \(role.key): \(reason)")
            }
            if colorKeys.contains(item.key) {
                let color: Color
                do { color = try ThemeColor.parse(item.value) } catch { throw fail("\(item.key) \(error.reason)") }
                if item.key == "fg" { style.foreground = color } else { style.background = color }
            } else if let attribute = attributeKeys.first(where: { $0.key == item.key })?.attribute {
                guard case .bool(let on) = item.value else {
                    throw fail("\(item.key) must be true or false, not \(item.value.typeName)")
                }
                if on { style.attributes.insert(attribute) }
            } else {
                let expected = (colorKeys + attributeKeys.map(\.key)).joined(separator: ", ")
                throw fail("unknown key \"\(item.key)\" (expected \(expected))")
            }
        }
        return style
    }
}

extension UIRole {
    /// The role's key in theme files: the case name in snake_case (`newTextIndicator` is `new_text_indicator`).
    public var key: String {
        var out = ""
        for character in rawValue {
            if character.isUppercase { out += "_" + character.lowercased() } else { out.append(character) }
        }
        return out
    }

    /// The role whose theme-file key is `key`.
    public init?(key: String) {
        guard let role = UIRole.allCases.first(where: { $0.key == key }) else { return nil }
        self = role
    }

    /// Every role's key, for error messages.
    static var allKeys: String { allCases.map(\.key).joined(separator: ", ") }
}
