/// Turns the words of a question into keywords, so an answer can be chosen by what a question is about.
///
/// A keyword is a word token without its leading space, lowercased, with a plural `s` dropped
/// ("Settings" and "setting" meet); common words ("how", "the", …) are not keywords.
enum Keywords {
    /// The keyword for a token's text, or nil when the token is punctuation, space or a common word.
    static func keyword(forToken token: Substring) -> String? {
        var word = token
        while let first = word.first, first == " " || first == "\t" { word.removeFirst() }
        guard let first = word.utf8.first, Tokenizer.isWordByte(first) else { return nil }
        var lower = word.lowercased()
        guard !commonWords.contains(lower) else { return nil }
        if lower.count > 3, lower.hasSuffix("s"), !lower.hasSuffix("ss") { lower.removeLast() }
        guard lower.count >= 2, !commonWords.contains(lower) else { return nil }
        return lower
    }

    /// The distinct keywords of a text, in order of last appearance (the end of a question weighs most).
    static func keywords(in text: String) -> [String] {
        var seen = Set<String>()
        var result: [String] = []
        for token in Tokenizer.tokens(text).reversed() {
            guard let keyword = keyword(forToken: Substring(token)), seen.insert(keyword).inserted else { continue }
            result.append(keyword)
        }
        return result
    }

    /// Words too common to say what a question is about.
    static let commonWords: Set<String> = [
        "a", "an", "the", "i", "me", "my", "we", "you", "your", "it", "its", "is", "are", "am", "was", "be", "been",
        "do", "does", "did", "how", "what", "why", "when", "where", "who", "which", "can", "could", "would",
        "should", "will", "shall", "may", "to", "of", "in", "on", "at", "for", "with", "and", "or", "but", "not", "no",
        "this", "that", "these", "there", "please", "about", "tell", "want", "get", "use", "using", "so", "if", "then",
        "some", "any", "just", "now", "up", "out", "by", "from", "as", "into", "like", "here", "thing",
        "again", "also", "very", "really", "much", "many", "more", "know", "need", "make", "let", "ok", "okay",
    ]
}
