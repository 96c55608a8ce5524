import Foundation

/// Loading and saving transcripts by path, in any format, with the safety and limits users rely on.
public enum TranscriptFiles {
    /// Files larger than this are refused rather than read into memory.
    public static let maximumSize = 256 * 1024 * 1024

    /// What a saved file should say about the conversation in its header (Markdown only).
    public struct Context: Sendable {
        /// The backend name.
        public var backend: String
        /// The settings in force.
        public var settings: SamplingSettings
        /// The date written in the header.
        public var date: Date
        /// Creates a context.
        public init(backend: String, settings: SamplingSettings, date: Date = Date()) {
            self.backend = backend
            self.settings = settings
            self.date = date
        }
    }

    /// The text of `transcript` in `format`.
    public static func render(_ transcript: Transcript, as format: TranscriptFormat, context: Context) -> String {
        switch format {
        case .txt: return promptFileText(transcript)
        case .md: return TranscriptMarkdown.render(transcript, backend: context.backend, settings: context.settings,
                                                   date: context.date)
        case .json: return TranscriptJSON.encode(transcript)
        }
    }

    /// Saves `transcript` to `path` atomically; the format is `format`, or the one the extension names
    /// (`.json` when it names none).
    public static func save(_ transcript: Transcript, to path: String, format: TranscriptFormat? = nil,
                            context: Context, writer: AtomicFileWriter = AtomicFileWriter()) throws(TranscriptFileError) {
        let chosen = format ?? TranscriptFormat.from(path: path) ?? .json
        let text = render(transcript, as: chosen, context: context)
        try writer.write(Array(text.utf8), to: path)
    }

    /// Loads a transcript from `path`. The format is `format`, the extension's, or sniffed from the content.
    /// Every problem is one line naming the file; nothing else changes when loading fails.
    public static func load(from path: String, format: TranscriptFormat? = nil) throws(TranscriptFileError) -> Transcript {
        let bytes = try readBytes(path)
        let firstVisible = bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
        let chosen = format ?? TranscriptFormat.from(path: path) ?? (firstVisible == UInt8(ascii: "{") ? .json : .txt)
        guard chosen != .md else {
            throw TranscriptFileError(path: path, problem: "Markdown transcripts are for reading; load the .json or .txt")
        }
        switch chosen {
        case .json:
            if firstVisible == nil { throw TranscriptFileError(path: path, problem: "the file is empty") }
            do {
                return try TranscriptJSON.decode(bytes)
            } catch {
                throw TranscriptFileError(path: path, problem: error.problem)
            }
        case .txt, .md:
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw TranscriptFileError(path: path, problem: "not UTF-8 text")
            }
            return fromPromptText(text)
        }
    }

    /// The `.txt` form: the exact prompt the API would see. Answers with no text (an error before any text)
    /// are left out at the end, and a conversation waiting for its answer ends with the open `"\n\nAssistant:"`,
    /// so what turns writes loads back and writes again byte for byte.
    public static func promptFileText(_ transcript: Transcript) -> String {
        var turns = transcript.promptTurns
        while let last = turns.last, last.role == .assistant, last.text.isEmpty { turns.removeLast() }
        return PromptFormat.serialize(system: transcript.system, turns: turns, openAssistant: turns.last?.role == .human)
    }

    /// A conversation from prompt text (a `.txt` file): its system text and turns. A final open
    /// `"\n\nAssistant:"` is dropped, so the conversation waits for its answer.
    public static func fromPromptText(_ text: String) -> Transcript {
        let parsed = PromptFormat.parse(text)
        let now = Date()
        var transcript = Transcript(system: parsed.system, turns: [])
        transcript.turns = parsed.turns.map { Turn(role: $0.role, text: $0.text, createdAt: now) }
        return transcript
    }

    /// Whether prompt text ends with an open Assistant turn (the conversation asks for an answer).
    public static func asksForAnswer(_ transcript: Transcript) -> Bool {
        transcript.turns.last?.role == .human
    }

    /// Reads a whole file, refusing folders, unreadable files and files over the size limit.
    static func readBytes(_ path: String) throws(TranscriptFileError) -> Data {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw TranscriptFileError(path: path, problem: String(cString: strerror(errno)).lowercased())
        }
        guard (info.st_mode & S_IFMT) == S_IFREG else { throw TranscriptFileError(path: path, problem: "not a regular file") }
        guard Int(info.st_size) <= maximumSize else {
            throw TranscriptFileError(path: path, problem: "too large (\(Int(info.st_size) / (1024 * 1024)) MB; "
                + "the limit is \(maximumSize / (1024 * 1024)) MB)")
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw TranscriptFileError(path: path, problem: String(cString: strerror(errno)).lowercased()) }
        defer { close(fd) }
        // One read of the size `stat` gave (never more, however the file grew): FileHandle's read(upToCount:) took
        // 7,000 reads of 4 KB for the 28 MB transcript of the --load budget.
        var bytes = Data(count: Int(info.st_size))
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + offset, $0.count - offset) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                throw TranscriptFileError(path: path, problem: String(cString: strerror(errno)).lowercased())
            }
            if count == 0 { break }
            offset += count
        }
        return bytes.prefix(offset)
    }
}
