import TurnsAPI
import TurnsCore

/// Why the chat asked for the model list: to show it (`/models`) or to complete `/model NAME` (Tab).
enum ModelsPurpose: Sendable {
    case show, complete
}

/// Tab completion: what a typed prefix extends to among the candidates.
public enum TabCompletion {
    /// The candidates starting with `prefix`, and the longest text they all start with (at least `prefix`).
    public static func complete(_ prefix: String, among candidates: [String]) -> (text: String, matches: [String]) {
        let matches = candidates.filter { $0.hasPrefix(prefix) }
        guard var common = matches.first else { return (prefix, []) }
        for match in matches.dropFirst() {
            common = String(zip(common, match).prefix { $0 == $1 }.map { $0.0 })
        }
        return (common, matches)
    }
}

extension AppState {
    /// Shows the keys and commands over the transcript.
    mutating func showHelp() {
        overlay = ["Help (any key closes)", ""] + SlashCommands.helpLines
    }

    /// Uses the model list for `purpose`, fetching it first (once) when it is not there yet.
    mutating func withModels(_ purpose: ModelsPurpose) -> [Effect] {
        guard models == nil else { return use(purpose) }
        let fetching = modelsWanted != nil
        modelsWanted = purpose
        message = StatusMessage("asking the API for its models…", isError: false)
        return fetching ? [] : [.listModels]
    }

    /// The list arrived: keep it and do what was asked; a failure is shown and the next ask tries again.
    mutating func receiveModels(_ result: Result<[ModelInfo], APIError>) -> [Effect] {
        let purpose = modelsWanted
        modelsWanted = nil
        switch result {
        case .success(let list):
            models = list
            if purpose != nil { message = nil }
            return purpose.map { use($0) } ?? []
        case .failure(let error):
            message = StatusMessage("models: " + error.description, isError: true)
            return []
        }
    }

    private mutating func use(_ purpose: ModelsPurpose) -> [Effect] {
        let list = models ?? []
        switch purpose {
        case .show:
            // Names from a server are shown inert: no control sequence reaches the terminal.
            let width = list.map { DisplayWidth.of(EscapedText.inert($0.id)) }.max() ?? 0
            overlay = ["Models (/model NAME picks one, Tab completes it; any key closes)", ""]
                + list.map { ($0.id == settings.model ? "* " : "  ") + EscapedText.inert($0.id).padding(to: width)
                    + ($0.displayName.map { "  " + EscapedText.inert($0) } ?? "") }
            if list.isEmpty { overlay?.append("  (the API lists no models)") }
        case .complete:
            _ = completeModelName()
        }
        return []
    }

    /// Tab after `/model `: completes the name to the longest prefix its matches share and lists them.
    mutating func completeModelName() -> [Effect] {
        let command = "/model "
        guard editor.text.hasPrefix(command), !editor.text.contains("\n") else { return [] }
        guard let models else { return withModels(.complete) }
        let typed = String(editor.text.dropFirst(command.count))
        let (text, matches) = TabCompletion.complete(typed, among: models.map(\.id))
        if text != typed { editor.setText(command + text) }
        switch matches.count {
        case 0: message = StatusMessage("no model starts with \"\(EscapedText.inert(typed))\" (/models lists them)", isError: true)
        case 1: message = nil
        default: message = StatusMessage(matches.map(EscapedText.inert).joined(separator: "  "), isError: false)
        }
        return []
    }
}
