import Foundation
import TurnsCore

/// Transcripts: load and save of a 20 MB `.json` transcript (time and peak memory).
enum TranscriptBenchmark {
    /// A 50,000-turn conversation of about 20 MB.
    static func makeTranscript(turns count: Int = 50_000) -> Transcript {
        let settings = SamplingSettings(model: "claude-2.1", maxTokensToSample: 1024, temperature: 0.7)
        let paragraph = "The transcript pane wraps text by display cells at word boundaries, and code blocks keep "
            + "their lines. 界面 😀"
        var transcript = Transcript(system: "You are a helpful assistant.")
        transcript.turns.reserveCapacity(count)
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        for index in 0..<count {
            let role: Role = index % 2 == 0 ? .human : .assistant
            let text = role == .human ? "Question \(index): how does wrapping work?"
                : paragraph + paragraph.prefix(60) + "\n\n```swift\nlet answer = \(index)\n```"
            let reply = role == .assistant ? ReplyInfo(backend: "local", model: "turns-local", settings: settings,
                                                       stopReason: "stop_sequence", requestID: "req_\(index)",
                                                       timeToFirstToken: 0.2, tokensPerSecond: 30) : nil
            transcript.turns.append(Turn(role: role, text: text, createdAt: start.addingTimeInterval(Double(index)),
                                         reply: reply))
        }
        return transcript
    }

    static func run() {
        let folder = NSTemporaryDirectory() + "/turns-bench-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/big.json"
        var transcript: Transcript? = makeTranscript()
        let context = TranscriptFiles.Context(backend: "local", settings: SamplingSettings())
        let save = Measure.median(rounds: 3) {
            try! TranscriptFiles.save(transcript!, to: path, context: context)
        }
        transcript = nil
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        Measure.report("transcript.size_mb", Double(size) / 1_048_576, "MB")
        Measure.report("transcript.save_ms", save * 1000, "ms")

        // Loading runs in a fresh process, so its peak RSS is not inflated by the transcript built above.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        child.arguments = ["--load-transcript", path]
        let output = Pipe()
        child.standardOutput = output
        try! child.run()
        child.waitUntilExit()
        let lines = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        print(lines, terminator: "")
        let limit = 2.5 * Double(size) / 1_048_576 + 30
        Measure.report("transcript.load_peak_limit_mb", limit, "MB (target: peak RSS <= 2.5 x size + 30 MB)")
    }

    /// The child's part: load the file, print the time and the process's peak RSS.
    static func loadInFreshProcess(_ path: String) {
        var loaded: Transcript?
        let load = Measure.median(rounds: 1) { loaded = try! TranscriptFiles.load(from: path) }
        precondition(loaded?.turns.count == 50_000)
        Measure.report("transcript.load_ms", load * 1000, "ms")
        Measure.report("transcript.load_peak_rss_mb", Double(Measure.peakRSS()) / 1_048_576, "MB")
    }
}
