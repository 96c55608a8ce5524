/// Splits text into the offline model's tokens, so that joining the tokens gives back the exact text.
///
/// A token is one of:
/// - a word (letters, digits, `_`, any non-ASCII character, and an apostrophe between letters) with the spaces
///   and tabs before it, e.g. `" don't"`;
/// - one punctuation character with the spaces and tabs before it, e.g. `","` or `" /"`;
/// - a run of white space that holds a line break, e.g. `"\n\n"`, kept apart so paragraphs are tokens of their own;
/// - trailing spaces at the very end of the text.
///
/// Working on UTF-8 bytes keeps it fast; non-ASCII bytes count as word bytes, so a character is never split.
public enum Tokenizer {
    /// The byte ranges of the tokens of `bytes`, in order; together they cover every byte exactly once.
    public static func tokenRanges(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(bytes.count / 4 + 1)
        let n = bytes.count
        var i = 0
        while i < n {
            let start = i
            var sawNewline = false
            while i < n, isSpace(bytes[i]) {
                if bytes[i] == 0x0A || bytes[i] == 0x0D { sawNewline = true }
                i += 1
            }
            if sawNewline || i == n {
                ranges.append(start..<i)
                continue
            }
            // Spaces (if any) lead the word or punctuation that follows.
            if isWordByte(bytes[i]) {
                i += 1
                while i < n {
                    if isWordByte(bytes[i]) {
                        i += 1
                    } else if bytes[i] == UInt8(ascii: "'"), i + 1 < n, isWordByte(bytes[i + 1]) {
                        i += 2
                    } else {
                        break
                    }
                }
            } else {
                i += 1
            }
            ranges.append(start..<i)
        }
        return ranges
    }

    /// The tokens of `text` as strings (for tests and small inputs; the model works on ranges).
    public static func tokens(_ text: String) -> [String] {
        var copy = text
        return copy.withUTF8 { bytes in
            tokenRanges(bytes).map { String(decoding: UnsafeBufferPointer(rebasing: bytes[$0]), as: UTF8.self) }
        }
    }

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D
    }

    @inline(__always) static func isWordByte(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b >= 0x80
    }
}
