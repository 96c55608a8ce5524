import ArgumentParser
import TurnsCore

/// The root command: the chat by default, `--print` for one answer, `serve` for the loopback server.
struct TurnsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "turns",
        abstract: "A terminal chat client for Claude's Text Completions API.",
        discussion: """
        With no ANTHROPIC_API_KEY and no --backend, turns answers with an offline local model.
        Configuration: built-in defaults < $XDG_CONFIG_HOME/turns/config.toml < environment < flags.
        Exit codes: 0 done, 2 usage or invalid setting, 3 authentication, 4 rate-limited or overloaded,
        5 network or timeout, 6 other API error, 130 interrupted.
        """,
        version: TurnsVersion.string,
        subcommands: [ChatCommand.self, ServeCommand.self, ExportCommand.self, SessionsCommand.self, ModelsCommand.self],
        defaultSubcommand: ChatCommand.self)
}

/// The program's version.
enum TurnsVersion {
    /// The version string printed by `--version`.
    static let string = "turns 0.1.0"
}
