import ArgumentParser
import TurnsAPI
import TurnsCore

/// `turns models`: the models the configured backend lists (`GET /v1/models`, page by page).
struct ModelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models the API offers (GET /v1/models), one id and name a line.")

    @OptionGroup var options: SamplingOptions

    func run() async throws {
        let config = try ConfigurationLoader.load(flags: options.layer)
        guard let connection = BackendConnection.openReportingFailure(config) else {
            throw ProcessExit(status: ExitStatus.usage)
        }
        defer { connection.close() }
        do {
            for model in try await connection.client.models() {
                // What a server sends is shown inert: no control sequence reaches the terminal.
                Terminal.out(EscapedText.inert(model.id) + (model.displayName.map { "  " + EscapedText.inert($0) } ?? "") + "\n")
            }
        } catch {
            Terminal.error(error.description)
            throw ProcessExit(status: error.exitCode)
        }
    }
}
