/// What a wrapped row holds: prose, a line of a fenced code block, or a fence line itself.
public enum RowKind: UInt8, Sendable, Hashable {
    /// Ordinary text, wrapped at word boundaries.
    case prose
    /// A line inside a fenced code block: never re-flowed, hard-wrapped by cells when too long.
    case code
    /// A fence that opens a code block (```` ```swift ````).
    case fenceOpen
    /// A fence that closes a code block.
    case fenceClose

    /// True for rows styled as code (the block's lines and its fences).
    public var isCode: Bool { self != .prose }
}

/// One row of wrapped text: a range of the source (UTF-8 offsets) and how many cells it shows.
///
/// Rows are compact (12 bytes) and hold no text, so a long transcript's layout costs little memory; drawing reads
/// the source range. Whitespace at a soft break stays in the row it ends (it "hangs" past the edge, clipped when
/// drawn), so the rows' ranges plus the newlines between them cover the source exactly.
public struct WrappedRow: Sendable, Hashable {
    private var start32: Int32
    private var end32: Int32
    private var cells16: UInt16
    /// What the row holds.
    public var kind: RowKind
    private var flags: UInt8

    /// Creates a row.
    public init(start: Int, end: Int, cells: Int, kind: RowKind, isContinuation: Bool, endsLine: Bool) {
        start32 = Int32(truncatingIfNeeded: start)
        end32 = Int32(truncatingIfNeeded: end)
        cells16 = UInt16(clamping: cells)
        self.kind = kind
        flags = (isContinuation ? 1 : 0) | (endsLine ? 2 : 0)
    }

    /// UTF-8 offset of the row's first byte in the source.
    public var start: Int { Int(start32) }
    /// UTF-8 offset one past the row's last byte (the newline that ends a line belongs to no row).
    public var end: Int { Int(end32) }
    /// Cells the row shows (at most the wrap width, unless one cluster is wider than the width).
    public var cells: Int { Int(cells16) }
    /// True when the row continues the line of the row before it (a soft break).
    public var isContinuation: Bool { flags & 1 != 0 }
    /// True when the row is the last of its line (an explicit newline or the end of the text follows).
    public var endsLine: Bool { flags & 2 != 0 }
}

extension [WrappedRow] {
    /// The row holding UTF-8 offset `offset`: the last that starts at or before it (at a soft break, the next row).
    func index(holding offset: Int) -> Int {
        var low = 0, high = count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if self[mid].start <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }
}

/// How to wrap: the width in cells, the tab width, and whether ```` ``` ```` fences mark code blocks.
public struct WrapOptions: Sendable, Hashable {
    /// Columns available (at least 1).
    public var width: Int
    /// Distance between tab stops, counted from the row's start.
    public var tabWidth: Int
    /// True to recognise fenced code blocks (the transcript); false for plain text (the editor).
    public var codeFences: Bool

    /// Creates options.
    public init(width: Int, tabWidth: Int = DisplayWidth.defaultTabWidth, codeFences: Bool = true) {
        self.width = max(1, width)
        self.tabWidth = max(1, tabWidth)
        self.codeFences = codeFences
    }
}

/// Wraps text into rows by display cells.
///
/// Prose breaks after spaces and tabs and around wide (CJK) characters; a word longer than the width is broken
/// between grapheme clusters. Explicit newlines (`\n`, `\r\n`) always end a row. Lines of fenced code blocks are never
/// re-flowed, only hard-wrapped. A cluster is never cut; a single cluster wider than the whole width (a wide character
/// at width 1) gets a row of its own that overflows.
///
/// Greedy wrapping is prefix-stable: text appended at the end can only change the last row (and, for a line that
/// might still become a fence, that line), which is what `rewrapTail` relies on for streaming.
public enum TextWrapper {
    /// The rows of `text`.
    public static func wrap(_ text: String, options: WrapOptions) -> [WrappedRow] {
        var rows: [WrappedRow] = []
        appendRows(of: text, from: 0, inCode: false, lineKind: nil, options: options, into: &rows)
        return rows
    }

