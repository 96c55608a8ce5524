import Foundation
import TurnsCore

/// A command's refusal: one line for the status bar.
public struct CommandError: Error, Sendable, Equatable {
    /// What went wrong and what to type instead.
    public var message: String
    /// Creates an error.
    public init(_ message: String) { self.message = message }
}

/// A slash command: its name, how to call it, what it does, and the code that does it.
public struct SlashCommand: Sendable {
    /// The name without the slash.
    public let name: String
    /// The arguments, as /help shows them ("FIELD VALUE").
    public let arguments: String
    /// What it does.
    public let summary: String
    /// Runs the command with the text after its name.
    let run: @Sendable (inout AppState, String) throws(CommandError) -> [Effect]

    /// "/set FIELD VALUE"
    public var usage: String { arguments.isEmpty ? "/" + name : "/\(name) \(arguments)" }
}

/// Every slash command: one table that both dispatches them and lists them in /help.
public enum SlashCommands {
    /// The commands, in the order /help lists them.
    public static let all: [SlashCommand] = [
        SlashCommand(name: "set", arguments: "FIELD VALUE",
                     summary: "set temperature, top_k, top_p or max_tokens (e.g. /set temperature 0.3)") { state, rest throws(CommandError) in
            let (name, value) = splitFirstWord(rest)
            guard !name.isEmpty, !value.isEmpty else { throw CommandError("usage: /set FIELD VALUE (temperature, top_k, top_p, max_tokens)") }
            guard let field = PanelField.named(name) else {
                throw CommandError("unknown setting \"\(name)\": use temperature, top_k, top_p or max_tokens")
            }
            try field.setNumber(value, in: &state.settings, as: name)
            return []
        },
        SlashCommand(name: "unset", arguments: "FIELD", summary: "return temperature, top_k or top_p to the default") { state, rest throws(CommandError) in
            guard let field = PanelField.named(rest), field.unset(in: &state.settings) else {
                throw CommandError("usage: /unset temperature|top_k|top_p")
            }
            return []
        },
        SlashCommand(name: "stop", arguments: "add TEXT | clear", summary: "add a stop sequence (\\n escapes) or remove them all") { state, rest throws(CommandError) in
            let (verb, text) = splitFirstWord(rest)
            switch verb {
            case "add" where !text.isEmpty:
                var settings = state.settings
                settings.stopSequences.append(EscapedText.unescape(text))
                state.settings = try checked(settings)
            case "clear" where text.isEmpty:
                state.settings.stopSequences = []
            default:
                throw CommandError("usage: /stop add TEXT or /stop clear")
            }
            return []
        },
        SlashCommand(name: "model", arguments: "NAME", summary: "the model of the next requests") { state, rest throws(CommandError) in
            guard !rest.isEmpty else { throw CommandError("usage: /model NAME") }
            var settings = state.settings
            settings.model = rest
            state.settings = try checked(settings)
            return []
        },
        SlashCommand(name: "models", arguments: "", summary: "list the models the API offers (Tab after /model completes them)") { state, _ throws(CommandError) in
            state.withModels(.show)
        },
        SlashCommand(name: "api", arguments: "auto|complete|messages", summary: "the API of the next requests") { state, rest throws(CommandError) in
            guard let api = APIChoice(rawValue: rest.lowercased()) else {
                throw CommandError("usage: /api auto, /api complete or /api messages")
            }
            state.api = api
            let path = api.api(forModel: state.settings.model) == .messages ? "/v1/messages" : "/v1/complete"
            state.message = StatusMessage("API: \(api.rawValue) (\(state.settings.model) uses \(path))", isError: false)
            return []
        },
        SlashCommand(name: "system", arguments: "TEXT", summary: "set the system text (\\n escapes; empty removes it)") { state, rest throws(CommandError) in
            state.edit(.setSystem(rest.isEmpty ? nil : EscapedText.unescape(rest)))
            return []
        },
        SlashCommand(name: "theme", arguments: "[NAME]", summary: "switch the colour theme; without a name, list them") { _, rest throws(CommandError) in
            [.theme(name: rest.isEmpty ? nil : rest)]
        },
        SlashCommand(name: "save", arguments: "PATH", summary: "save the conversation") { state, rest throws(CommandError) in
            guard !rest.isEmpty else { throw CommandError("usage: /save PATH") }
            return [.save(state.transcript, path: rest, overwrite: false)]
        },
        SlashCommand(name: "save!", arguments: "PATH", summary: "save, replacing the file if it exists") { state, rest throws(CommandError) in
            guard !rest.isEmpty else { throw CommandError("usage: /save! PATH") }
            return [.save(state.transcript, path: rest, overwrite: true)]
        },
        SlashCommand(name: "load", arguments: "PATH", summary: "open a saved conversation") { state, rest throws(CommandError) in
            guard !rest.isEmpty else { throw CommandError("usage: /load PATH") }
            return [.load(path: rest)]
        },
        SlashCommand(name: "clear", arguments: "", summary: "start a new conversation (the system text stays)") { state, _ throws(CommandError) in
            let effects = state.cancelRequest()
            state.edit(.removeTurns(from: 0))
            state.request = .idle
            return effects
        },
        SlashCommand(name: "retry", arguments: "", summary: "regenerate the last answer with the current settings (Ctrl-R)") { state, _ throws(CommandError) in
            try state.retry()
        },
        SlashCommand(name: "edit", arguments: "", summary: "put the last message back in the editor and drop that exchange") { state, _ throws(CommandError) in
            state.editor.setText(try state.dropLastExchange(for: "edit"))
            return []
        },
        SlashCommand(name: "undo", arguments: "", summary: "drop the last exchange") { state, _ throws(CommandError) in
            _ = try state.dropLastExchange(for: "undo")
            return []
        },
        SlashCommand(name: "settings", arguments: "", summary: "open the settings panel (F2)") { state, _ throws(CommandError) in
            state.panel = SettingsPanel()
            return []
        },
        SlashCommand(name: "help", arguments: "", summary: "list keys and commands (F1)") { state, _ throws(CommandError) in
            state.showHelp()
            return []
        },
        SlashCommand(name: "quit", arguments: "", summary: "quit (Ctrl-D on an empty editor)") { state, _ throws(CommandError) in
            state.quit()
        },
    ]

