import Foundation

/// The message being written: UTF-8 text edited by grapheme cluster, with a cursor, word motions, a kill buffer,
/// and the history of sent messages. Pure state; the key map turns keys into these operations.
///
/// The cursor is a UTF-8 offset that always sits on a grapheme boundary. The text wraps to `width` cells (no code
/// fences); the editor shows at most `maxHeight` rows and scrolls to keep the cursor visible.
public struct InputEditor: Sendable, Equatable {
    /// The text.
    public private(set) var text = ""
    /// The cursor, as a UTF-8 offset into `text` on a grapheme boundary.
    public private(set) var cursor = 0
    /// Columns the text wraps to.
    public private(set) var width: Int
    /// The most rows shown before the editor scrolls.
    public private(set) var maxHeight: Int
    /// The first row shown.
    public private(set) var scrollTop = 0
    /// Messages sent so far, oldest first.
    public private(set) var history: [String] = []
    /// The history entry being shown, nil while editing the draft.
    public private(set) var historyIndex: Int?
    /// The text written before walking the history, restored when walking past the newest entry.
    public private(set) var draft = ""
    /// The last text removed by Ctrl-K, Ctrl-U or Ctrl-W (pasted back by Ctrl-Y).
    public private(set) var killBuffer = ""
    /// The column vertical moves aim for, kept across consecutive Up/Down presses.
    private var goalColumn: Int?
    /// The wrapped rows of `text` at `width`.
    public private(set) var rows: [WrappedRow] = [WrappedRow(start: 0, end: 0, cells: 0, kind: .prose,
                                                             isContinuation: false, endsLine: true)]

    /// Creates an empty editor.
    public init(width: Int = 80, maxHeight: Int = 8, history: [String] = []) {
        self.width = max(1, width)
        self.maxHeight = max(1, maxHeight)
        self.history = history
    }

    /// True when there is no text.
    public var isEmpty: Bool { text.isEmpty }

    // MARK: - Layout

    /// Sets the wrap width and the most rows shown (a third of the screen).
    public mutating func resize(width newWidth: Int, maxHeight newMaxHeight: Int) {
        // Called after every action: re-wrap only when something changed.
        if max(1, newWidth) == width && max(1, newMaxHeight) == maxHeight { return }
        width = max(1, newWidth)
        maxHeight = max(1, newMaxHeight)
        refresh()
    }

    /// Where the cursor is drawn: row (of all rows) and column in cells.
    public var cursorLocation: (row: Int, column: Int) {
        var index = rows.index(holding: cursor)
        let row = rows[index]
        var column = DisplayWidth.of(text.utf8Slice(row.start, cursor), tabWidth: DisplayWidth.defaultTabWidth)
        if column >= width {
            // Past the edge: at the end of the text that is a new row, elsewhere the cursor rests on the edge.
            if index == rows.count - 1 { index += 1; column = 0 } else { column = width - 1 }
        }
        return (index, column)
    }

    /// Rows including the one the cursor may open past the last.
    public var rowCount: Int { max(rows.count, cursorLocation.row + 1) }

    /// Rows shown: all of them up to `maxHeight`.
    public var visibleHeight: Int { min(rowCount, maxHeight) }

    // MARK: - Typing

    /// Inserts typed text at the cursor.
    public mutating func insert(_ typed: String) {
        guard !typed.isEmpty else { return }
        historyIndex = nil
        let at = index(cursor)
        text.insert(contentsOf: typed, at: at)
        cursor = roundedUp(cursor + typed.utf8.count)
        goalColumn = nil
        refresh()
    }

    /// Inserts a newline (Alt-Enter, Ctrl-J).
    public mutating func insertNewline() { insert("\n") }

    /// Inserts pasted text as it is (line ends normalized to `\n`); nothing is sent.
    public mutating func paste(_ pasted: String) {
        insert(pasted.replacingLineEnds())
    }

