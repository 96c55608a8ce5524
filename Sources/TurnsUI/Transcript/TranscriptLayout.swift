import TurnsCore

/// A row of the transcript pane: which block (0 is the system text, `n` is turn `n - 1`) and which row of it.
public struct TranscriptPosition: Sendable, Hashable {
    /// The block: 0 for the system text, `i + 1` for turn `i`.
    public var block: Int
    /// The row within the block.
    public var row: Int
}

/// How the user moves through the transcript.
public enum ScrollAction: Sendable, Hashable {
    /// A number of rows: negative up, positive down (the mouse wheel moves 3).
    case rows(Int)
    /// One screen up, keeping one row of context.
    case pageUp
    /// One screen down, keeping one row of context.
    case pageDown
    /// The start of the conversation.
    case top
    /// The end of the conversation, and follow new text from then on.
    case bottom
}

/// What one row of a block shows.
public enum TranscriptRowContent: Sendable, Hashable {
    /// The blank row that separates turns.
    case blank
    /// The label of the block: a role, or nil for the system text.
    case label(Role?)
    /// A row of the block's text.
    case text(WrappedRow)
    /// A row of the block's marker ("[interrupted]", "[error] …").
    case marker(WrappedRow)
}

/// The transcript laid out for a width: wrapped rows per turn, cached, updated incrementally, drawn lazily.
///
/// **Blocks.** Block 0 is the system text (no rows when there is none); block `i + 1` is turn `i`: a blank separator
/// row (except before the very first block shown), a label row, the wrapped text, and the marker rows of an
/// interrupted or failed answer.
///
/// **Streaming.** Appending text to the last turn re-wraps only its last row (`TextWrapper.rewrapTail`), so a token
/// costs the same with 50,000 turns as with one.
///
/// **Width changes.** Nothing is re-wrapped eagerly: only the blocks that are drawn or scrolled through are wrapped,
/// and the viewport is found from an anchor (block + row, kept across a resize as block + text offset), never from
/// an absolute row number, so opening or resizing a long conversation costs what the screen shows.
///
/// **Scrolling.** At the bottom the view follows new text. Scrolled up, it stays where it is while text arrives below
/// and `hasNewTextBelow` is set; reaching the bottom again resumes following.
///
/// The layout holds no text: every call that needs text is given the `Transcript` it describes, so that appending to
/// the transcript's last turn never copies it.
public struct TranscriptLayout: Sendable {
    /// Columns of the pane.
    public private(set) var width: Int
    /// Rows of the pane.
    public private(set) var height: Int
    /// The top row shown while scrolled up; nil while following the end.
    public private(set) var anchor: TranscriptPosition?
    /// True when text arrived below while scrolled up (cleared at the bottom).
    public private(set) var hasNewTextBelow = false
    /// The rows to draw, top to bottom (fewer than `height` when the transcript is short).
    public private(set) var visibleRows: [TranscriptPosition] = []

    var blocks: [Block] = [Block()]

    /// Creates an empty layout; call `reload` with the transcript it shows.
    public init(width: Int, height: Int) {
        self.width = max(1, width)
        self.height = max(0, height)
    }

    /// True while the view follows the end of the transcript.
    public var isFollowing: Bool { anchor == nil }

    // MARK: - Telling the layout what changed

    /// Lays out a transcript from scratch (a loaded or cleared conversation, a new system text) and follows its end.
    public mutating func reload(_ transcript: Transcript) {
        blocks = [makeBlock(0, transcript)]
        blocks.reserveCapacity(transcript.turns.count + 1)
        for index in transcript.turns.indices { blocks.append(makeBlock(index + 1, transcript)) }
        anchor = nil
        hasNewTextBelow = false
        settle(transcript)
    }

    /// Turns were added at the end of the transcript.
    public mutating func turnsAppended(_ transcript: Transcript) {
        guard transcript.turns.count + 1 > blocks.count else { return }
        for index in (blocks.count - 1)..<transcript.turns.count { blocks.append(makeBlock(index + 1, transcript)) }
        if anchor != nil { hasNewTextBelow = true }
        settle(transcript)
    }

    /// Text was appended to the last turn (a streamed piece): only its last row is re-wrapped.
    public mutating func lastTurnGrew(_ transcript: Transcript) {
        let last = blocks.count - 1
        guard last > 0 else { return }
        if blocks[last].wrapWidth == width {
            TextWrapper.rewrapTail(text(of: last, transcript), rows: &blocks[last].rows, options: wrapOptions)
        } else {
            wrapExactly(last, transcript)
        }
        if anchor != nil { hasNewTextBelow = true }
        settle(transcript)
    }

