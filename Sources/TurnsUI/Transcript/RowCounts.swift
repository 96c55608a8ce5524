/// Row counts of the transcript's blocks with prefix sums in O(log n): a Fenwick (binary indexed) tree.
///
/// Appending a block, changing one block's count and truncating are O(log n) or better, so keeping the total and
/// any block's first row up to date costs the same with 50,000 turns as with one.
struct RowCounts: Sendable {
    /// The counts themselves.
    private(set) var values: [Int] = []
    /// `tree[i]` (1-based) holds the sum of `values[i - lowbit(i) ..< i]`.
    private var tree: [Int] = [0]
    /// The sum of all counts.
    private(set) var total = 0

    /// Builds the tree from `values` in O(n).
    init(_ values: [Int] = []) {
        self.values = values
        tree = [0] + values
        for i in 1..<max(1, tree.count) {
            let parent = i + (i & -i)
            if parent < tree.count { tree[parent] += tree[i] }
        }
        total = values.reduce(0, +)
    }

    /// The number of blocks.
    var count: Int { values.count }

    /// Adds a block at the end.
    mutating func append(_ value: Int) {
        let i = values.count + 1
        // The new node covers (i - lowbit(i), i]: its own value plus the blocks just before it.
        tree.append(value + prefix(i - 1) - prefix(i - (i & -i)))
        values.append(value)
        total += value
    }

    /// Sets block `index`'s count.
    mutating func set(_ index: Int, to value: Int) {
        let delta = value - values[index]
        guard delta != 0 else { return }
        values[index] = value
        total += delta
        var i = index + 1
        while i < tree.count {
            tree[i] += delta
            i += i & -i
        }
    }

    /// Keeps only the first `count` blocks (the tree of a prefix is a prefix of the tree).
    mutating func truncate(to count: Int) {
        guard count < values.count else { return }
        total -= values[count...].reduce(0, +)
        values.removeSubrange(count...)
        tree.removeSubrange((count + 1)...)
    }

    /// The sum of the first `count` blocks: the first row of block `count`.
    func prefix(_ count: Int) -> Int {
        var sum = 0
        var i = count
        while i > 0 {
            sum += tree[i]
            i -= i & -i
        }
        return sum
    }

    /// The block holding absolute row `row` and the row within it (clamped to the last block).
    func block(containing row: Int) -> (block: Int, row: Int) {
        guard !values.isEmpty else { return (0, 0) }
        var position = 0
        var remaining = max(0, row)
        var step = 1
        while step * 2 < tree.count { step *= 2 }
        while step > 0 {
            let next = position + step
            if next < tree.count && tree[next] <= remaining {
                position = next
                remaining -= tree[next]
            }
            step /= 2
        }
        if position >= values.count { return (values.count - 1, values[values.count - 1]) }
        return (position, remaining)
    }
}
