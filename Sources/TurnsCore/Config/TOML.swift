/// A TOML value: the subset of TOML 1.0 that configuration and theme files use.
public enum TOMLValue: Sendable, Equatable {
    /// A string.
    case string(String)
    /// An integer.
    case integer(Int)
    /// A floating-point number.
    case float(Double)
    /// A boolean.
    case bool(Bool)
    /// An array of values.
    case array([TOMLValue])
    /// A table (from `[header]` or `{ inline }`).
    case table(TOMLTable)

    /// A short name of the value's type, for error messages ("a string", "an integer").
    public var typeName: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .float: return "a number"
        case .bool: return "a boolean"
        case .array: return "an array"
        case .table: return "a table"
        }
    }
}

/// A TOML table: keys in file order, each with the line it was defined on.
public struct TOMLTable: Sendable, Equatable {
    /// One key of a table.
    public struct Entry: Sendable, Equatable {
        /// The key.
        public var key: String
        /// The value.
        public var value: TOMLValue
        /// The 1-based line the key was defined on.
        public var line: Int
    }

    /// The entries in file order.
    public var entries: [Entry] = []

    /// The value for `key`, if present.
    public subscript(key: String) -> TOMLValue? {
        entries.first(where: { $0.key == key })?.value
    }

    fileprivate func index(of key: String) -> Int? { entries.firstIndex(where: { $0.key == key }) }
}

/// Why a TOML text could not be read: the line, and what was wrong.
public struct TOMLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The 1-based line number.
    public var line: Int
    /// What was wrong.
    public var reason: String
    /// "line 3: expected '=' after the key"
    public var description: String { "line \(line): \(reason)" }
}

/// Parses TOML text: tables and dotted table headers, bare/quoted/dotted keys, basic and literal strings
/// (single- and multi-line), integers, floats, booleans, arrays and inline tables. Dates are not supported.
public enum TOMLParser {
    /// Parses `text` into its root table.
    public static func parse(_ text: String) throws(TOMLError) -> TOMLTable {
        var parser = Parser(Array(text.unicodeScalars))
        return try parser.parseDocument()
    }
}

private struct Parser {
    let s: [Unicode.Scalar]
    var i = 0
    var line = 1

    init(_ s: [Unicode.Scalar]) { self.s = s }

    func fail(_ reason: String) -> TOMLError { TOMLError(line: line, reason: reason) }

    var atEnd: Bool { i >= s.count }
    var current: Unicode.Scalar? { i < s.count ? s[i] : nil }

    mutating func advance() {
        if s[i] == "\n" { line += 1 }
        i += 1
    }

    mutating func skipSpaces() {
        while let c = current, c == " " || c == "\t" { i += 1 }
    }

    /// Skips spaces, comments and newlines (between statements or array items).
    mutating func skipBlank() {
        while let c = current {
            if c == " " || c == "\t" || c == "\r" || c == "\n" { advance() }
            else if c == "#" { while let d = current, d != "\n" { i += 1 } }
            else { break }
        }
    }

    /// After a statement: only spaces and a comment may remain on the line.
    mutating func endOfLine() throws(TOMLError) {
        skipSpaces()
        if current == "#" { while let d = current, d != "\n" { i += 1 } }
        if current == "\r" { i += 1 }
        guard atEnd || current == "\n" else { throw fail("unexpected text after the value") }
    }

    mutating func parseDocument() throws(TOMLError) -> TOMLTable {
        var root = TOMLTable()
        var path: [String] = []
        var definedTables: Set<[String]> = []
        while true {
            skipBlank()
            guard let c = current else { break }
            if c == "[" {
                let headerLine = line
                i += 1
                if current == "[" { throw fail("arrays of tables ([[…]]) are not supported") }
                skipSpaces()
                let keys = try parseKeyPath()
                skipSpaces()
                guard current == "]" else { throw fail("expected ']' to close the table header") }
                i += 1
                try endOfLine()
                guard definedTables.insert(keys).inserted else {
                    throw TOMLError(line: headerLine, reason: "table [\(keys.joined(separator: "."))] is defined twice")
                }
                try insert(&root, keys[...], nil, line: headerLine)
                path = keys
            } else {
                let (keys, value, keyLine) = try parseKeyValue()
                try endOfLine()
                try insert(&root, (path + keys)[...], value, line: keyLine)
            }
        }
        return root
    }

