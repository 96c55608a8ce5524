/// A slice of the successor arrays: the tokens seen after one context, likeliest first.
struct SuccessorRange: Sendable {
    /// The first index in `NGramTables.successorIDs` / `successorCounts`.
    var start: Int
    /// How many successors there are.
    var count: Int
    /// The indices of the slice.
    var indices: Range<Int> { start..<(start + count) }
}

/// N-gram counts for contexts of four, three, two, one and zero tokens (5-gram down to unigram), stored as sorted
/// successor lists in two flat arrays.
///
/// Each context owns one contiguous slice, sorted by count (highest first) and then by id, so greedy decoding is
/// "take the first", top_k is "take a prefix", and ties break the same way on every run. Generation backs off from
/// the longest context that was seen to shorter ones ("stupid backoff"). A four-token context keeps an answer on
/// its topic (with three, common phrases like ". The model" let greedy text wander and loop); the shorter ones let
/// the text move on where the corpus does not say what comes next.
struct NGramTables: Sendable {
    /// The longest context used.
    static let contextLength = 4

    /// Successor token ids, slice by slice.
    let successorIDs: [Int32]
    /// How often each successor was seen after its context.
    let successorCounts: [Int32]
    /// Slices by context, longest context first: `byContext[0]` for four tokens … `[3]` for one.
    let byContext: [[ContextKey: SuccessorRange]]
    /// The slice for "no context": every token by overall frequency.
    let unigrams: SuccessorRange

    /// The successors of the longest suffix of `context` that was seen, and that suffix's length (0: unigrams).
    @inline(__always) func successors(after context: Context) -> (range: SuccessorRange, length: Int) {
        for index in byContext.indices {
            let length = NGramTables.contextLength - index
            if let range = byContext[index][context.key(length: length)] { return (range, length) }
        }
        return (unigrams, 0)
    }

    /// The successors of exactly the `length` last ids of `context`, if that context was seen.
    @inline(__always) func successors(after context: Context, length: Int) -> SuccessorRange? {
        length == 0 ? unigrams : byContext[NGramTables.contextLength - length][context.key(length: length)]
    }
}

/// The last few ids of a context, packed exactly: up to three ids of 21 bits in `high`, the newest in `low`.
struct ContextKey: Hashable, Sendable {
    var high: UInt64
    var low: Int32
}

/// The last four ids, oldest first.
struct Context: Sendable, Equatable {
    var a: Int32, b: Int32, c: Int32, d: Int32

    /// A context of four equal ids (such as four `start`s).
    init(repeating id: Int32) { (a, b, c, d) = (id, id, id, id) }

    /// A context of the given ids, oldest first.
    init(_ a: Int32, _ b: Int32, _ c: Int32, _ d: Int32) { (self.a, self.b, self.c, self.d) = (a, b, c, d) }

    /// The context after `id` is appended.
    @inline(__always) func shifted(_ id: Int32) -> Context { Context(b, c, d, id) }

    /// The last `length` ids as a dictionary key (ids are below 2^21, so the packing is exact).
    @inline(__always) func key(length: Int) -> ContextKey {
        @inline(__always) func bits(_ id: Int32) -> UInt64 { UInt64(UInt32(bitPattern: id)) }
        switch length {
        case 4: return ContextKey(high: bits(a) << 42 | bits(b) << 21 | bits(c), low: d)
        case 3: return ContextKey(high: bits(b) << 21 | bits(c), low: d)
        case 2: return ContextKey(high: bits(c), low: d)
        default: return ContextKey(high: 0, low: d)
        }
    }
}

/// Counts n-grams while the corpus is read, then freezes them into `NGramTables`.
struct NGramCounter {
    /// One counted n-gram: a packed context and the id that followed it.
    private struct Key: Hashable {
        var context: ContextKey
        var next: Int32
    }

    /// Counts by context length, longest first.
    private var counts = [[Key: Int32]](repeating: [:], count: NGramTables.contextLength)
    private var unigramCounts: [Int32: Int32] = [:]

    /// Counts every position of `sequence` after its first four ids (which are context only).
    mutating func add(sequence: [Int32]) {
        let n = NGramTables.contextLength
        guard sequence.count > n else { return }
        var context = Context(sequence[0], sequence[1], sequence[2], sequence[3])
        for i in n..<sequence.count {
            let next = sequence[i]
            for length in 1...n {
                counts[n - length][Key(context: context.key(length: length), next: next), default: 0] += 1
            }
            unigramCounts[next, default: 0] += 1
            context = context.shifted(next)
        }
    }

    /// Sorts everything into the flat, query-ready form.
    func freeze() -> NGramTables {
        var ids: [Int32] = []
        var successorCounts: [Int32] = []
        let total = counts.reduce(unigramCounts.count) { $0 + $1.count }
        ids.reserveCapacity(total)
        successorCounts.reserveCapacity(total)

        // Appends one context's successors in decoding order: count descending, then id ascending.
        func appendSlice(_ slice: inout [(id: Int32, count: Int32)]) -> SuccessorRange {
            slice.sort { $0.count != $1.count ? $0.count > $1.count : $0.id < $1.id }
            let start = ids.count
            for entry in slice {
                ids.append(entry.id)
                successorCounts.append(entry.count)
            }
            return SuccessorRange(start: start, count: slice.count)
        }

        var byContext: [[ContextKey: SuccessorRange]] = []
        for table in counts {
            var grouped: [ContextKey: [(id: Int32, count: Int32)]] = [:]
            for (key, count) in table { grouped[key.context, default: []].append((key.next, count)) }
            var ranges: [ContextKey: SuccessorRange] = [:]
            ranges.reserveCapacity(grouped.count)
            for (context, var slice) in grouped { ranges[context] = appendSlice(&slice) }
            byContext.append(ranges)
        }
        var all = unigramCounts.map { (id: $0.key, count: $0.value) }
        let unigrams = appendSlice(&all)
        return NGramTables(successorIDs: ids, successorCounts: successorCounts, byContext: byContext, unigrams: unigrams)
    }
}
