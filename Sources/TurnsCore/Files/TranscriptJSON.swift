import Foundation

/// The `.json` transcript format: full fidelity and versioned.
///
/// ```json
/// {"format": "turns-transcript", "version": 1, "system": "…" | null,
///  "turns": [{"role": "human" | "assistant", "text": "…", "created_at": "2026-11-21T23:55:00.123Z",
///             "reply": {"backend", "model", "settings": {…}, "stop_reason", "interrupted", "error",
///                       "request_id", "time_to_first_token", "tokens_per_second"}}]}
/// ```
/// Keys are written in a fixed order, so saving a loaded file reproduces it byte for byte.
public enum TranscriptJSON {
    /// The `format` value that marks a turns transcript.
    public static let formatName = "turns-transcript"
    /// The version this code writes and reads.
    public static let version = 1

    /// The transcript as JSON text (indented, ending with a newline).
    public static func encode(_ transcript: Transcript) -> String {
        var writer = JSONWriter(indented: true)
        write(transcript, to: &writer)
        return String(decoding: writer.bytes + [0x0A], as: UTF8.self)
    }

    /// Reads a transcript from JSON bytes; problems are reported without a path (the caller adds it).
    public static func decode(_ bytes: Data) throws(TranscriptDecodingError) -> Transcript {
        let decoder = JSONDecoder()
        if let turns = TurnRanges(bytes), let transcript = try? turns.decode(bytes, with: decoder) { return transcript }
        // Decoded whole (a file not shaped like turns writes it, or an error, which this describes with its turn).
        do {
            return try decoder.decode(Document.self, from: bytes).transcript
        } catch {
            throw TranscriptDecodingError(error, bytes: bytes)
        }
    }

    static func write(_ transcript: Transcript, to writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("format", formatName)
            writer.member("version", Double(version))
            writer.member("system", transcript.system)
            writer.key("turns")
            writer.array(transcript.turns) { writer, turn in write(turn, to: &writer) }
        }
    }

    static func write(_ turn: Turn, to writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("role", turn.role.rawValue)
            writer.member("text", turn.text)
            writer.member("created_at", TimestampFormat.string(from: turn.createdAt))
            if let reply = turn.reply {
                writer.key("reply")
                write(reply, to: &writer)
            }
        }
    }

    static func write(_ reply: ReplyInfo, to writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("backend", reply.backend)
            writer.member("model", reply.model)
            writer.key("settings")
            write(reply.settings, to: &writer)
            writer.member("stop_reason", reply.stopReason)
            writer.key("interrupted")
            writer.bool(reply.interrupted)
            writer.member("error", reply.error)
            writer.member("request_id", reply.requestID)
            writer.member("time_to_first_token", reply.timeToFirstToken)
            writer.member("tokens_per_second", reply.tokensPerSecond)
            // Written only when counted, so a file from before usage was kept re-saves byte for byte.
            if reply.inputTokens != nil || reply.outputTokens != nil {
                writer.key("usage")
                writer.object { writer in
                    writer.member("input_tokens", reply.inputTokens.map(Double.init))
                    writer.member("output_tokens", reply.outputTokens.map(Double.init))
                }
            }
        }
    }

    /// Settings as the API names them; unset fields are written as null so the file says what was not set.
    static func write(_ settings: SamplingSettings, to writer: inout JSONWriter) {
        writer.object { writer in
            writer.member("model", settings.model)
            writer.member("max_tokens_to_sample", Double(settings.maxTokensToSample))
            writer.member("temperature", settings.temperature)
            writer.member("top_k", settings.topK.map(Double.init))
            writer.member("top_p", settings.topP)
            writer.key("stop_sequences")
            writer.array(settings.stopSequences) { writer, stop in writer.string(stop) }
        }
    }

    /// The whole file; the format and version are checked before the turns are read.
    struct Document: Decodable {
        var transcript: Transcript

        enum Keys: String, CodingKey { case format, version, system, turns }

        init(from decoder: Decoder) throws {
            let file = try decoder.container(keyedBy: Keys.self)
            guard (try? file.decodeIfPresent(String.self, forKey: .format)) == formatName else {
                throw TranscriptDecodingError("not a turns transcript (no \"format\": \"\(formatName)\")")
            }
            guard let version = try? file.decodeIfPresent(Int.self, forKey: .version) else {
                throw TranscriptDecodingError("the transcript has no version")
            }
            guard version == TranscriptJSON.version else {
                throw TranscriptDecodingError(
                    "unsupported transcript version \(version) (this turns reads version \(TranscriptJSON.version))")
            }
            transcript = Transcript(system: try file.decodeIfPresent(String.self, forKey: .system))
            transcript.turns = try file.decode([Turn].self, forKey: .turns)
        }
    }
}

extension Turn: Decodable {
    private enum Keys: String, CodingKey { case role, text, createdAt = "created_at", reply }

    /// Reads a turn as the `.json` format writes it.
    public init(from decoder: Decoder) throws {
        let fields = try decoder.container(keyedBy: Keys.self)
        guard let role = Role(rawValue: try fields.decode(String.self, forKey: .role)) else {
            throw DecodingError.dataCorruptedError(forKey: .role, in: fields,
                                                   debugDescription: "must be \"human\" or \"assistant\"")
        }
        self.init(role: role, text: try fields.decode(String.self, forKey: .text),
                  createdAt: try fields.decodeTimestamp(forKey: .createdAt),
                  reply: try fields.decodeIfPresent(ReplyInfo.self, forKey: .reply))
    }
}

