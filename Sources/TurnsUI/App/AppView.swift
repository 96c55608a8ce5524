import TurnsCore

/// Draws the whole chat: transcript pane, status bar, editor, and the settings panel or help over them.
public enum AppView {
    /// Renders `state` into `screen` (recreated when its size differs from the state's).
    /// - Returns: where the terminal cursor goes, or nil to hide it.
    @discardableResult
    public static func render(_ state: AppState, into screen: inout ScreenBuffer) -> (x: Int, y: Int)? {
        if screen.width != state.width || screen.height != state.height {
            screen = ScreenBuffer(width: state.width, height: state.height)
        }
        let theme = state.theme
        screen.clear(theme[.base])
        if state.isTooSmall {
            drawTooSmall(state, theme: theme, into: &screen)
            return nil
        }
        let frame = state.frame
        if state.transcript.turns.isEmpty && (state.transcript.system ?? "").isEmpty {
            drawLines(welcomeLines(state), style: theme[.notice], into: &screen, area: frame.transcript)
        } else {
            TranscriptView.draw(state.layout, state.transcript, theme: theme, into: &screen, area: frame.transcript)
        }
        StatusBar.draw(state.statusBar, theme: theme, into: &screen, x: 0, y: frame.statusRow, width: state.width)
        var cursor: (x: Int, y: Int)? = EditorView.draw(state.editor, theme: theme, into: &screen, area: frame.editor)
        if let prompt = state.linePrompt {
            cursor = LinePromptView.draw(prompt, theme: theme, into: &screen, y: frame.statusRow, width: state.width)
        }
        if let lines = state.overlay {
            screen.fill(frame.transcript, style: theme[.panel])
            drawLines(lines, style: theme[.panel], into: &screen, area: frame.transcript)
            cursor = nil
        }
        if let panel = state.panel {
            cursor = SettingsPanelView.draw(panel, state.panelValues, theme: theme, into: &screen,
                                            area: frame.transcript)
        }
        return cursor
    }

    /// The first screen's text: the backend and model, and on the local backend how to reach the real API.
    public static func welcomeLines(_ state: AppState) -> [String] {
        var lines = ["turns: \(state.backend) backend, model \(state.settings.model)."]
        if state.backend == "local" {
            lines.append("This is the offline local model, for trying things out.")
            lines.append("Set ANTHROPIC_API_KEY to talk to the real API.")
        }
        lines.append("Type a message and press Enter. F2: settings, F1 or /help: keys and commands.")
        return lines
    }

    /// Draws lines wrapped to the area, clipped at its bottom.
    static func drawLines(_ lines: [String], style: Style, into screen: inout ScreenBuffer, area: Rect) {
        var y = area.y
        for line in lines {
            let rows = TextWrapper.wrap(line, options: WrapOptions(width: max(1, area.width), codeFences: false))
            for row in rows {
                guard y < area.maxY else { return }
                screen.draw(line.utf8Slice(row.start, row.end), x: area.x, y: y, style: style, limit: area.maxX)
                y += 1
            }
        }
    }

    /// The notice shown instead of the chat on a screen smaller than `AppState.minimumSize`.
    static func drawTooSmall(_ state: AppState, theme: Theme, into screen: inout ScreenBuffer) {
        let need = AppState.minimumSize
        let lines = ["Terminal too small", "\(state.width)x\(state.height), need \(need.width)x\(need.height)"]
        let top = max(0, (state.height - lines.count) / 2)
        for (i, line) in lines.enumerated() where top + i < state.height {
            let cells = DisplayWidth.of(line)
            screen.draw(line, x: max(0, (state.width - cells) / 2), y: top + i, style: theme[.notice])
        }
    }
}

/// Draws the settings panel as a box over the transcript pane.
enum SettingsPanelView {
    /// Keys shown at the bottom of the panel.
    static let hint = "Up/Down field  Left/Right step (Shift x10)  Del unset  Esc close"

    /// Draws the panel; returns the cursor position while a value is typed.
    static func draw(_ panel: SettingsPanel, _ values: PanelValues, theme: Theme, into screen: inout ScreenBuffer,
                     area: Rect) -> (x: Int, y: Int)? {
        let fields = SettingsPanel.fields(for: values)
        let selected = min(panel.selected, fields.count - 1)
        var notes: [(String, UIRole)] = []
        if let error = panel.error { notes.append((error, .error)) }
        // The API's advice, shown while both temperature and top_p are set.
        if values.settings.setsBothTemperatureAndTopP { notes.append((SamplingSettings.temperatureTopPAdvice, .notice)) }
        notes.append((hint, .panel))
        let width = min(area.width, 72)
        let height = min(area.height, fields.count + notes.count + 2)
        let box = Rect(x: area.x + (area.width - width) / 2, y: area.y + max(0, (area.height - height) / 2),
                       width: width, height: height)
        screen.fill(box, style: theme[.panel])
        screen.draw(" Settings (Esc or F2 closes)", x: box.x, y: box.y, style: theme[.panel], limit: box.maxX)
        // Fields scroll so that the selected one is visible when the box is short.
        let fieldRows = max(1, box.height - notes.count - 2)
        let first = max(0, min(selected - fieldRows + 1, fields.count - fieldRows))
        var cursor: (x: Int, y: Int)?
        for (line, index) in (first..<min(fields.count, first + fieldRows)).enumerated() {
            let y = box.y + 1 + line
            let field = fields[index]
            let style = index == selected ? theme[.panelSelected] : theme[.panel]
            screen.fill(Rect(x: box.x, y: y, width: box.width, height: 1), style: style)
            let label = " " + field.label.padding(to: 12) + " "
            let valueX = screen.draw(label, x: box.x, y: y, style: style, limit: box.maxX)
            if index == selected, let typing = panel.typing {
                let end = screen.draw(typing, x: valueX, y: y, style: style, limit: box.maxX)
                cursor = (min(end, box.maxX - 1), y)
            } else {
                screen.draw(SettingsPanel.display(field, values), x: valueX, y: y, style: style, limit: box.maxX)
            }
        }
        var y = box.y + 1 + fieldRows + 1
        for (text, role) in notes where y < box.maxY {
            // A note keeps its role's colours and attributes on the panel's background.
            var style = theme[role]
            style.background = theme[.panel].background
            screen.draw(" " + text, x: box.x, y: y, style: style, limit: box.maxX)
            y += 1
        }
        return cursor
    }

}
