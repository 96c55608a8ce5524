/// Row counts of the transcript's blocks and their total, each change O(1) (a truncation O(blocks removed)), so
/// keeping the total up to date costs the same with 50,000 turns as with one.
struct RowCounts: Sendable {
    /// The counts themselves.
    private(set) var values: [Int]
    /// The sum of all counts.
    private(set) var total: Int

    /// Counts for `values`.
    init(_ values: [Int] = []) {
        self.values = values
        total = values.reduce(0, +)
    }

    /// Adds a block at the end.
    mutating func append(_ value: Int) {
        values.append(value)
        total += value
    }

    /// Sets block `index`'s count.
    mutating func set(_ index: Int, to value: Int) {
        total += value - values[index]
        values[index] = value
    }

    /// Keeps only the first `count` blocks.
    mutating func truncate(to count: Int) {
        guard count < values.count else { return }
        total -= values[count...].reduce(0, +)
        values.removeSubrange(count...)
    }
}