    /// Backspace: deletes the grapheme before the cursor.
    public mutating func deleteBackward() {
        guard cursor > 0 else { return }
        let end = index(cursor)
        let start = text.index(before: end)
        remove(start..<end)
    }

    /// Delete: deletes the grapheme after the cursor.
    public mutating func deleteForward() {
        guard cursor < text.utf8.count else { return }
        let start = index(cursor)
        remove(start..<text.index(after: start))
    }

    /// Ctrl-K: deletes to the end of the line, or the newline itself at the end of a line.
    public mutating func killToLineEnd() {
        let start = index(cursor)
        let end = lineEnd(from: start)
        // At the end of a line the newline goes, and is not kept for Ctrl-Y.
        if end == start, end < text.endIndex { return remove(start..<text.index(after: start)) }
        kill(start..<end)
    }

    /// Ctrl-U: deletes from the start of the line to the cursor.
    public mutating func killToLineStart() {
        let end = index(cursor)
        kill(lineStart(from: end)..<end)
    }

    /// Ctrl-W: deletes the whitespace-separated word before the cursor (and the blanks after it).
    public mutating func deleteWordBackward() {
        let end = index(cursor)
        var start = end
        while start > text.startIndex, text[text.index(before: start)].isBlank { start = text.index(before: start) }
        while start > text.startIndex, !text[text.index(before: start)].isWhitespace {
            start = text.index(before: start)
        }
        kill(start..<end)
    }

    /// Ctrl-Y: inserts the last killed text.
    public mutating func yank() { insert(killBuffer) }

    /// Replaces everything (for `/edit`), with the cursor at the end.
    public mutating func setText(_ newText: String) {
        show(newText.replacingLineEnds(), historyIndex: nil)
    }

    /// Enter: returns the text to send and clears the editor; the text joins the history. Nil when empty.
    public mutating func submit() -> String? {
        guard !text.isEmpty else { return nil }
        let sent = text
        if history.last != sent { history.append(sent) }
        draft = ""
        show("", historyIndex: nil)
        return sent
    }

    // MARK: - Moving

    /// Left (Ctrl-B): one grapheme back.
    public mutating func moveLeft() {
        guard cursor > 0 else { return }
        setCursor(text.index(before: index(cursor)))
    }

    /// Right (Ctrl-F): one grapheme forward.
    public mutating func moveRight() {
        guard cursor < text.utf8.count else { return }
        setCursor(text.index(after: index(cursor)))
    }

    /// Home (Ctrl-A): the start of the line.
    public mutating func moveToLineStart() { setCursor(lineStart(from: index(cursor))) }

    /// End (Ctrl-E): the end of the line.
    public mutating func moveToLineEnd() { setCursor(lineEnd(from: index(cursor))) }

    /// Alt-B: to the start of the word before the cursor (words are letters and digits).
    public mutating func moveWordLeft() {
        var at = index(cursor)
        while at > text.startIndex, !text[text.index(before: at)].isWordCharacter { at = text.index(before: at) }
        while at > text.startIndex, text[text.index(before: at)].isWordCharacter { at = text.index(before: at) }
        setCursor(at)
    }

    /// Alt-F: to the end of the word after the cursor.
    public mutating func moveWordRight() {
        var at = index(cursor)
        while at < text.endIndex, !text[at].isWordCharacter { at = text.index(after: at) }
        while at < text.endIndex, text[at].isWordCharacter { at = text.index(after: at) }
        setCursor(at)
    }

    /// Up: the row above at the same column; on the first row, the previous message of the history.
    public mutating func moveUp() {
        let location = cursorLocation
        guard location.row > 0 else { return recallOlder() }
        moveVertically(to: location.row - 1, column: goalColumn ?? location.column)
    }

    /// Down: the row below at the same column; on the last row, the next message of the history (then the draft).
    public mutating func moveDown() {
        let location = cursorLocation
        guard location.row < rows.count - 1 else { return recallNewer() }
        moveVertically(to: location.row + 1, column: goalColumn ?? location.column)
    }

