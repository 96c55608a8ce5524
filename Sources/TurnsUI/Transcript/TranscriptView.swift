import TurnsCore

/// Draws the visible rows of a `TranscriptLayout` into a screen area.
public enum TranscriptView {
    /// The indicator shown on the last row while text arrives below a scrolled-up view.
    public static let newTextIndicator = " ↓ new text below "

    /// Draws the transcript pane: only the rows the layout says are visible (it must have the area's size).
    public static func draw(_ layout: TranscriptLayout, _ transcript: Transcript, theme: Theme,
                            into screen: inout ScreenBuffer, area: Rect) {
        screen.fill(area, style: theme[.base])
        for (index, position) in layout.visibleRows.enumerated() where index < area.height {
            let y = area.y + index
            let role = layout.role(ofBlock: position.block)
            switch layout.content(at: position) {
            case .blank:
                break
            case .label(let role):
                let style = theme[role == nil ? .systemLabel : role == .human ? .humanLabel : .assistantLabel]
                screen.draw(role?.label ?? "System", x: area.x, y: y, style: style, limit: area.maxX)
            case .text(let row):
                let style: Style
                switch row.kind {
                case .prose: style = theme[role == nil ? .systemText : role == .human ? .humanText : .assistantText]
                case .code: style = theme[.code]
                case .fenceOpen, .fenceClose: style = theme[.codeFence]
                }
                if row.kind.isCode { screen.fill(Rect(x: area.x, y: y, width: area.width, height: 1), style: style) }
                let text = layout.text(of: position.block, transcript)
                screen.draw(text.utf8Slice(row.start, row.end), x: area.x, y: y, style: style, limit: area.maxX)
            case .marker(let row):
                let marker = layout.marker(ofBlock: position.block) ?? ""
                let style = marker.hasPrefix("[error]") ? theme[.error] : theme[.interrupted]
                screen.draw(marker.utf8Slice(row.start, row.end), x: area.x, y: y, style: style, limit: area.maxX)
            }
        }
        if layout.hasNewTextBelow && area.height > 0 {
            let cells = DisplayWidth.of(newTextIndicator)
            let x = max(area.x, area.maxX - cells)
            screen.draw(newTextIndicator, x: x, y: area.maxY - 1, style: theme[.newTextIndicator], limit: area.maxX)
        }
    }

}