    /// Updates `rows`, made by `wrap` from a prefix of `text` with the same options, after text was appended:
    /// re-wraps from the last row only (from the start of its line while the line could still turn into a fence).
    public static func rewrapTail(_ text: String, rows: inout [WrappedRow], options: WrapOptions) {
        guard let last = rows.last else {
            rows = wrap(text, options: options)
            return
        }
        // A fence is recognised from the first few bytes of its line; until those are settled, redo the whole line.
        // The walk back stops within those bytes, so a very long streaming line costs O(1) rows per append.
        var lineFirst = rows.count - 1
        while lineFirst > 0 && rows[lineFirst].isContinuation && last.start - rows[lineFirst - 1].start < 8 {
            lineFirst -= 1
        }
        let restart = rows[lineFirst].isContinuation ? rows.count - 1 : lineFirst
        let row = rows[restart]
        let inCode = row.kind == .code || row.kind == .fenceClose
        let kind: RowKind? = row.isContinuation ? row.kind : nil
        rows.removeSubrange(restart...)
        appendRows(of: text, from: row.start, inCode: inCode, lineKind: kind, options: options, into: &rows)
    }

    /// Wraps `text` from UTF-8 offset `start` to the end, appending rows.
    /// - Parameters:
    ///   - inCode: whether a code block is open at the start of the line containing `start`.
    ///   - lineKind: the kind of that line when `start` is in its middle (a continuation row), nil at a line start.
    static func appendRows(of text: String, from start: Int, inCode startInCode: Bool, lineKind: RowKind?,
                           options: WrapOptions, into rows: inout [WrappedRow]) {
        let wrapped: Void? = text.utf8.withContiguousStorageIfAvailable { bytes in
            var inCode = startInCode
            var position = start
            var forcedKind = lineKind
            while true {
                var lineEnd = position
                while lineEnd < bytes.count && bytes[lineEnd] != 0x0A { lineEnd += 1 }
                let hasNewline = lineEnd < bytes.count
                let contentEnd = (hasNewline && lineEnd > position && bytes[lineEnd - 1] == 0x0D) ? lineEnd - 1 : lineEnd
                let kind: RowKind
                if let forced = forcedKind {
                    kind = forced
                } else if options.codeFences && isFence(bytes, from: position, to: contentEnd) {
                    kind = inCode ? .fenceClose : .fenceOpen
                } else {
                    kind = inCode ? .code : .prose
                }
                var line = LineWrapper(options: options, kind: kind, rowStart: position,
                                       isContinuation: forcedKind != nil)
                wrapLine(text: text, bytes: bytes, from: position, to: contentEnd, into: &line, rows: &rows)
                line.finish(at: contentEnd, rows: &rows)
                forcedKind = nil
                switch kind {
                case .fenceOpen: inCode = true
                case .fenceClose: inCode = false
                default: break
                }
                guard hasNewline else { break }
                position = lineEnd + 1
            }
        }
        if wrapped == nil {
            // Only strings bridged from elsewhere lack contiguous UTF-8; native ones never take this path.
            var copy = text
            copy.makeContiguousUTF8()
            appendRows(of: copy, from: start, inCode: startInCode, lineKind: lineKind, options: options, into: &rows)
        }
    }

    /// Feeds the clusters of one line (without its newline) to `line`: an ASCII byte followed by another ASCII byte
    /// (or the line's end) is a cluster of its own and goes as a byte; anything else as a Character, so a combining
    /// mark after an ASCII letter stays with it. Streamed answers are mostly ASCII with a few other characters, and
    /// walking a whole line by Character made absorbing them a tenth as fast.
    private static func wrapLine(text: String, bytes: UnsafeBufferPointer<UInt8>, from: Int, to end: Int,
                                 into line: inout LineWrapper, rows: inout [WrappedRow]) {
        let utf8 = text.utf8
        var offset = from
        while offset < end {
            let byte = bytes[offset]
            if byte < 0x80 && (offset + 1 == end || bytes[offset + 1] < 0x80) {
                line.feed(offset: offset, next: offset + 1, isSpace: byte == 0x20, isTab: byte == 0x09,
                          width: DisplayWidth.asciiWidth(byte), rows: &rows)
                offset += 1
                continue
            }
            let index = utf8.index(utf8.startIndex, offsetBy: offset)
            let cluster = text[index]
            let next = text.index(after: index)
            let nextOffset = min(end, offset + utf8.distance(from: index, to: next))
            line.feed(offset: offset, next: nextOffset, isSpace: cluster == " ", isTab: cluster == "\t",
                      width: DisplayWidth.of(cluster), rows: &rows)
            offset = nextOffset
        }
    }

