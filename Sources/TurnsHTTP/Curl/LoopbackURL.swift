/// Recognizes URLs that point at this machine's loopback interface.
enum LoopbackURL {
    /// True when `url`'s host is `localhost`, an IPv4 address in 127.0.0.0/8 or `[::1]`.
    ///
    /// Such requests never go through a proxy: a proxy's loopback is the proxy's own machine, so with
    /// `http_proxy` set the embedded local server would otherwise be unreachable.
    static func isLoopback(_ url: String) -> Bool {
        guard let schemeEnd = url.firstRange(of: "://") else { return false }
        var authority = url[schemeEnd.upperBound...].prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        if let at = authority.lastIndex(of: "@") { authority = authority[authority.index(after: at)...] }
        let host: Substring
        if authority.hasPrefix("[") {
            host = authority.prefix { $0 != "]" }.dropFirst()
        } else {
            host = authority.prefix { $0 != ":" }
        }
        let name = host.lowercased()
        return name == "localhost" || name == "::1" || (name.hasPrefix("127.") && name.allSatisfy { $0.isNumber || $0 == "." })
    }
}
