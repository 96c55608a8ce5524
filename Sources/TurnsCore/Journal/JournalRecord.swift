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
        func object(_ type: String, _ pairs: [(String, JSONValue)]) -> String {
            JSONValue.object([("type", .string(type))] + pairs).jsonText
        }
        switch self {
        case let .session(id, createdAt, system):
            return object("session", [("version", .number(1)), ("id", .string(id)),
                                      ("created_at", .string(TimestampFormat.string(from: createdAt))),
                                      ("system", system.map(JSONValue.string) ?? .null)])
        case .turn(let turn):
            return object("turn", [("turn", TranscriptJSON.turnValue(turn))])
        case let .answerStart(createdAt, reply):
            return object("answer_start", [("created_at", .string(TimestampFormat.string(from: createdAt))),
                                           ("reply", TranscriptJSON.replyValue(reply))])
        case .text(let text):
            return object("text", [("text", .string(text))])
        case .answerEnd(let reply):
            return object("answer_end", [("reply", TranscriptJSON.replyValue(reply))])
        case .truncate(let count):
            return object("truncate", [("count", .number(Double(count)))])
        case .system(let system):
            return object("system", [("system", system.map(JSONValue.string) ?? .null)])
        case .replace(let transcript):
            return object("replace", [("transcript", TranscriptJSON.document(transcript))])
        }
    }

    /// Reads a record from its JSON value.
    public static func decode(_ value: JSONValue) throws(TranscriptDecodingError) -> JournalRecord {
        func date(_ key: String) throws(TranscriptDecodingError) -> Date {
            guard let s = value[key]?.stringValue, let d = TimestampFormat.date(from: s) else {
                throw .init("\"\(key)\" is not a timestamp")
            }
            return d
        }
        func optionalString(_ key: String) -> String? { value[key]?.stringValue }
        func reply() throws(TranscriptDecodingError) -> ReplyInfo {
            guard let replyValue = value["reply"] else { throw .init("no \"reply\"") }
            let wrapper = JSONValue.object([("role", .string("assistant")), ("text", .string("")),
                                            ("created_at", .string("1970-01-01T00:00:00.000Z")), ("reply", replyValue)])
            guard let info = try TranscriptJSON.decodeTurn(wrapper, index: 0).reply else { throw .init("no \"reply\"") }
            return info
        }
        switch value["type"]?.stringValue {
        case "session":
            guard let id = value["id"]?.stringValue else { throw .init("session record without an id") }
            return .session(id: id, createdAt: try date("created_at"), system: optionalString("system"))
        case "turn":
            guard let turnValue = value["turn"] else { throw .init("turn record without a turn") }
            return .turn(try TranscriptJSON.decodeTurn(turnValue, index: 0))
        case "answer_start":
            return .answerStart(createdAt: try date("created_at"), reply: try reply())
        case "text":
            guard let text = value["text"]?.stringValue else { throw .init("text record without text") }
            return .text(text)
        case "answer_end":
            return .answerEnd(reply: try reply())
        case "truncate":
            guard let count = value["count"]?.intValue, count >= 0 else { throw .init("truncate record without a count") }
            return .truncate(count: count)
        case "system":
            return .system(optionalString("system"))
        case "replace":
            guard let document = value["transcript"] else { throw .init("replace record without a transcript") }
            return .replace(try TranscriptJSON.decode(document))
        default:
            throw .init("unknown record type")
        }
    }
}
