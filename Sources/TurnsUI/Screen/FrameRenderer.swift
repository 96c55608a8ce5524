/// Keeps the last frame the terminal shows and produces the next one as a diff: what the terminal edge calls once
/// per frame (at most every ~16 ms, however many actions arrived in between).
///
/// Two buffers are reused in turn, so a frame allocates nothing once the size is stable.
public struct FrameRenderer: Sendable {
    /// What to send to the terminal for one frame.
    public struct Frame: Sendable {
        /// The runs of cells that changed (read their cells from `screen`).
        public var changes: [ScreenChange]
        /// Where the cursor goes, or nil to hide it.
        public var cursor: (x: Int, y: Int)?
    }

    /// What the terminal shows (nil before the first frame and after `invalidate`).
    public private(set) var shown: ScreenBuffer?
    /// The older buffer, reused for the next frame.
    private var spare: ScreenBuffer?

    /// Creates a renderer with nothing shown yet (the first frame sends every cell).
    public init() {}

    /// Draws `state` and returns only what changed since the last frame; `shown` then holds the new frame.
    public mutating func render(_ state: AppState) -> Frame {
        var next = spare ?? ScreenBuffer(width: 0, height: 0)
        spare = nil
        let cursor = AppView.render(state, into: &next)
        let changes = ScreenDiff.changes(from: shown, to: next)
        spare = shown
        shown = next
        return Frame(changes: changes, cursor: cursor)
    }

    /// Forgets what the terminal shows, so that the next frame sends every cell (after a resize or Ctrl-L).
    public mutating func invalidate() {
        if let shown { spare = shown }
        shown = nil
    }
}
