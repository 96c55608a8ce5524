import Foundation
import TurnsAPI
import TurnsCore

/// `turns --print`: one answer, streamed to stdout as it arrives, then a newline.
struct PrintMode {
    /// The configuration in force.
    let config: ResolvedConfiguration
    /// Whether to report the stop reason, request id and timings on stderr.
    let verbose: Bool
    /// Where to save the exchange as a transcript, if anywhere.
    var savePath: String?

    /// Runs one request and returns the exit status.
    func run(promptArguments: [String], raw: Bool) async -> Int32 {
        guard case let (transcript, prompt)? = readPrompt(arguments: promptArguments, raw: raw) else {
            return ExitStatus.usage
        }

        guard let connection = BackendConnection.openReportingFailure(config) else { return ExitStatus.usage }
        defer { connection.close() }
        if connection.backend == .local { Terminal.note(BackendConnection.localNotice) }

        let request = CompletionRequest(prompt: prompt, settings: config.settings, api: config.api)
        let client = connection.client
        let api = request.api.api(forModel: request.model)
        let task = Task { await stream(request, api: api, client: client) }
        let interrupted = InterruptFlag()
        let watcher = SignalWatcher([SIGINT, SIGTERM]) { _ in
            interrupted.set()
            task.cancel()
        }
        defer { watcher.cancel() }
        var outcome = await task.value
        if interrupted.isSet { outcome.interrupted = true; outcome.status = ExitStatus.interrupted }
        if let savePath {
            var saved = transcript
            saved.turns.append(outcome.answerTurn(backend: connection.backend.rawValue, settings: config.settings))
            do {
                try TranscriptFiles.save(saved, to: savePath, context: .init(backend: connection.backend.rawValue,
                                                                              settings: config.settings))
            } catch {
                Terminal.error(error.description)
                if outcome.status == ExitStatus.success { outcome.status = ExitStatus.other }
            }
        }
        return outcome.status
    }

    /// The conversation and the exact prompt to send: the arguments (or stdin) as one Human turn, or with
    /// `--raw` stdin sent byte for byte as the whole prompt, validated as the API would; nil after saying why not.
    private func readPrompt(arguments: [String], raw: Bool) -> (Transcript, String)? {
        var text = arguments.joined(separator: " ")
        if arguments.isEmpty {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            guard let input = String(data: data, encoding: .utf8) else { return failure("stdin is not UTF-8 text") }
            text = input
        }
        if raw {
            if let problem = PromptFormat.validate(text) {
                return failure("invalid prompt: " + EscapedText.escape(problem.description))
            }
            return (TranscriptFiles.fromPromptText(text), text)
        }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        guard !text.isEmpty else { return failure("nothing to send: give a prompt, or pipe one on stdin") }
        let transcript = Transcript(system: config.system, turns: [Turn(role: .human, text: text)])
        return (transcript, transcript.prompt())
    }

    /// Writes why the prompt cannot be sent.
    private func failure(_ message: String) -> (Transcript, String)? {
        Terminal.error(message)
        return nil
    }

