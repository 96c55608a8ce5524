/// Makes values safe to print in diagnostics.
enum LogRedaction {
    /// `url` without user credentials, query or fragment (any of which may carry a secret).
    static func url(_ url: String) -> String {
        var text = Substring(url)
        var suffix = ""
        if let cut = text.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            text = text[..<cut]
            suffix = "?…"
        }
        guard let scheme = text.firstRange(of: "://") else { return String(text) + suffix }
        let authorityEnd = text[scheme.upperBound...].firstIndex(of: "/") ?? text.endIndex
        if let at = text[scheme.upperBound..<authorityEnd].lastIndex(of: "@") {
            return String(text[..<scheme.upperBound]) + "…@" + String(text[text.index(after: at)...]) + suffix
        }
        return String(text) + suffix
    }
}
