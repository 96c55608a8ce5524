extension StringProtocol {
    /// The text without surrounding spaces and tabs.
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }

    /// The text without trailing slashes: a base URL a path is appended to.
    var trimmingTrailingSlashes: SubSequence {
        var base = self[...]
        while base.hasSuffix("/") { base = base.dropLast() }
        return base
    }
}
