/// `\n`, `\t` and `\\` escapes, so a stop sequence like "\n\nObservation:" can be typed on one line and shown on one.
public enum EscapedText {
    /// Replaces `\n`, `\t`, `\r` and `\\` with the characters they name; other backslashes stay.
    public static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var out = ""
        var iterator = text.makeIterator()
        while let c = iterator.next() {
            guard c == "\\" else { out.append(c); continue }
            switch iterator.next() {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            case "\\": out.append("\\")
            case let other?: out.append("\\"); out.append(other)
            case nil: out.append("\\")
            }
        }
        return out
    }

    /// The inverse of `unescape` for display: newlines, tabs and backslashes as escapes.
    public static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\r\n": out += "\\r\\n"
            case "\\": out += "\\\\"
            default: out.append(c)
            }
        }
        return out
    }

    /// `text` safe to write to a terminal: control characters (C0, DEL, C1) and the bidirectional overrides shown
    /// inert as `\u{…}`, so text from a server or a file never acts as a control sequence.
    public static func inert(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069:
                out += "\\u{" + String(scalar.value, radix: 16) + "}"
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
