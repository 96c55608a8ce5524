import Foundation

/// Which of turns' settings a model's 400 is about, and how to change it: newer models refuse some sampling
/// parameters or an assistant prefill with their own message, which names the API's field, not our command.
public enum SettingAdvice {
    /// Where the advice is read: the chat (slash commands) or the command line (flags and the config file).
    public enum Surface: Sendable {
        case chat, commandLine
    }

    /// `error`'s description, then the advice when there is some.
    public static func describe(_ error: APIError, in surface: Surface) -> String {
        advice(for: error, in: surface).map { error.description + ". " + $0 } ?? error.description
    }

    /// The setting to change for a 400 `invalid_request_error` whose message names one of ours, else nil.
    public static func advice(for error: APIError, in surface: Surface) -> String? {
        guard error.status == 400, error.errorType.map({ $0 == "invalid_request_error" || $0 == "ValidationException" }) ?? true
        else { return nil }
        let message = error.message
        let chat = surface == .chat
        if message.contains("prefill") {
            return chat ? "This model takes no prefill: the conversation must end with your message"
                : "End the --raw prompt with a bare \"\\n\\nAssistant:\" (no text after it)"
        }
        if message.contains("temperature") && message.contains("top_p") {
            return chat ? "This model takes only one of them: /unset top_p (or /unset temperature)"
                : "This model takes only one of them: drop --top-p or --temperature (and top_p or temperature in the config file)"
        }
        if message.hasPrefix("max_tokens"), let after = message.split(separator: ">").last,
           let limit = Int(after.prefix { $0 != "," }.trimmingCharacters(in: .whitespacesAndNewlines)) {
            return "This model answers with at most \(limit) tokens: " + (chat ? "/set max_tokens \(limit)"
                : "pass --max-tokens \(limit) (or max_tokens = \(limit) in the config file)")
        }
        let fields: [(name: String, chat: String, flag: String)] = [
            ("temperature", "/unset temperature", "--temperature"), ("top_p", "/unset top_p", "--top-p"),
            ("top_k", "/unset top_k", "--top-k"), ("stop_sequences", "/stop clear", "--stop"),
            ("max_tokens", "/set max_tokens N", "--max-tokens"),
        ]
        guard let field = fields.first(where: { message.contains($0.name) }) else { return nil }
        return chat ? "Change our \(field.name) setting: \(field.chat)"
            : "Change \(field.flag) (or \(field.name) in the config file)"
    }
}
