/// The AWS CLI's INI files (`~/.aws/credentials`, `~/.aws/config`) read as Python's `configparser` reads
/// them for botocore: `[section]` headers, `key = value` or `key: value` lines (keys lower-cased, values
/// trimmed), whole-line `#` and `;` comments, and indented continuation lines (nested settings such as
/// `s3 =` blocks, kept as text). A repeated section or key merges, the later value winning.
public struct INIFile: Sendable, Hashable {
    /// The settings of each section, by the section's name as written between the brackets (trimmed).
    public var sections: [String: [String: String]]

    /// Creates a file from its sections.
    public init(sections: [String: [String: String]] = [:]) {
        self.sections = sections
    }

    /// Parses INI text.
    ///
    /// - Throws: `INIParseError` with the line number (never the line, which may hold a secret).
    public static func parse(_ text: String) throws(INIParseError) -> INIFile {
        var file = INIFile()
        var section: String?
        var lastKey: String?
        var lineNumber = 0
        var body = Substring(text)
        if body.hasPrefix("\u{FEFF}") { body = body.dropFirst() }
        // "\r\n" is one Character in Swift, so it is a separator of its own.
        for line in body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            let trimmed = line.trimmingSpaces
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
            let indented = line.first == " " || line.first == "\t"
            if indented, let section, let lastKey {
                file.sections[section]?[lastKey]? += "\n" + trimmed
                continue
            }
            if trimmed.hasPrefix("[") {
                guard let close = trimmed.lastIndex(of: "]") else {
                    throw INIParseError(line: lineNumber, reason: "a section header has no closing ']'")
                }
                let name = trimmed[trimmed.index(after: trimmed.startIndex)..<close].trimmingSpaces
                guard !name.isEmpty else { throw INIParseError(line: lineNumber, reason: "a section header is empty") }
                section = name
                lastKey = nil
                if file.sections[name] == nil { file.sections[name] = [:] }
                continue
            }
            guard let section else {
                throw INIParseError(line: lineNumber, reason: "a setting comes before any [section] header")
            }
            guard let delimiter = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
                throw INIParseError(line: lineNumber, reason: "the line is not a [section], a comment or a key = value setting")
            }
            let key = trimmed[..<delimiter].trimmingSpaces.lowercased()
            guard !key.isEmpty else { throw INIParseError(line: lineNumber, reason: "a setting has no name before '='") }
            file.sections[section]?[key] = trimmed[trimmed.index(after: delimiter)...].trimmingSpaces
            lastKey = key
        }
        return file
    }
}

/// Why an INI file could not be read; never quotes the line, which may hold a secret.
public struct INIParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 1-based line number.
    public var line: Int
    /// What is wrong with the line.
    public var reason: String

    /// Creates an error.
    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    /// `line 3: …`.
    public var description: String { "line \(line): \(reason)" }
}
