import ArgumentParser
import Foundation
import TurnsCore

/// `turns [--print [PROMPT…]]`: the chat, or one answer printed to stdout.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Open the chat (the default), or print one answer with --print.")

    @Flag(name: [.customShort("p"), .customLong("print")],
          help: "Print one answer to stdout: the prompt from the arguments, or stdin when none is given.")
    var printMode = false

    @Flag(help: "With --print: send stdin as the whole prompt (it must hold the Human/Assistant turns).")
    var raw = false

    @Flag(help: "With --print: report stop reason, request id, time to first token and tokens/s on stderr.")
    var verbose = false

    @Option(help: "With --print: save the exchange as a transcript (.json, .txt or .md).")
    var save: String?

    @Option(help: "Open the chat with a saved conversation (.json or .txt).")
    var load: String?

    @Flag(help: ArgumentHelp("Reopen the most recent chat session, or the one named: --resume ID (see turns sessions).",
                             valueName: "ID"))
    var resume = false

    @OptionGroup var options: SamplingOptions

    @Argument(help: "With --print: the prompt (words are joined with spaces).")
    var prompt: [String] = []

    func validate() throws {
        if !printMode && (prompt.count > (resume ? 1 : 0) || raw || verbose || save != nil) {
            throw ValidationError("a prompt, --raw, --verbose and --save go with --print")
        }
        if printMode && (load != nil || resume) {
            throw ValidationError("--load and --resume open the chat; they do not go with --print")
        }
        if load != nil && resume {
            throw ValidationError("use either --load or --resume")
        }
        if raw && !prompt.isEmpty {
            throw ValidationError("--raw reads the prompt from stdin; give no prompt arguments")
        }
    }

    func run() async throws {
        let config = try ConfigurationLoader.load(flags: options.layer)
        if printMode {
            let status = await PrintMode(config: config, verbose: verbose, savePath: save).run(promptArguments: prompt, raw: raw)
            throw ProcessExit(status: status)
        }
        let status = ChatLauncher(config: config, loadPath: load, resume: resume ? .some(prompt.first) : nil).run()
        throw ProcessExit(status: status)
    }
}
