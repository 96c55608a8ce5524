import Foundation
import TurnsCore
import TurnsTerminal
import TurnsUI

/// Opens the chat: the backend, the conversation to start with (`--load`, `--resume`), the session journal and
/// the theme, then hands over to the run loop.
struct ChatLauncher {
    /// The configuration in force.
    let config: ResolvedConfiguration
    /// `--load PATH`.
    let loadPath: String?
    /// `--resume [ID]`: nil when not resuming; `.some(nil)` for the most recent session.
    let resume: String??

    /// Runs the chat and returns the exit status.
    func run() -> Int32 {
        let environment = ProcessInfo.processInfo.environment
        var transcript = Transcript(system: config.system)
        var notice: String?
        do {
            if let loadPath {
                transcript = try TranscriptFiles.load(from: (loadPath as NSString).expandingTildeInPath)
                if transcript.system == nil { transcript.system = config.system.map(PromptFormat.neutralize) }
            } else if let resume {
                guard let path = SessionStore.journalPath(id: resume, environment: environment) else {
                    Terminal.error(resume.map { "no session \($0) (see turns sessions)" } ?? "no sessions to resume yet")
                    return ExitStatus.usage
                }
                let session = try JournalReader.read(path: path)
                transcript = session.transcript
                notice = session.warning
            }
        } catch {
            Terminal.error(error.description)
            return ExitStatus.usage
        }

        guard let connection = BackendConnection.openReportingFailure(config) else { return ExitStatus.usage }
        defer { connection.close() }

        let journal = try? SessionJournal(folder: SessionStore.folder(environment: environment), system: transcript.system)

        let theme = ThemeCatalog.resolve(name: config.theme, environment: environment)
        let history = transcript.turns.filter { $0.role == .human }.map(\.text)
        var state = AppState(backend: connection.backend.rawValue, settings: config.settings, transcript: transcript,
                             streaming: config.stream, api: config.api, width: 80, height: 24, theme: theme.theme,
                             history: history)
        state.saveFolder = XDGPaths(environment: environment).dataDirectory + "/transcripts"
        if let message = notice ?? theme.warning { state.showNotice(message) }
        let runtime = ChatRuntime(connection: connection, state: state, journal: journal)
        do {
            try runtime.run()
        } catch {
            Terminal.error(error.description)
            return ExitStatus.usage
        }
        if let journal, !runtime.finalTranscript.turns.isEmpty {
            Terminal.note("Session \(journal.id) is saved; reopen it with: turns --resume \(journal.id)")
        }
        return ExitStatus.success
    }
}