    /// Turn `index` changed in another way (its text replaced, or it was marked interrupted or failed).
    public mutating func turnChanged(_ index: Int, _ transcript: Transcript) {
        let block = index + 1
        guard block < blocks.count else { return }
        let wasExact = blocks[block].wrapWidth == width
        blocks[block] = makeBlock(block, transcript)
        if wasExact || block == blocks.count - 1 { wrapExactly(block, transcript) }
        settle(transcript)
    }

    /// Turns from `index` on were removed (undo, edit, retry).
    public mutating func turnsRemoved(from index: Int, _ transcript: Transcript) {
        let keep = min(blocks.count, index + 1)
        blocks.removeSubrange(keep...)
        if let anchor, anchor.block >= keep { self.anchor = nil }
        settle(transcript)
    }

    /// The pane changed size: re-wrapping is lazy, and the top row shown stays on the same text.
    public mutating func resize(width newWidth: Int, height newHeight: Int, _ transcript: Transcript) {
        let newWidth = max(1, newWidth)
        if newWidth == width && max(0, newHeight) == height { return }
        height = max(0, newHeight)
        guard newWidth != width else {
            settle(transcript)
            return
        }
        let spot = anchor.map { spotOf($0) }
        width = newWidth
        if let spot { anchor = position(of: spot, transcript) }
        settle(transcript)
    }

    /// Scrolls; reaching the bottom resumes following.
    public mutating func scroll(_ action: ScrollAction, _ transcript: Transcript) {
        let page = max(1, height - 1)
        switch action {
        case .rows(let delta): move(by: delta, transcript)
        case .pageUp: move(by: -page, transcript)
        case .pageDown: move(by: page, transcript)
        case .top: anchor = TranscriptPosition(block: 0, row: 0)
        case .bottom: anchor = nil
        }
        settle(transcript)
    }

    // MARK: - Reading the layout

    /// What row `position` shows.
    public func content(at position: TranscriptPosition) -> TranscriptRowContent {
        let block = blocks[position.block]
        var row = position.row
        if row < block.header {
            return block.header == 2 && row == 0 ? .blank : .label(position.block == 0 ? nil : block.role)
        }
        row -= block.header
        if row < block.rows.count { return .text(block.rows[row]) }
        return .marker(block.markerRows[row - block.rows.count])
    }

    /// The role of a block's turn (nil for the system text).
    public func role(ofBlock block: Int) -> Role? { block == 0 ? nil : blocks[block].role }

    /// The marker text of a block (nil when its answer ended normally).
    public func marker(ofBlock block: Int) -> String? { blocks[block].marker }

    /// The text a block shows: the system text or the turn's text.
    public func text(of block: Int, _ transcript: Transcript) -> String {
        block == 0 ? (transcript.system ?? "") : transcript.turns[block - 1].text
    }

    // MARK: - Blocks

    /// One block: its role, header and marker, and its rows when wrapped at the current width.
    struct Block: Sendable {
        var role: Role = .human
        /// Rows before the text: the separator and the label (0 for an absent system text).
        var header = 0
        /// The width `rows` were wrapped for (0: not wrapped).
        var wrapWidth = 0
        var rows: [WrappedRow] = []
        var marker: String?
        var markerRows: [WrappedRow] = []
    }

    var wrapOptions: WrapOptions { WrapOptions(width: width, codeFences: true) }

    func makeBlock(_ index: Int, _ transcript: Transcript) -> Block {
        var block = Block()
        let hasSystem = !(transcript.system ?? "").isEmpty
        if index == 0 {
            block.header = hasSystem ? 1 : 0
        } else {
            let turn = transcript.turns[index - 1]
            block.role = turn.role
            block.header = (index > 1 || hasSystem) ? 2 : 1
            block.marker = TranscriptLayout.marker(for: turn)
        }
        return block
    }

    /// The marker of a turn: its error, or that it was interrupted.
    static func marker(for turn: Turn) -> String? {
        guard let reply = turn.reply else { return nil }
        if let error = reply.error { return "[error] " + error }
        return reply.interrupted ? "[interrupted]" : nil
    }