    /// True when the line starts (after at most three spaces) with three backticks.
    static func isFence(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        var i = start
        while i < end && i - start < 3 && bytes[i] == 0x20 { i += 1 }
        guard end - i >= 3 else { return false }
        return bytes[i] == 0x60 && bytes[i + 1] == 0x60 && bytes[i + 2] == 0x60
    }
}

/// The greedy wrapping of one line, fed cluster by cluster.
struct LineWrapper {
    let width: Int
    let tabWidth: Int
    let kind: RowKind
    let wordBreaks: Bool
    var rowStart: Int
    var column = 0
    var isContinuation: Bool
    /// Where the next row would start if the row broke at the last opportunity, and the column there.
    var breakOffset = -1
    var breakColumn = 0
    /// The cells of a cluster wider than the whole width, alone on its row (0 when there is none).
    var overflow = 0

    init(options: WrapOptions, kind: RowKind, rowStart: Int, isContinuation: Bool) {
        width = options.width
        tabWidth = options.tabWidth
        self.kind = kind
        wordBreaks = kind == .prose
        self.rowStart = rowStart
        self.isContinuation = isContinuation
    }

    mutating func feed(offset: Int, next: Int, isSpace: Bool, isTab: Bool, width cellWidth: Int,
                       rows: inout [WrappedRow]) {
        if wordBreaks && (isSpace || isTab) {
            // In prose, whitespace never wraps by itself: it hangs past the edge and offers a break after it.
            column += isTab ? DisplayWidth.tabAdvance(atColumn: column, tabWidth: tabWidth) : 1
            breakOffset = next
            breakColumn = column
            return
        }
        if isTab {
            // In code, a tab is kept on its row, reaching at most the edge (as the screen draws it).
            if column >= width { emit(end: offset, cells: column, rows: &rows) }
            column += min(DisplayWidth.tabAdvance(atColumn: column, tabWidth: tabWidth), width - column)
            return
        }
        if cellWidth == 0 { return }
        let isWide = cellWidth > 1
        if column + cellWidth > width && column > 0 {
            if wordBreaks && isWide && offset > rowStart && column <= width {
                // Wide (CJK) characters may break before themselves.
                breakOffset = offset; breakColumn = column
            }
            if breakOffset > rowStart { emit(end: breakOffset, cells: breakColumn, rows: &rows) }
            if column + cellWidth > width && column > 0 { emit(end: offset, cells: column, rows: &rows) }
        }
        if column == 0 && cellWidth > width { overflow = cellWidth }
        column += cellWidth
        if wordBreaks && isWide { breakOffset = next; breakColumn = column }
    }

    /// Ends the row at `end`, `cells` columns wide; the next row starts there, keeping the columns fed past it.
    mutating func emit(end: Int, cells: Int, rows: inout [WrappedRow]) {
        rows.append(WrappedRow(start: rowStart, end: end, cells: max(min(cells, width), overflow),
                               kind: kind, isContinuation: isContinuation, endsLine: false))
        isContinuation = true
        overflow = 0
        column -= cells
        rowStart = end
        breakOffset = -1
    }

    mutating func finish(at end: Int, rows: inout [WrappedRow]) {
        rows.append(WrappedRow(start: rowStart, end: end, cells: max(min(column, width), overflow),
                               kind: kind, isContinuation: isContinuation, endsLine: true))
    }
}
