import Foundation
import TurnsCore

/// A question asked on the status bar's row: a path to save to (Ctrl-S), or whether to overwrite a file.
public struct LinePrompt: Sendable {
    /// What is asked.
    public enum Kind: Sendable, Equatable {
        /// "Save as:" with an editable path.
        case savePath
        /// "PATH exists. Overwrite? (y/n)".
        case confirmOverwrite(path: String)
    }

    /// What is asked.
    public var kind: Kind
    /// The answer being typed (for `.savePath`).
    public var editor: InputEditor

    /// The label before the answer.
    public var label: String {
        switch kind {
        case .savePath: return " Save as: "
        case .confirmOverwrite(let path): return " \(path) exists. Overwrite it? (y/n) "
        }
    }

    /// The path Ctrl-S proposes: `FOLDER/YYYY-MM-DD-<first words>.json`.
    public static func proposedPath(folder: String, transcript: Transcript, date: Date) -> String {
        let day = String(TimestampFormat.string(from: date).prefix(10))
        let first = transcript.turns.first(where: { $0.role == .human })?.text ?? ""
        let words = first.lowercased().split(whereSeparator: { !$0.isLetter && !$0.isNumber }).prefix(5)
        let slug = words.joined(separator: "-")
        return folder + "/" + day + (slug.isEmpty ? "" : "-" + String(slug.prefix(48))) + ".json"
    }
}

extension AppState {
    /// Ctrl-S: asks for a path, proposing one in the transcripts folder.
    mutating func askForSavePath() {
        let path = LinePrompt.proposedPath(folder: saveFolder, transcript: transcript, date: Date())
        var editor = InputEditor(width: max(1, width - 11), maxHeight: 1)
        editor.setText(path)
        linePrompt = LinePrompt(kind: .savePath, editor: editor)
    }

    /// Keys while a line prompt is open: Enter answers, Esc or Ctrl-C closes it, y/n answer a confirmation.
    mutating func handlePrompt(_ press: KeyPress) -> [Effect] {
        guard var prompt = linePrompt else { return [] }
        let cancels = [KeyPress(.escape), .ctrl("c"), .ctrl("g")]
        let declines = [KeyPress(.character("n")), KeyPress(.character("N")), KeyPress(.enter)]
        if cancels.contains(press) || (prompt.kind != .savePath && declines.contains(press)) {
            linePrompt = nil
            showNotice("not saved")
            return []
        }
        switch prompt.kind {
        case .confirmOverwrite(let path):
            guard press == KeyPress(.character("y")) || press == KeyPress(.character("Y")) else { return [] }
            linePrompt = nil
            return [.save(transcript, path: path, overwrite: true)]
        case .savePath:
            if press == KeyPress(.enter) {
                let path = prompt.editor.text.trimmingCharacters(in: .whitespacesAndNewlines)
                linePrompt = nil
                guard !path.isEmpty else { return [] }
                return [.save(transcript, path: path, overwrite: false)]
            }
            switch KeyMap.command(for: press) {
            case .home?: prompt.editor.moveToLineStart()
            case .end?: prompt.editor.moveToLineEnd()
            case .endOfInput?: prompt.editor.deleteForward()
            case .up?, .down?, .yank?: break  // the path is edited on its one row: no rows, history or yank
            case let command?: _ = prompt.editor.perform(command)
            case nil:
                if case .character(let c) = press.key, press.modifiers.subtracting(.shift).isEmpty {
                    prompt.editor.insert(String(c))
                }
            }
            linePrompt = prompt
            return []
        }
    }
}

/// Draws a line prompt over the status bar's row.
enum LinePromptView {
    /// Draws `prompt` and returns where the cursor goes.
    static func draw(_ prompt: LinePrompt, theme: Theme, into screen: inout ScreenBuffer, y: Int, width: Int) -> (x: Int, y: Int)? {
        let style = theme[.notice]
        screen.fill(Rect(x: 0, y: y, width: width, height: 1), style: theme[.statusBar])
        screen.draw(prompt.label, x: 0, y: y, style: style, limit: width)
        guard case .savePath = prompt.kind else { return nil }
        let x = DisplayWidth.of(prompt.label)
        let editor = prompt.editor
        let rowNumber = editor.cursorLocation.row
        if rowNumber < editor.rows.count {
            let row = editor.rows[rowNumber]
            screen.draw(editor.text.utf8Slice(row.start, row.end), x: x, y: y, style: theme[.statusBar], limit: width)
        }
        return (min(width - 1, x + editor.cursorLocation.column), y)
    }
}

extension String {
    /// The text on one line: newlines become spaces (a pasted path keeps to the prompt's single line).
    func replacingNewlines() -> String {
        String(map { $0.isNewline ? " " : $0 })
    }
}