    func exactHeight(_ index: Int) -> Int {
        let block = blocks[index]
        return block.header + block.rows.count + block.markerRows.count
    }

    mutating func wrapExactly(_ index: Int, _ transcript: Transcript) {
        let text = text(of: index, transcript)
        // An empty answer (not started, or failed at once) shows no empty text row.
        blocks[index].rows = text.isEmpty ? [] : TextWrapper.wrap(text, options: wrapOptions)
        let markerOptions = WrapOptions(width: width, codeFences: false)
        blocks[index].markerRows = blocks[index].marker.map { TextWrapper.wrap($0, options: markerOptions) } ?? []
        blocks[index].wrapWidth = width
    }

    /// The height of a block, wrapping it first if needed (for blocks that are drawn or scrolled through).
    mutating func measuredHeight(_ index: Int, _ transcript: Transcript) -> Int {
        if blocks[index].wrapWidth != width { wrapExactly(index, transcript) }
        return exactHeight(index)
    }

    // MARK: - Scrolling

    /// A place in a block that survives re-wrapping: a header row, a text offset, or a marker row.
    enum Spot {
        case header(block: Int, row: Int)
        case text(block: Int, offset: Int)
        case marker(block: Int, row: Int)
    }

    func spotOf(_ position: TranscriptPosition) -> Spot {
        switch content(at: position) {
        case .blank, .label: return .header(block: position.block, row: position.row)
        case .text(let row): return .text(block: position.block, offset: row.start)
        case .marker:
            let block = blocks[position.block]
            return .marker(block: position.block, row: position.row - block.header - block.rows.count)
        }
    }

    mutating func position(of spot: Spot, _ transcript: Transcript) -> TranscriptPosition {
        switch spot {
        case .header(let block, let row):
            return TranscriptPosition(block: block, row: row)
        case .text(let block, let offset):
            _ = measuredHeight(block, transcript)
            let b = blocks[block]
            return TranscriptPosition(block: block, row: b.header + b.rows.index(holding: offset))
        case .marker(let block, let row):
            _ = measuredHeight(block, transcript)
            let b = blocks[block]
            return TranscriptPosition(block: block, row: b.header + b.rows.count + min(row, max(0, b.markerRows.count - 1)))
        }
    }

    mutating func move(by delta: Int, _ transcript: Transcript) {
        var top = anchor ?? visibleRows.first ?? TranscriptPosition(block: 0, row: 0)
        top.row += delta
        while top.row < 0 {
            guard top.block > 0 else { top.row = 0; break }
            top.block -= 1
            top.row += measuredHeight(top.block, transcript)
        }
        while top.block < blocks.count, top.row >= measuredHeight(top.block, transcript) {
            top.row -= exactHeight(top.block)
            top.block += 1
        }
        anchor = top.block < blocks.count ? top : nil
    }

    /// Finds the rows to draw, wrapping the blocks they come from, and decides whether the view is at the bottom.
    mutating func settle(_ transcript: Transcript) {
        visibleRows.removeAll(keepingCapacity: true)
        guard height > 0 else { return }
        if var top = anchor {
            // Skip empty blocks (an absent system text) and rows past a block's end.
            while top.block < blocks.count, top.row >= measuredHeight(top.block, transcript) {
                top.row -= exactHeight(top.block)
                top.block += 1
            }
            var block = top.block, row = top.row
            while visibleRows.count < height && block < blocks.count {
                let rows = measuredHeight(block, transcript)
                while row < rows && visibleRows.count < height {
                    visibleRows.append(TranscriptPosition(block: block, row: row))
                    row += 1
                }
                block += 1
                row = 0
            }
            if visibleRows.count == height, let last = visibleRows.last, !isLastRow(last) {
                anchor = top
                return
            }
            // The end of the transcript is in view: follow it from now on.
            anchor = nil
            visibleRows.removeAll(keepingCapacity: true)
        }
        hasNewTextBelow = false
        var block = blocks.count - 1
        while block >= 0 && visibleRows.count < height {
            var row = measuredHeight(block, transcript) - 1
            while row >= 0 && visibleRows.count < height {
                visibleRows.append(TranscriptPosition(block: block, row: row))
                row -= 1
            }
            block -= 1
        }
        visibleRows.reverse()
    }

    /// True for the transcript's very last row.
    func isLastRow(_ position: TranscriptPosition) -> Bool {
        position.block == blocks.count - 1 && position.row == exactHeight(position.block) - 1
    }
}