extension ReplyInfo: Decodable {
    private enum Keys: String, CodingKey {
        case backend, model, settings, stopReason = "stop_reason", interrupted, error, requestID = "request_id"
        case timeToFirstToken = "time_to_first_token", tokensPerSecond = "tokens_per_second", usage
    }

    private struct Usage: Decodable {
        var inputTokens: Int?, outputTokens: Int?
        enum CodingKeys: String, CodingKey { case inputTokens = "input_tokens", outputTokens = "output_tokens" }
    }

    /// Reads an answer's details as the `.json` format writes them.
    public init(from decoder: Decoder) throws {
        let fields = try decoder.container(keyedBy: Keys.self)
        self.init(backend: try fields.decode(String.self, forKey: .backend),
                  model: try fields.decode(String.self, forKey: .model),
                  settings: try fields.decode(SamplingSettings.self, forKey: .settings),
                  stopReason: try fields.decodeIfPresent(String.self, forKey: .stopReason),
                  interrupted: try fields.decodeIfPresent(Bool.self, forKey: .interrupted) ?? false,
                  error: try fields.decodeIfPresent(String.self, forKey: .error),
                  requestID: try fields.decodeIfPresent(String.self, forKey: .requestID),
                  timeToFirstToken: try fields.decodeIfPresent(Double.self, forKey: .timeToFirstToken),
                  tokensPerSecond: try fields.decodeIfPresent(Double.self, forKey: .tokensPerSecond))
        let usage = try fields.decodeIfPresent(Usage.self, forKey: .usage)
        inputTokens = usage?.inputTokens
        outputTokens = usage?.outputTokens
    }
}

extension SamplingSettings: Decodable {
    private enum Keys: String, CodingKey {
        case model, maxTokensToSample = "max_tokens_to_sample", temperature, topK = "top_k", topP = "top_p"
        case stopSequences = "stop_sequences"
    }

    /// Reads settings as the `.json` format writes them (under the API's names).
    public init(from decoder: Decoder) throws {
        let fields = try decoder.container(keyedBy: Keys.self)
        self.init(model: try fields.decode(String.self, forKey: .model),
                  maxTokensToSample: try fields.decode(Int.self, forKey: .maxTokensToSample),
                  temperature: try fields.decodeIfPresent(Double.self, forKey: .temperature),
                  topK: try fields.decodeIfPresent(Int.self, forKey: .topK),
                  topP: try fields.decodeIfPresent(Double.self, forKey: .topP),
                  stopSequences: try fields.decodeIfPresent([String].self, forKey: .stopSequences) ?? [])
    }
}

extension KeyedDecodingContainer {
    /// Reads a timestamp written by `TimestampFormat`.
    func decodeTimestamp(forKey key: Key) throws -> Date {
        guard let date = TimestampFormat.date(from: try decode(String.self, forKey: key)) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: self,
                                                   debugDescription: "must be a timestamp like 2026-11-21T23:55:00.123Z")
        }
        return date
    }
}

/// What is wrong inside a transcript's content (the file name is added by the loader).
public struct TranscriptDecodingError: Error, Sendable, Equatable {
    /// What is wrong.
    public var problem: String
    /// Creates an error.
    public init(_ problem: String) { self.problem = problem }

    /// Describes an error of `JSONDecoder` in one line: where in the file, and what is wrong.
    init(_ error: any Error, bytes: Data) {
        switch error {
        case let error as TranscriptDecodingError:
            self = error
        case DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty:
            problem = Self.syntaxProblem(in: bytes)
        case DecodingError.dataCorrupted(let context):
            problem = Self.place(context.codingPath) + " " + context.debugDescription
        case DecodingError.typeMismatch(let type, let context), DecodingError.valueNotFound(let type, let context):
            problem = Self.place(context.codingPath) + " must be " + Self.describe(type)
        case DecodingError.keyNotFound(let key, let context):
            problem = Self.place(context.codingPath + [key]) + " is missing"
        default:
            problem = "\(error)"
        }
    }

    /// Where and why the JSON itself is broken: JSONDecoder does not say, JSONSerialization does.
    private static func syntaxProblem(in bytes: Data) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: bytes, options: .fragmentsAllowed)
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? ""
            if detail.contains("end of file") { return "the file is truncated (it ends in the middle of the JSON)" }
            if let first = detail.first {
                return "corrupt JSON: " + first.lowercased() + detail.dropFirst().trimmingCharacters(in: ["."])
            }
        }
        return "corrupt JSON"
    }

    /// `turn 2: reply settings "top_k"`: the turn by number, the enclosing keys, and the key in quotes.
    private static func place(_ path: [any CodingKey]) -> String {
        var words: [String] = []
        var turn: String?
        for (index, key) in path.enumerated() {
            if let number = key.intValue {
                if index == 1 && path[0].stringValue == "turns" { turn = "turn \(number + 1): "; words = [] }
                else { words.append("item \(number + 1) of") }
            } else {
                words.append(index == path.count - 1 ? "\"\(key.stringValue)\"" : key.stringValue)
            }
        }
        return (turn ?? "") + (words.isEmpty ? "the value" : words.joined(separator: " "))
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type: return "an integer"
        case is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is [Any].Type: return "an array"
        default: return "an object"
        }
    }
}
