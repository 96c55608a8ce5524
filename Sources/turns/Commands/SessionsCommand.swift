import ArgumentParser
import Foundation
import TurnsCore

/// `turns sessions`: the journaled conversations, newest first, to reopen with `turns --resume ID`.
struct SessionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions",
        abstract: "List saved chat sessions (reopen one with turns --resume ID).")

    func run() throws {
        let folder = SessionStore.folder(environment: ProcessInfo.processInfo.environment)
        let files = JournalReader.sessionFiles(in: folder)
        if files.isEmpty {
            print("No sessions yet (they are kept in \(folder)).")
            return
        }
        for file in files {
            guard let session = try? JournalReader.read(path: file) else { continue }
            print(SessionStore.summaryLine(session))
        }
    }
}

/// Where sessions live and how they are summarized.
enum SessionStore {
    /// `$XDG_STATE_HOME/turns/sessions`.
    static func folder(environment: [String: String]) -> String {
        XDGPaths(environment: environment).stateDirectory + "/sessions"
    }

    /// "20261121-235500-ab12  2026-11-21 23:55  4 turns  How do I save a transcript…"
    static func summaryLine(_ session: RecoveredSession) -> String {
        let date = TimestampFormat.string(from: session.createdAt)
        let shortDate = String(date.prefix(16)).replacingOccurrences(of: "T", with: " ")
        let count = session.transcript.turns.count
        let words = firstWords(of: session.transcript, limit: 48)
        return "\(session.id)  \(shortDate)  \(count) turn\(count == 1 ? "" : "s")  \(words)"
    }

    /// The first words of the first Human turn, on one line.
    static func firstWords(of transcript: Transcript, limit: Int) -> String {
        guard let first = transcript.turns.first(where: { $0.role == .human }) else { return "(empty)" }
        let flat = first.text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        return flat.count > limit ? String(flat.prefix(limit)) + "…" : flat
    }

    /// The journal for `id`, or the newest when `id` is nil.
    static func journalPath(id: String?, environment: [String: String]) -> String? {
        let files = JournalReader.sessionFiles(in: folder(environment: environment))
        guard let id else { return files.first }
        return files.first(where: { ($0 as NSString).lastPathComponent == id + ".jsonl" })
    }
}
