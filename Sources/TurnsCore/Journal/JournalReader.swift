import Foundation

/// A conversation rebuilt from a session journal.
public struct RecoveredSession: Sendable, Equatable {
    /// The session's id.
    public var id: String
    /// When the session began.
    public var createdAt: Date
    /// The conversation as it stood at the last intact record.
    public var transcript: Transcript
    /// Set when the journal ended in a torn or corrupt record (the process died mid-write).
    public var warning: String?
}

/// Reads session journals back into conversations.
public enum JournalReader {
    /// Replays the journal at `path`.
    public static func read(path: String) throws(TranscriptFileError) -> RecoveredSession {
        let bytes = try TranscriptFiles.readBytes(path)
        return try replay(bytes, path: path)
    }

    /// Replays journal bytes. A torn or corrupt record ends the replay there, with a warning.
    public static func replay(_ bytes: Data, path: String) throws(TranscriptFileError) -> RecoveredSession {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        // The text after the last newline is a record the process did not finish writing.
        let tail = lines.removeLast()
        let decoder = JSONDecoder()

        var session: RecoveredSession?
        var openAnswer: Turn?
        var warning: String?
        for (number, line) in lines.enumerated() {
            let record: JournalRecord
            do {
                record = try decoder.decode(JournalRecord.self, from: line)
            } catch {
                warning = "record \(number + 1) is corrupt; restored the conversation up to the record before it"
                break
            }
            if session == nil {
                guard case let .session(id, createdAt, system) = record else {
                    throw TranscriptFileError(path: path, problem: "not a turns session journal")
                }
                session = RecoveredSession(id: id, createdAt: createdAt, transcript: Transcript(system: system), warning: nil)
                continue
            }
            apply(record, to: &session!.transcript, openAnswer: &openAnswer)
        }
        if warning == nil, !tail.isEmpty {
            warning = "the last record was torn (the program stopped mid-write); restored everything before it"
        }
        guard var recovered = session else {
            throw TranscriptFileError(path: path, problem: bytes.isEmpty ? "the journal is empty" : "not a turns session journal")
        }
        // An answer still streaming when the journal ended keeps its text, marked interrupted.
        openAnswer?.reply?.interrupted = true
        close(&openAnswer, into: &recovered.transcript)
        recovered.warning = warning
        return recovered
    }

    /// Adds the open answer, if any, to the transcript, its text neutralized now that it is whole.
    private static func close(_ openAnswer: inout Turn?, into transcript: inout Transcript) {
        guard var answer = openAnswer else { return }
        answer.text = PromptFormat.neutralize(answer.text)
        transcript.turns.append(answer)
        openAnswer = nil
    }

    private static func apply(_ record: JournalRecord, to transcript: inout Transcript, openAnswer: inout Turn?) {
        func closeOpenAnswer() { close(&openAnswer, into: &transcript) }
        switch record {
        case .session: break
        case .turn(let turn):
            closeOpenAnswer()
            transcript.turns.append(turn)
        case let .answerStart(createdAt, reply):
            closeOpenAnswer()
            openAnswer = Turn(role: .assistant, text: "", createdAt: createdAt, reply: reply)
        case .text(let text):
            // Text is neutralized once the answer is whole: a marker may span two records.
            openAnswer?.text += text
        case .answerEnd(let reply):
            openAnswer?.reply = reply
            closeOpenAnswer()
        case .truncate(let count):
            closeOpenAnswer()
            if count < transcript.turns.count { transcript.turns.removeLast(transcript.turns.count - count) }
        case .system(let system):
            transcript.system = system
        case .replace(let replacement):
            openAnswer = nil
            transcript = replacement
        }
    }

    /// The journals in `folder`, newest first (by file name, which starts with the date and time).
    public static func sessionFiles(in folder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".jsonl") }.sorted(by: >).map { folder + "/" + $0 }
    }
}
