import NIOHTTP1

/// Checks a request's key against the server's, when the server was started with one.
enum Authentication {
    /// True when no key is required, or the request's `x-api-key` (or `Authorization: Bearer …`, which the SDK
    /// sends for auth tokens) equals `expected`. The comparison takes the same time wherever the keys differ.
    static func allows(_ headers: HTTPHeaders, expected: String?) -> Bool {
        guard let expected else { return true }
        if let key = headers.first(name: "x-api-key"), constantTimeEqual(key, expected) { return true }
        if let authorization = headers.first(name: "authorization"), authorization.hasPrefix("Bearer "),
           constantTimeEqual(String(authorization.dropFirst("Bearer ".count)), expected) {
            return true
        }
        return false
    }

    private static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var difference = UInt8(x.count == y.count ? 0 : 1)
        for i in 0..<max(x.count, y.count) {
            difference |= (i < x.count ? x[i] : 0) ^ (i < y.count ? y[i] : 0)
        }
        return difference == 0
    }
}
