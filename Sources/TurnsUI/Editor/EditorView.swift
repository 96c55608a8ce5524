/// Draws the input editor: a prompt on the first row, the visible rows of text, and where the cursor goes.
public enum EditorView {
    /// The prompt before the first row.
    public static let prompt = "> "
    /// Cells the prompt takes: the editor wraps to the area's width minus this.
    public static let promptWidth = 2

    /// Draws `editor` into `area` (its height should be `editor.visibleHeight`).
    /// - Returns: the screen position of the cursor, for the terminal edge to place it.
    @discardableResult
    public static func draw(_ editor: InputEditor, theme: Theme, into screen: inout ScreenBuffer,
                            area: Rect) -> (x: Int, y: Int) {
        screen.fill(area, style: theme[.editor])
        let textX = area.x + promptWidth
        for line in 0..<area.height {
            let rowNumber = editor.scrollTop + line
            if rowNumber == 0 {
                screen.draw(prompt, x: area.x, y: area.y + line, style: theme[.editorPrompt], limit: area.maxX)
            }
            guard rowNumber < editor.rows.count else { continue }
            let row = editor.rows[rowNumber]
            screen.draw(editor.text.utf8Slice(row.start, row.end), x: textX, y: area.y + line,
                        style: theme[.editor], limit: area.maxX)
        }
        let cursor = editor.cursorLocation
        return (min(area.maxX - 1, textX + cursor.column), area.y + max(0, min(area.height - 1, cursor.row - editor.scrollTop)))
    }
}
