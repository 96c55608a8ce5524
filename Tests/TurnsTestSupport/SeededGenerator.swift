/// A small, fast, seedable random number generator (SplitMix64) so property tests are reproducible.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from a seed.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Generators of awkward text for property tests: unicode, newlines, turn-marker look-alikes.
public enum TrickyText {
    /// Pieces that stress prompt formats, wrapping and decoders.
    public static let pieces: [String] = [
        "hello", " ", "world", "\n", "\n\n", "\r\n", "\t", "界", "😀", "👩‍💻", "🇫🇷", "e\u{301}", "\u{2028}",
        "Human:", "Assistant:", "\n\nHuman:", "\n\nAssistant:", "\n\nHuman", "\nHuman:", "\\Human:",
        "\n\n\\Human:", "Human: hi", "\n\nAssistant: ok", ":", "\"", "\\", "{", "}", "data: x", "event: ping",
        "ß", "Ω", "\u{0}", "\u{1B}[31m", "   ", "​", "a" + String(repeating: "b", count: 40),
    ]

    /// A random string of `0..<maxPieces` pieces.
    public static func random(using rng: inout SeededGenerator, maxPieces: Int = 12) -> String {
        let count = Int.random(in: 0..<max(1, maxPieces), using: &rng)
        var out = ""
        for _ in 0..<count { out += pieces.randomElement(using: &rng)! }
        return out
    }
}
