import Foundation

/// One event in a session journal; each is one JSON line in the journal file.
public enum JournalRecord: Sendable, Equatable {
    /// The session began (always the first record).
    case session(id: String, createdAt: Date, system: String?)
    /// A complete turn was added.
    case turn(Turn)
    /// An Assistant answer began streaming.
    case answerStart(createdAt: Date, reply: ReplyInfo)
    /// Streamed text was appended to the open answer.
    case text(String)
    /// The open answer ended; `reply` says how.
    case answerEnd(reply: ReplyInfo)
    /// The turns were cut back to the first `count` (undo, edit, retry, clear).
    case truncate(count: Int)
    /// The system text changed.
    case system(String?)
    /// The whole conversation was replaced (a transcript was loaded).
    case replace(Transcript)

    /// The record as one line of JSON (without the newline).
    public var jsonLine: String {
        var writer = JSONWriter(indented: false)
        write(to: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Writes the record as one line of JSON (without the newline).
    func write(to writer: inout JSONWriter) {
        writer.object { writer in
            switch self {
            case let .session(id, createdAt, system):
                writer.member("type", "session")
                writer.member("version", 1)
                writer.member("id", id)
                writer.member("created_at", TimestampFormat.string(from: createdAt))
                writer.member("system", system)
            case .turn(let turn):
                writer.member("type", "turn")
                writer.key("turn")
                TranscriptJSON.write(turn, to: &writer)
            case let .answerStart(createdAt, reply):
                writer.member("type", "answer_start")
                writer.member("created_at", TimestampFormat.string(from: createdAt))
                writer.key("reply")
                TranscriptJSON.write(reply, to: &writer)
            case .text(let text):
                writer.member("type", "text")
                writer.member("text", text)
            case .answerEnd(let reply):
                writer.member("type", "answer_end")
                writer.key("reply")
                TranscriptJSON.write(reply, to: &writer)
            case .truncate(let count):
                writer.member("type", "truncate")
                writer.member("count", Double(count))
            case .system(let system):
                writer.member("type", "system")
                writer.member("system", system)
            case .replace(let transcript):
                writer.member("type", "replace")
                writer.key("transcript")
                TranscriptJSON.write(transcript, to: &writer)
            }
        }
    }
}

extension JournalRecord: Decodable {
    private enum Keys: String, CodingKey {
        case type, id, createdAt = "created_at", system, turn, reply, text, count, transcript
    }

    /// Reads a record from its JSON line.
    public init(from decoder: Decoder) throws {
        let fields = try decoder.container(keyedBy: Keys.self)
        switch try fields.decode(String.self, forKey: .type) {
        case "session":
            self = .session(id: try fields.decode(String.self, forKey: .id),
                            createdAt: try fields.decodeTimestamp(forKey: .createdAt),
                            system: try fields.decodeIfPresent(String.self, forKey: .system))
        case "turn":
            self = .turn(try fields.decode(Turn.self, forKey: .turn))
        case "answer_start":
            self = .answerStart(createdAt: try fields.decodeTimestamp(forKey: .createdAt),
                                reply: try fields.decode(ReplyInfo.self, forKey: .reply))
        case "text":
            self = .text(try fields.decode(String.self, forKey: .text))
        case "answer_end":
            self = .answerEnd(reply: try fields.decode(ReplyInfo.self, forKey: .reply))
        case "truncate":
            let count = try fields.decode(Int.self, forKey: .count)
            guard count >= 0 else {
                throw DecodingError.dataCorruptedError(forKey: .count, in: fields, debugDescription: "must be 0 or more")
            }
            self = .truncate(count: count)
        case "system":
            self = .system(try fields.decodeIfPresent(String.self, forKey: .system))
        case "replace":
            self = .replace(try fields.decode(TranscriptJSON.Document.self, forKey: .transcript).transcript)
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: fields, debugDescription: "is an unknown record type")
        }
    }
}