    // MARK: - History

    mutating func recallOlder() {
        guard !history.isEmpty, historyIndex != 0 else { return }
        if historyIndex == nil { draft = text }
        let index = (historyIndex ?? history.count) - 1
        show(history[index], historyIndex: index)
    }

    mutating func recallNewer() {
        guard let current = historyIndex else { return }
        let next = current + 1
        show(next < history.count ? history[next] : draft, historyIndex: next < history.count ? next : nil)
    }

    mutating func show(_ shown: String, historyIndex newIndex: Int?) {
        text = shown
        cursor = text.utf8.count
        historyIndex = newIndex
        goalColumn = nil
        refresh()
    }

    // MARK: - Helpers

    func index(_ offset: Int) -> String.Index {
        text.utf8.index(text.utf8.startIndex, offsetBy: offset)
    }

    func offset(_ index: String.Index) -> Int {
        text.utf8.distance(from: text.utf8.startIndex, to: index)
    }

    /// The offset moved forward to a grapheme boundary (an insertion can merge with the cluster after it).
    func roundedUp(_ offset: Int) -> Int {
        let at = index(offset)
        if at.samePosition(in: text) != nil { return offset }
        return self.offset(text.index(after: at))
    }

    mutating func setCursor(_ at: String.Index) {
        cursor = offset(at)
        goalColumn = nil
        refresh()
    }

    mutating func remove(_ range: Range<String.Index>) {
        historyIndex = nil  // an edited recalled message is the draft: the history walk starts over from the newest
        let start = offset(range.lowerBound)
        text.removeSubrange(range)
        cursor = roundedUp(min(start, text.utf8.count))
        goalColumn = nil
        refresh()
    }

    /// Removes `range`, keeping it for Ctrl-Y.
    mutating func kill(_ range: Range<String.Index>) {
        guard !range.isEmpty else { return }
        killBuffer = String(text[range])
        remove(range)
    }

    func lineStart(from at: String.Index) -> String.Index {
        var start = at
        while start > text.startIndex, !text[text.index(before: start)].isNewline { start = text.index(before: start) }
        return start
    }

    func lineEnd(from at: String.Index) -> String.Index {
        var end = at
        while end < text.endIndex, !text[end].isNewline { end = text.index(after: end) }
        return end
    }

    mutating func moveVertically(to rowNumber: Int, column goal: Int) {
        let row = rows[rowNumber]
        var at = index(row.start)
        var column = 0
        while at < text.endIndex {
            let cluster = text[at]
            if cluster.isNewline { break }
            let next = text.index(after: at)
            // The last cluster of a soft-wrapped row ends where the next row starts: stay before it.
            if offset(next) > row.end || (!row.endsLine && offset(next) == row.end) { break }
            let cells = cluster == "\t" ? DisplayWidth.tabAdvance(atColumn: column) : DisplayWidth.of(cluster)
            if column + cells > goal { break }
            column += cells
            at = next
        }
        cursor = offset(at)
        goalColumn = goal
        refresh()
    }

    /// Re-wraps and scrolls so that the cursor's row is shown.
    mutating func refresh() {
        rows = TextWrapper.wrap(text, options: WrapOptions(width: width, codeFences: false))
        let row = cursorLocation.row
        if row < scrollTop { scrollTop = row }
        if row >= scrollTop + maxHeight { scrollTop = row - maxHeight + 1 }
        scrollTop = max(0, min(scrollTop, rowCount - visibleHeight))
    }
}

extension Character {
    /// Letters, digits and marks: what Alt-B/F treat as a word.
    var isWordCharacter: Bool { isLetter || isNumber || self == "_" }
    /// Spaces and tabs.
    var isBlank: Bool { self == " " || self == "\t" }
}

extension String {
    /// The text with `\r\n` and lone `\r` turned into `\n` (pasted text from other systems).
    func replacingLineEnds() -> String {
        utf8.contains(0x0D) ? replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") : self
    }
}
