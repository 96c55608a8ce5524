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
        document(transcript).prettyJSONText + "\n"
    }

    /// The transcript as a JSON value.
    public static func document(_ transcript: Transcript) -> JSONValue {
        .object([
            ("format", .string(formatName)),
            ("version", .number(Double(version))),
            ("system", transcript.system.map(JSONValue.string) ?? .null),
            ("turns", .array(transcript.turns.map(turnValue))),
        ])
    }

    /// The JSON value of one turn.
    public static func turnValue(_ turn: Turn) -> JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("role", .string(turn.role.rawValue)),
            ("text", .string(turn.text)),
            ("created_at", .string(TimestampFormat.string(from: turn.createdAt))),
        ]
        if let reply = turn.reply { pairs.append(("reply", replyValue(reply))) }
        return .object(pairs)
    }

    /// The JSON value of an answer's details.
    public static func replyValue(_ reply: ReplyInfo) -> JSONValue {
        func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        func optional(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }
        return .object([
            ("backend", .string(reply.backend)),
            ("model", .string(reply.model)),
            ("settings", settingsValue(reply.settings)),
            ("stop_reason", optional(reply.stopReason)),
            ("interrupted", .bool(reply.interrupted)),
            ("error", optional(reply.error)),
            ("request_id", optional(reply.requestID)),
            ("time_to_first_token", optional(reply.timeToFirstToken)),
            ("tokens_per_second", optional(reply.tokensPerSecond)),
        ])
    }

    /// Settings as the API names them; unset fields are written as null so the file says what was not set.
    public static func settingsValue(_ settings: SamplingSettings) -> JSONValue {
        .object([
            ("model", .string(settings.model)),
            ("max_tokens_to_sample", .number(Double(settings.maxTokensToSample))),
            ("temperature", settings.temperature.map(JSONValue.number) ?? .null),
            ("top_k", settings.topK.map { JSONValue.number(Double($0)) } ?? .null),
            ("top_p", settings.topP.map(JSONValue.number) ?? .null),
            ("stop_sequences", .array(settings.stopSequences.map(JSONValue.string))),
        ])
    }

    /// Reads a transcript from JSON text; problems are reported without a path (the caller adds it).
    public static func decode(_ value: JSONValue) throws(TranscriptDecodingError) -> Transcript {
        guard case .object = value else { throw .init("not a turns transcript (the top level is not an object)") }
        guard value["format"]?.stringValue == formatName else {
            throw .init("not a turns transcript (no \"format\": \"\(formatName)\")")
        }
        guard let version = value["version"]?.intValue else { throw .init("the transcript has no version") }
        guard version == TranscriptJSON.version else {
            throw .init("unsupported transcript version \(version) (this turns reads version \(TranscriptJSON.version))")
        }
        var system: String?
        switch value["system"] {
        case .string(let s)?: system = s
        case .null?, nil: system = nil
        default: throw .init("\"system\" must be a string or null")
        }
        guard let turnValues = value["turns"]?.arrayValue else { throw .init("\"turns\" must be an array") }
        var turns: [Turn] = []
        turns.reserveCapacity(turnValues.count)
        for (index, turnValue) in turnValues.enumerated() {
            turns.append(try decodeTurn(turnValue, index: index))
        }
        var transcript = Transcript(system: system, turns: [])
        transcript.turns = turns
        return transcript
    }

    /// Reads a transcript straight from JSON bytes, one turn at a time, so a large file never exists twice in
    /// memory as a whole tree. Throws `JSONParseError` for bad JSON and `TranscriptDecodingError` for bad content.
    public static func decode(bytes: UnsafeBufferPointer<UInt8>) throws -> Transcript {
        var reader = JSONReader(bytes: bytes)
        var format: String?
        var version: Int?
        var system: String?
        var turns: [Turn] = []
        var sawTurns = false
        try reader.readObjectMembers { reader, key in
            switch key {
            case "format": format = try reader.readValue(depth: 1).stringValue
            case "version": version = try reader.readValue(depth: 1).intValue
            case "system":
                switch try reader.readValue(depth: 1) {
                case .string(let s): system = s
                case .null: system = nil
                default: throw TranscriptDecodingError("\"system\" must be a string or null")
                }
            case "turns":
                sawTurns = true
                // Checked first, so a file of another format or version fails before its turns are read.
                try check(format: format, version: version, final: false)
                try reader.readArrayElements { reader in
                    let value = try reader.readValue(depth: 2)
                    turns.append(try decodeTurn(value, index: turns.count))
                }
            default:
                try reader.skipValue(depth: 1)
            }
        }
        reader.skipSpace()
        if reader.index != bytes.count { throw JSONParseError(reason: "unexpected text after the JSON value", offset: reader.index) }
        try check(format: format, version: version, final: true)
        guard sawTurns else { throw TranscriptDecodingError("\"turns\" must be an array") }
        var transcript = Transcript(system: system, turns: [])
        transcript.turns = turns
        return transcript
    }

    private static func check(format: String?, version: Int?, final: Bool) throws(TranscriptDecodingError) {
        if format != nil || final {
            guard format == formatName else { throw .init("not a turns transcript (no \"format\": \"\(formatName)\")") }
        }
        if version != nil || final {
            guard let version else { throw .init("the transcript has no version") }
            guard version == TranscriptJSON.version else {
                throw .init("unsupported transcript version \(version) (this turns reads version \(TranscriptJSON.version))")
            }
        }
    }

    /// Reads one turn.
    public static func decodeTurn(_ value: JSONValue, index: Int) throws(TranscriptDecodingError) -> Turn {
        let at = "turn \(index + 1)"
        guard let roleName = value["role"]?.stringValue, let role = Role(rawValue: roleName) else {
            throw .init("\(at): \"role\" must be \"human\" or \"assistant\"")
        }
        guard let text = value["text"]?.stringValue else { throw .init("\(at): \"text\" must be a string") }
        guard let stamp = value["created_at"]?.stringValue, let date = TimestampFormat.date(from: stamp) else {
            throw .init("\(at): \"created_at\" must be a timestamp like 2026-11-21T23:55:00.123Z")
        }
        var reply: ReplyInfo?
        if let replyValue = value["reply"], !replyValue.isNull {
            reply = try decodeReply(replyValue, at: at)
        }
        return Turn(role: role, text: text, createdAt: date, reply: reply)
    }

    private static func decodeReply(_ value: JSONValue, at: String) throws(TranscriptDecodingError) -> ReplyInfo {
        func string(_ key: String) throws(TranscriptDecodingError) -> String {
            guard let s = value[key]?.stringValue else { throw .init("\(at): reply \"\(key)\" must be a string") }
            return s
        }
        func optionalString(_ key: String) throws(TranscriptDecodingError) -> String? {
            switch value[key] {
            case .string(let s)?: return s
            case .null?, nil: return nil
            default: throw .init("\(at): reply \"\(key)\" must be a string or null")
            }
        }
        func optionalNumber(_ key: String) throws(TranscriptDecodingError) -> Double? {
            switch value[key] {
            case .number(let d)?: return d
            case .null?, nil: return nil
            default: throw .init("\(at): reply \"\(key)\" must be a number or null")
            }
        }
        guard let settingsValue = value["settings"] else { throw .init("\(at): reply has no \"settings\"") }
        return ReplyInfo(
            backend: try string("backend"), model: try string("model"),
            settings: try decodeSettings(settingsValue, at: at),
            stopReason: try optionalString("stop_reason"), interrupted: value["interrupted"]?.boolValue ?? false,
            error: try optionalString("error"), requestID: try optionalString("request_id"),
            timeToFirstToken: try optionalNumber("time_to_first_token"),
            tokensPerSecond: try optionalNumber("tokens_per_second"))
    }

    /// Reads settings written by `settingsValue`.
    public static func decodeSettings(_ value: JSONValue, at: String) throws(TranscriptDecodingError) -> SamplingSettings {
        guard let model = value["model"]?.stringValue else { throw .init("\(at): settings \"model\" must be a string") }
        guard let maxTokens = value["max_tokens_to_sample"]?.intValue else {
            throw .init("\(at): settings \"max_tokens_to_sample\" must be an integer")
        }
        var settings = SamplingSettings(model: model, maxTokensToSample: maxTokens)
        settings.temperature = value["temperature"]?.doubleValue
        settings.topK = value["top_k"]?.intValue
        settings.topP = value["top_p"]?.doubleValue
        settings.stopSequences = value["stop_sequences"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return settings
    }
}

/// What is wrong inside a transcript's content (the file name is added by the loader).
public struct TranscriptDecodingError: Error, Sendable, Equatable {
    /// What is wrong.
    public var problem: String
    /// Creates an error.
    public init(_ problem: String) { self.problem = problem }
}