    /// The command named `name`.
    public static func named(_ name: String) -> SlashCommand? { all.first { $0.name == name } }

    /// Runs a line typed into the editor that starts with "/".
    static func run(_ line: String, on state: inout AppState) throws(CommandError) -> [Effect] {
        let (word, rest) = splitFirstWord(String(line.dropFirst()))
        guard let command = named(word) else {
            throw CommandError("unknown command /\(word) (try /help)")
        }
        return try command.run(&state, rest)
    }

    /// The /help text: keys, then commands, from the same tables that dispatch them.
    public static var helpLines: [String] {
        var lines = ["Keys"]
        for binding in KeyMap.bindings {
            let keys = binding.keys.map(\.description).joined(separator: ", ")
            lines.append("  " + keys.padding(to: 18) + " " + binding.help)
        }
        lines.append("")
        lines.append("Commands")
        for command in all {
            lines.append("  " + command.usage.padding(to: 24) + " " + command.summary)
        }
        return lines
    }

    /// The settings when a request would accept them; else why not, as a one-line error.
    static func checked(_ settings: SamplingSettings) throws(CommandError) -> SamplingSettings {
        do { try settings.validate() } catch { throw CommandError(error.description) }
        return settings
    }

    /// The first word and the rest (trimmed).
    static func splitFirstWord(_ text: String) -> (String, String) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let space = trimmed.firstIndex(where: { $0 == " " || $0 == "\t" }) else { return (trimmed, "") }
        return (String(trimmed[..<space]), trimmed[space...].trimmingCharacters(in: .whitespacesAndNewlines))
    }
}

extension String {
    /// The string padded with spaces to `cells` display cells.
    func padding(to cells: Int) -> String {
        let width = DisplayWidth.of(self)
        return width >= cells ? self : self + String(repeating: " ", count: cells - width)
    }
}
