/// The model's tokens as integer ids, with each token's bytes stored once in one flat array.
///
/// Three ids are reserved: `start` (before the first token of a text), `end` (the text is over; it is written out
/// as the built-in stop `"\n\nHuman:"`, so the stop logic ends the answer), and `unseen` (a prompt token the
/// model never saw). Silent ids (one per learned answer) have no bytes and are never generated: they only appear
/// in contexts, where they tie the first tokens of an answer to that answer.
struct Vocabulary: Sendable {
    /// Before the first token of a text.
    static let start: Int32 = 0
    /// The end of an answer; written out as `"\n\nHuman:"`.
    static let end: Int32 = 1
    /// A token of a prompt that the corpus does not hold; it never occurs in training, so contexts with it back off.
    static let unseen: Int32 = 2
    /// Ids must fit in 21 bits so three of them pack into one `UInt64` key.
    static let maxCount = 1 << 21

    /// All token bytes, back to back.
    private(set) var bytes: [UInt8] = []
    /// Token `i` is `bytes[offsets[i] ..< offsets[i + 1]]`.
    private(set) var offsets: [Int32] = [0]
    /// True for tokens holding a `:`, the only tokens that could complete a turn marker.
    private(set) var holdsColon: [Bool] = []
    /// The ids of generated tokens, by text.
    private var tokenIDs: [String: Int32] = [:]

    init() {
        appendEntry(bytes: [])  // start
        appendEntry(bytes: Array(LocalModel.builtInStop.utf8))  // end
        appendEntry(bytes: [])  // unseen
    }

    /// The number of ids handed out.
    var count: Int { offsets.count - 1 }

    /// The id of a token, adding it when new.
    mutating func intern(_ token: UnsafeBufferPointer<UInt8>) -> Int32 {
        let text = String(decoding: token, as: UTF8.self)
        if let id = tokenIDs[text] { return id }
        let id = appendEntry(bytes: Array(token))
        tokenIDs[text] = id
        return id
    }

    /// A new id with no text, never generated (it marks the start of one answer).
    mutating func addSilentID() -> Int32 { appendEntry(bytes: []) }

    /// The id of a token already known, or nil.
    func id(of token: String) -> Int32? { tokenIDs[token] }

    @discardableResult
    private mutating func appendEntry(bytes entry: [UInt8]) -> Int32 {
        precondition(count < Vocabulary.maxCount, "the corpus has more than \(Vocabulary.maxCount) distinct tokens")
        bytes.append(contentsOf: entry)
        offsets.append(Int32(bytes.count))
        holdsColon.append(entry.contains(UInt8(ascii: ":")))
        return Int32(count - 1)
    }

    /// The byte range of token `id` inside `bytes`.
    @inline(__always) func range(of id: Int32) -> Range<Int> {
        Int(offsets[Int(id)])..<Int(offsets[Int(id) + 1])
    }

    /// The text of token `id`.
    func text(of id: Int32) -> String {
        String(decoding: bytes[range(of: id)], as: UTF8.self)
    }
}
