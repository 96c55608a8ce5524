import ArgumentParser
import Foundation
import TurnsCore

/// `turns export IN OUT`: converts a transcript between formats (by extension, or `--format`).
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Convert a transcript between .txt, .md and .json.")

    @Argument(help: "The transcript to read (.txt or .json).")
    var input: String

    @Argument(help: "The file to write (.txt, .md or .json).")
    var output: String

    @Option(help: "The output format when the extension does not say: txt, md or json.")
    var format: TranscriptFormat?

    func run() throws {
        do {
            let transcript = try TranscriptFiles.load(from: input)
            let lastReply = transcript.turns.last(where: { $0.reply != nil })?.reply
            let context = TranscriptFiles.Context(backend: lastReply?.backend ?? "unknown",
                                                  settings: lastReply?.settings ?? SamplingSettings(),
                                                  date: transcript.turns.first?.createdAt ?? Date())
            try TranscriptFiles.save(transcript, to: output, format: format, context: context)
        } catch {
            Terminal.error(error.description)
            throw ProcessExit(status: ExitStatus.usage)
        }
    }
}

extension TranscriptFormat: ExpressibleByArgument {
    /// A `--format` value, in any case.
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}
