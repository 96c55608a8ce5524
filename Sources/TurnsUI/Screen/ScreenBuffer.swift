/// A rectangle of cells on the screen.
public struct Rect: Sendable, Hashable {
    /// The left column.
    public var x: Int
    /// The top row.
    public var y: Int
    /// Columns.
    public var width: Int
    /// Rows.
    public var height: Int

    /// Creates a rectangle.
    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = max(0, width)
        self.height = max(0, height)
    }

    /// One past the right column.
    public var maxX: Int { x + width }
    /// One past the bottom row.
    public var maxY: Int { y + height }
}

/// A width x height grid of cells that widgets draw into; the terminal edge sends only the difference between two.
///
/// Drawing keeps wide characters whole: a wide character owns its cell and a continuation cell, overwriting either
/// half blanks the other half, and a wide character that would not fit before the right edge leaves a blank.
public struct ScreenBuffer: Sendable, Equatable {
    /// Columns.
    public private(set) var width: Int
    /// Rows.
    public private(set) var height: Int
    /// The cells, row by row.
    public private(set) var cells: [Cell]

    /// Creates a buffer filled with `fill`.
    public init(width: Int, height: Int, fill: Cell = .blank) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: fill, count: self.width * self.height)
    }

    /// The whole buffer as a rectangle.
    public var area: Rect { Rect(x: 0, y: 0, width: width, height: height) }

    /// The cell at column `x`, row `y`.
    public subscript(x: Int, y: Int) -> Cell { cells[y * width + x] }

    /// Blanks every cell with `style`.
    public mutating func clear(_ style: Style = .plain) {
        let blank = Cell.blank(style)
        for i in cells.indices { cells[i] = blank }
    }

    /// Blanks the cells of `rect` (clipped to the buffer) with `style`.
    public mutating func fill(_ rect: Rect, style: Style) {
        let clipped = clip(rect)
        guard clipped.width > 0 else { return }
        let blank = Cell.blank(style)
        for y in clipped.y..<clipped.maxY {
            // Only the edges can split a wide character; the cells between are overwritten directly.
            put(" ", width: 1, x: clipped.x, y: y, style: style)
            put(" ", width: 1, x: clipped.maxX - 1, y: y, style: style)
            let row = y * width
            for x in clipped.x..<clipped.maxX { cells[row + x] = blank }
        }
    }

    /// Draws `text` on row `y` from column `x`, clipped before column `limit` (default: the right edge).
    ///
    /// Tabs advance to the next tab stop counted from `x`; combining marks join the cell before them; control
    /// characters are dropped (text from the network never reaches the terminal as escape sequences).
    /// - Returns: the column after the last cell drawn.
    @discardableResult
    public mutating func draw<S: StringProtocol>(_ text: S, x: Int, y: Int, style: Style, limit: Int? = nil,
                                                 tabWidth: Int = DisplayWidth.defaultTabWidth) -> Int {
        let end = min(limit ?? width, width)
        guard y >= 0, y < height else { return x }
        var col = x
        // Fast path: in ASCII every byte is its own cluster of one cell (controls dropped, tabs expanded).
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            for byte in text.utf8 {
                if col >= end { break }
                if byte == 0x09 {
                    let stop = min(end, col + DisplayWidth.tabAdvance(atColumn: col - x, tabWidth: tabWidth))
                    while col < stop {
                        if col >= 0 { put(" ", width: 1, x: col, y: y, style: style) }
                        col += 1
                    }
                } else if byte >= 0x20 && byte < 0x7F {
                    if col >= 0 { put(String(UnicodeScalar(byte)), width: 1, x: col, y: y, style: style) }
                    col += 1
                }
            }
            return col
        }
        var lastCell = -1
        for cluster in text {
            if col >= end { break }
            if cluster == "\t" {
                let stop = min(end, col + DisplayWidth.tabAdvance(atColumn: col - x, tabWidth: tabWidth))
                while col < stop {
                    if col >= 0 { put(" ", width: 1, x: col, y: y, style: style) }
                    col += 1
                }
                lastCell = -1
                continue
            }
            let cells = DisplayWidth.of(cluster)
            if cells == 0 {
                if lastCell >= 0 && !ScreenBuffer.isControl(cluster) {
                    self.cells[y * width + lastCell].symbol.append(cluster)
                }
                continue
            }
            if col < 0 { col += cells; continue }
            if col + cells > end {
                // A wide character that does not fit leaves a blank rather than half a character.
                put(" ", width: 1, x: col, y: y, style: style)
                col += 1
                break
            }
            put(String(cluster), width: cells, x: col, y: y, style: style)
            lastCell = col
            col += cells
        }
        return col
    }

    /// Places one symbol of `width` cells (1 or 2) at (`x`, `y`), blanking any wide character it splits.
    public mutating func put(_ symbol: String, width cellsWide: Int, x: Int, y: Int, style: Style) {
        guard y >= 0, y < height, x >= 0, x + cellsWide <= width else { return }
        let row = y * width
        if cells[row + x].isContinuation && x > 0 {
            cells[row + x - 1] = .blank(cells[row + x - 1].style)
        }
        let lastX = x + cellsWide - 1
        if lastX + 1 < width && cells[row + lastX + 1].isContinuation {
            cells[row + lastX + 1] = .blank(cells[row + lastX + 1].style)
        }
        cells[row + x] = Cell(symbol: symbol, style: style)
        if cellsWide == 2 { cells[row + x + 1] = Cell(symbol: "", style: style, isContinuation: true) }
    }

    /// Each row as plain text (continuation cells skipped), for tests and logs.
    public var lines: [String] {
        (0..<height).map { line($0) }
    }

    /// Row `y` (or its `columns`) as plain text.
    public func line(_ y: Int, columns: Range<Int>? = nil) -> String {
        var text = ""
        for x in columns ?? 0..<width {
            let cell = cells[y * width + x]
            if !cell.isContinuation { text += cell.symbol }
        }
        return text
    }

    /// `rect` limited to the buffer.
    public func clip(_ rect: Rect) -> Rect {
        let x0 = max(0, rect.x), y0 = max(0, rect.y)
        let x1 = min(width, rect.maxX), y1 = min(height, rect.maxY)
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// True for clusters that must never be drawn (C0 and C1 controls, DEL).
    static func isControl(_ cluster: Character) -> Bool {
        guard let first = cluster.unicodeScalars.first else { return true }
        return first.properties.generalCategory == .control
    }
}
