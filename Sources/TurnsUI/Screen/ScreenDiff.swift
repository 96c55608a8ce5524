/// A run of changed cells on one row: what the terminal edge must rewrite.
public struct ScreenChange: Sendable, Hashable {
    /// The row.
    public var row: Int
    /// The changed columns (a wide character's two cells are always both inside).
    public var columns: Range<Int>

    /// Creates a change.
    public init(row: Int, columns: Range<Int>) {
        self.row = row
        self.columns = columns
    }
}

/// The difference between two frames: only cells that changed are sent to the terminal.
public enum ScreenDiff {
    /// The runs of cells in `new` that differ from `old`; everything when there is no old frame or its size differs.
    public static func changes(from old: ScreenBuffer?, to new: ScreenBuffer) -> [ScreenChange] {
        guard let old, old.width == new.width, old.height == new.height else {
            guard new.width > 0 else { return [] }
            return (0..<new.height).map { ScreenChange(row: $0, columns: 0..<new.width) }
        }
        var result: [ScreenChange] = []
        let width = new.width
        old.cells.withUnsafeBufferPointer { before in
            new.cells.withUnsafeBufferPointer { after in
                for y in 0..<new.height {
                    let row = y * width
                    var x = 0
                    while x < width {
                        if before[row + x] == after[row + x] { x += 1; continue }
                        var start = x
                        // A run never starts on the right half of a wide character: the terminal writes it whole.
                        if start > 0 && after[row + start].isContinuation { start -= 1 }
                        while x < width && before[row + x] != after[row + x] { x += 1 }
                        if x < width && after[row + x].isContinuation { x += 1 }
                        if let last = result.last, last.row == y, last.columns.upperBound >= start {
                            result[result.count - 1].columns = last.columns.lowerBound..<x
                        } else {
                            result.append(ScreenChange(row: y, columns: start..<x))
                        }
                    }
                }
            }
        }
        return result
    }

}