    /// Streams the answer to stdout.
    private func stream(_ request: CompletionRequest, api: AnthropicAPI, client: CompletionsClient) async -> PrintOutcome {
        var outcome = PrintOutcome(started: Date())
        let start = ChatRuntime.now()
        var firstText: Double?
        var deltas = 0
        var failure: APIError?
        func show(_ text: String) {
            guard !text.isEmpty else { return }
            if firstText == nil { firstText = ChatRuntime.now() }
            Terminal.out(text)
            outcome.text += text
        }
        do {
            for try await event in client.events(request, stream: config.stream) {
                switch event {
                case .responseStarted(let info):
                    outcome.requestID = info.requestID
                case .retrying(let notice):
                    if verbose {
                        Terminal.note(String(format: "retrying in %.1f s (attempt %d/%d): ", notice.delay, notice.attempt,
                                             notice.maxRetries) + notice.error.description)
                    }
                case .delta(let delta):
                    show(delta.text)
                    deltas += 1
                    if let model = delta.model { outcome.model = model }
                    if let reason = delta.stopReason { outcome.stopReason = reason }
                    if let usage = delta.usage { outcome.usage = usage }
                case .completion(let completion):
                    show(completion.completion)
                    outcome.model = completion.model ?? outcome.model
                    outcome.stopReason = completion.stopReason
                    outcome.usage = completion.usage
                }
            }
        } catch let error as APIError {
            failure = error
        } catch {
            failure = APIError(kind: .cancelled, message: "the request was cancelled")
        }
        // The timings first, so that every outcome below (and a transcript saved with --save) carries them.
        if let firstText {
            outcome.timeToFirstToken = firstText - start
            let streaming = ChatRuntime.now() - firstText
            outcome.tokensPerSecond = streaming > 0 ? Double(deltas) / streaming : nil
        }
        if failure?.kind == .cancelled || (failure == nil && Task.isCancelled) {
            if !outcome.text.isEmpty { Terminal.out("\n") }
            Terminal.error("interrupted")
            outcome.interrupted = true
            outcome.status = ExitStatus.interrupted
            return outcome
        }
        if let error = failure {
            if !outcome.text.isEmpty { Terminal.out("\n") }
            let text = SettingAdvice.describe(error, in: .commandLine)
            Terminal.error(text)
            outcome.requestID = error.requestID ?? outcome.requestID
            outcome.error = text
            outcome.status = error.exitCode
        } else {
            Terminal.out("\n")
            outcome.status = ExitStatus.success
        }
        if verbose { report(outcome, api: api) }
        return outcome
    }

    private func report(_ outcome: PrintOutcome, api: AnthropicAPI) {
        Terminal.note("api: " + (api == .messages ? "messages (/v1/messages)" : "complete (/v1/complete)"))
        Terminal.note("stop_reason: \(outcome.stopReason ?? "none")")
        if let usage = outcome.usage {
            Terminal.note("tokens: \(usage.inputTokens.map(String.init) ?? "?") in, \(usage.outputTokens.map(String.init) ?? "?") out")
        }
        Terminal.note("request_id: \(outcome.requestID ?? "none")")
        guard let timeToFirstToken = outcome.timeToFirstToken else { return }
        Terminal.note(String(format: "time to first token: %.3f s", timeToFirstToken))
        Terminal.note(String(format: "deltas/s: %.1f", outcome.tokensPerSecond ?? 0))
    }
}

/// How one printed answer went.
struct PrintOutcome {
    /// When the request was sent.
    var started: Date
    /// The exit status.
    var status: Int32 = ExitStatus.other
    /// The answer's text so far.
    var text = ""
    /// The model the server named.
    var model: String?
    /// The tokens the server counted, when it does (the Messages API).
    var usage: TokenUsage?
    /// Why the answer stopped.
    var stopReason: String?
    /// The server's request id.
    var requestID: String?
    /// The error that ended the answer, if any.
    var error: String?
    /// Whether the user interrupted it.
    var interrupted = false
    /// Seconds to the first text.
    var timeToFirstToken: Double?
    /// Streamed deltas (network reads that carried text) per second: tokens per second when the server paces its
    /// answer, as the API does, since each token then arrives on its own.
    var tokensPerSecond: Double?

    /// The answer as an Assistant turn with its details (its text without the model's leading space).
    func answerTurn(backend: String, settings: SamplingSettings) -> Turn {
        let body = text.hasPrefix(" ") ? String(text.dropFirst()) : text
        var reply = ReplyInfo(backend: backend, model: model ?? settings.model, settings: settings,
                              stopReason: stopReason, interrupted: interrupted, error: error, requestID: requestID,
                              timeToFirstToken: timeToFirstToken, tokensPerSecond: tokensPerSecond)
        (reply.inputTokens, reply.outputTokens) = (usage?.inputTokens, usage?.outputTokens)
        return Turn(role: .assistant, text: body, createdAt: started, reply: reply)
    }
}

/// A flag set from a signal handler and read afterwards.
final class InterruptFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    /// Sets the flag.
    func set() { lock.lock(); value = true; lock.unlock() }
    /// Whether the flag was set.
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