    mutating func parseKeyPath() throws(TOMLError) -> [String] {
        var keys: [String] = []
        while true {
            skipSpaces()
            guard let c = current else { throw fail("expected a key") }
            if c == "\"" || c == "'" { keys.append(try parseString(multilineAllowed: false)) }
            else {
                var key = ""
                while let d = current, d.properties.isAlphabetic && d.isASCII || ("0"..."9").contains(d) || d == "_" || d == "-" {
                    key.unicodeScalars.append(d); i += 1
                }
                guard !key.isEmpty else { throw fail("expected a key") }
                keys.append(key)
            }
            skipSpaces()
            if current == "." { i += 1; continue }
            return keys
        }
    }

    /// Puts `value` at the key path, making the tables on the way; a nil value only makes the tables (a header).
    func insert(_ table: inout TOMLTable, _ keys: ArraySlice<String>, _ value: TOMLValue?, line: Int) throws(TOMLError) {
        guard let first = keys.first else { return }
        let index = table.index(of: first)
        if keys.count == 1, let value {
            if index != nil { throw TOMLError(line: line, reason: "key \"\(first)\" is defined twice") }
            table.entries.append(TOMLTable.Entry(key: first, value: value, line: line))
            return
        }
        var inner = TOMLTable()
        if let index {
            guard case .table(let existing) = table.entries[index].value else {
                throw TOMLError(line: line, reason: "key \"\(first)\" is not a table")
            }
            inner = existing
        }
        try insert(&inner, keys.dropFirst(), value, line: line)
        if let index { table.entries[index].value = .table(inner) }
        else { table.entries.append(TOMLTable.Entry(key: first, value: .table(inner), line: line)) }
    }

    /// `key = value`: the key path, the value and the line the key is on.
    mutating func parseKeyValue() throws(TOMLError) -> (keys: [String], value: TOMLValue, line: Int) {
        let keyLine = line
        let keys = try parseKeyPath()
        skipSpaces()
        guard current == "=" else { throw fail("expected '=' after the key") }
        i += 1
        skipSpaces()
        return (keys, try parseValue(), keyLine)
    }

    mutating func parseValue() throws(TOMLError) -> TOMLValue {
        guard let c = current else { throw fail("expected a value") }
        switch c {
        case "\"", "'": return .string(try parseString(multilineAllowed: true))
        case "[": return try parseArray()
        case "{": return try parseInlineTable()
        case "t", "f": return try parseBool()
        default: return try parseNumber()
        }
    }

    func lookahead(_ text: String) -> Bool {
        var k = i
        for u in text.unicodeScalars {
            guard k < s.count, s[k] == u else { return false }
            k += 1
        }
        return true
    }

    mutating func parseBool() throws(TOMLError) -> TOMLValue {
        if lookahead("true") { i += 4; return .bool(true) }
        if lookahead("false") { i += 5; return .bool(false) }
        throw fail("expected a value (strings need quotes)")
    }

    mutating func parseNumber() throws(TOMLError) -> TOMLValue {
        var text = ""
        while let c = current, !(c == " " || c == "\t" || c == "\n" || c == "\r" || c == "," || c == "]" || c == "}" || c == "#") {
            text.unicodeScalars.append(c); i += 1
        }
        guard !text.isEmpty else { throw fail("expected a value") }
        let plain = String(text.filter { $0 != "_" })
        if plain == "inf" || plain == "+inf" { return .float(.infinity) }
        if plain == "-inf" { return .float(-.infinity) }
        if plain == "nan" || plain == "+nan" || plain == "-nan" { return .float(.nan) }
        if let v = Int(plain) { return .integer(v) }
        if plain.hasPrefix("0x"), let v = Int(plain.dropFirst(2), radix: 16) { return .integer(v) }
        if plain.hasPrefix("0o"), let v = Int(plain.dropFirst(2), radix: 8) { return .integer(v) }
        if plain.hasPrefix("0b"), let v = Int(plain.dropFirst(2), radix: 2) { return .integer(v) }
        if plain.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let v = Double(plain), !plain.hasSuffix(".") {
            return .float(v)
        }
        throw fail("invalid value \(text) (strings need quotes)")
    }

