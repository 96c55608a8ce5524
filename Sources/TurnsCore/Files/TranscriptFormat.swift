/// The file formats a transcript can be saved in.
public enum TranscriptFormat: String, Sendable, CaseIterable {
    /// The exact prompt text the API sees; loads back (also when written by hand or another tool).
    case txt
    /// Readable Markdown with a header and a heading per turn; for reading, not loading.
    case md
    /// Full fidelity, versioned JSON; loads back exactly.
    case json

    /// The format a path's extension names, if any (`.txt`, `.md`/`.markdown`, `.json`).
    public static func from(path: String) -> TranscriptFormat? {
        let lower = path.lowercased()
        if lower.hasSuffix(".txt") || lower.hasSuffix(".prompt") { return .txt }
        if lower.hasSuffix(".md") || lower.hasSuffix(".markdown") { return .md }
        if lower.hasSuffix(".json") { return .json }
        return nil
    }
}
