import Foundation

/// The `.md` transcript format: a readable document with a header and a heading per turn.
public enum TranscriptMarkdown {
    /// Renders the transcript as Markdown. `backend` and `settings` describe the conversation for the header.
    public static func render(_ transcript: Transcript, backend: String, settings: SamplingSettings, date: Date) -> String {
        var out = "# Conversation\n\n"
        out += "- Date: \(TimestampFormat.string(from: date))\n"
        out += "- Backend: \(backend)\n"
        out += "- Model: \(settings.model)\n"
        out += "- Settings: " + describe(settings) + "\n"
        if let system = transcript.system {
            out += "\n## System\n\n" + system + "\n"
        }
        for turn in transcript.turns {
            out += "\n## " + turn.role.label
            if let reply = turn.reply {
                var notes: [String] = []
                if reply.interrupted { notes.append("interrupted") }
                if let error = reply.error { notes.append("error: \(error)") }
                if let stop = reply.stopReason { notes.append(stop) }
                if !notes.isEmpty { out += " (" + notes.joined(separator: "; ") + ")" }
            }
            out += "\n\n" + turn.text + "\n"
        }
        return out
    }

    /// "max_tokens_to_sample 1024, temperature 0.7" — the settings that are set.
    public static func describe(_ settings: SamplingSettings) -> String {
        var parts = ["max_tokens_to_sample \(settings.maxTokensToSample)"]
        if let t = settings.temperature { parts.append("temperature \(SettingsError.format(t))") }
        if let k = settings.topK { parts.append("top_k \(k)") }
        if let p = settings.topP { parts.append("top_p \(SettingsError.format(p))") }
        if !settings.stopSequences.isEmpty {
            parts.append("stop_sequences " + settings.stopSequences.map { "\"" + EscapedText.escape($0) + "\"" }
                .joined(separator: ", "))
        }
        return parts.joined(separator: ", ")
    }
}