    mutating func parseArray() throws(TOMLError) -> TOMLValue {
        i += 1
        var items: [TOMLValue] = []
        while true {
            skipBlank()
            guard let c = current else { throw fail("unterminated array") }
            if c == "]" { i += 1; return .array(items) }
            items.append(try parseValue())
            skipBlank()
            if atEnd { throw fail("unterminated array") }
            if current == "," { i += 1; continue }
            if current == "]" { i += 1; return .array(items) }
            throw fail("expected ',' or ']' in the array")
        }
    }

    mutating func parseInlineTable() throws(TOMLError) -> TOMLValue {
        i += 1
        var table = TOMLTable()
        skipSpaces()
        if current == "}" { i += 1; return .table(table) }
        while true {
            skipSpaces()
            let (keys, value, keyLine) = try parseKeyValue()
            try insert(&table, keys[...], value, line: keyLine)
            skipSpaces()
            if current == "," { i += 1; continue }
            if current == "}" { i += 1; return .table(table) }
            throw fail("expected ',' or '}' in the inline table")
        }
    }

    /// Reads a string of any of TOML's four kinds: basic (`"…"`, with escapes) or literal (`'…'`), on one line or,
    /// with tripled quotes, over several (a newline right after the opening quotes is dropped, and in a basic one a
    /// backslash ending a line drops the line break and the white space after it).
    mutating func parseString(multilineAllowed: Bool) throws(TOMLError) -> String {
        let quote = s[i]
        let basic = quote == "\""
        let tripled = String(repeating: String(quote), count: 3)
        let multiline = multilineAllowed && lookahead(tripled)
        if multiline {
            i += 3
            if current == "\n" { advance() } else if lookahead("\r\n") { i += 1; advance() }
        } else {
            i += 1
        }
        var out = ""
        while let c = current {
            if multiline ? lookahead(tripled) : c == quote {
                i += multiline ? 3 : 1
                // Quotes right before the closing three belong to the string.
                while multiline && current == quote { out.unicodeScalars.append(quote); i += 1 }
                return out
            }
            if c == "\n" && !multiline { break }
            if basic && c == "\\" {
                if multiline {
                    var k = i + 1
                    while k < s.count, s[k] == " " || s[k] == "\t" || s[k] == "\r" { k += 1 }
                    if k < s.count, s[k] == "\n" {
                        i = k
                        while let d = current, d == " " || d == "\t" || d == "\n" || d == "\r" { advance() }
                        continue
                    }
                }
                out.unicodeScalars.append(try parseEscape())
                continue
            }
            out.unicodeScalars.append(c)
            advance()
        }
        throw fail(multiline ? "unterminated multi-line string" : "unterminated string")
    }

    static let escapes: [Unicode.Scalar: Unicode.Scalar] = [
        "n": "\n", "t": "\t", "r": "\r", "b": "\u{08}", "f": "\u{0C}", "e": "\u{1B}", "\"": "\"", "\\": "\\",
    ]

    mutating func parseEscape() throws(TOMLError) -> Unicode.Scalar {
        i += 1
        guard let e = current else { throw fail("unterminated escape") }
        i += 1
        if let simple = Self.escapes[e] { return simple }
        guard e == "u" || e == "U" else { throw fail("invalid escape \\\(e)") }
        let count = e == "u" ? 4 : 8
        guard i + count <= s.count else { throw fail("invalid \\\(e) escape") }
        let hex = String(String.UnicodeScalarView(s[i..<i + count]))
        i += count
        guard let v = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(v) else { throw fail("invalid \\\(e) escape") }
        return scalar
    }
}
