import Foundation
import TurnsAPI
import TurnsCore

/// `turns --print`: one answer, streamed to stdout as it arrives, then a newline.
struct PrintMode {
    /// The configuration in force.
    let config: ResolvedConfiguration
    /// Whether to report the stop reason, request id and timings on stderr.
    let verbose: Bool

    /// Runs one request and returns the exit status.
    func run(promptArguments: [String], raw: Bool) async -> Int32 {
        let prompt: String
        switch readPrompt(arguments: promptArguments, raw: raw) {
        case .success(let text): prompt = text
        case .failure(let failure):
            Terminal.error(failure.message)
            return ExitStatus.usage
        }

        let connection: BackendConnection
        do {
            connection = try BackendConnection.open(config)
        } catch {
            Terminal.error(error.message)
            return ExitStatus.usage
        }
        defer { connection.close() }
        if connection.backend == .local { Terminal.note(BackendConnection.localNotice) }

        let request = CompletionRequest(prompt: prompt, settings: config.settings)
        let client = connection.client
        let task = Task { await stream(request, client: client) }
        let interrupted = InterruptFlag()
        let watcher = SignalWatcher([SIGINT, SIGTERM]) { _ in
            interrupted.set()
            task.cancel()
        }
        defer { watcher.cancel() }
        let status = await task.value
        return interrupted.isSet ? ExitStatus.interrupted : status
    }

    /// The prompt to send: the arguments as one Human turn, or stdin (as a Human turn, or whole with `--raw`).
    private func readPrompt(arguments: [String], raw: Bool) -> Result<String, PromptInputError> {
        var text = arguments.joined(separator: " ")
        if arguments.isEmpty {
            let data = FileHandle.standardInput.readDataToEndOfFile()
            guard let input = String(data: data, encoding: .utf8) else {
                return .failure(PromptInputError(message: "stdin is not UTF-8 text"))
            }
            text = input
        }
        if raw {
            if let problem = PromptFormat.validate(text) {
                return .failure(PromptInputError(message: "invalid prompt: " + EscapedText.escape(problem.description)))
            }
            return .success(text)
        }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        guard !text.isEmpty else {
            return .failure(PromptInputError(message: "nothing to send: give a prompt, or pipe one on stdin"))
        }
        let transcript = Transcript(system: config.system, turns: [Turn(role: .human, text: text)])
        return .success(transcript.prompt())
    }

    /// Streams the answer to stdout; returns the exit status.
    private func stream(_ request: CompletionRequest, client: CompletionsClient) async -> Int32 {
        let clock = ContinuousClock()
        let start = clock.now
        var firstText: ContinuousClock.Instant?
        var pieces = 0
        var stopReason: String?
        var requestID: String?
        var wroteText = false
        do {
            for try await event in client.events(request, stream: config.stream) {
                switch event {
                case .responseStarted(let info):
                    requestID = info.requestID
                case .retrying(let notice):
                    if verbose {
                        Terminal.note(String(format: "retrying in %.1f s (attempt %d/%d): ", notice.delay, notice.attempt,
                                             notice.maxRetries) + notice.error.description)
                    }
                case .completion(let piece, let count):
                    if !piece.completion.isEmpty {
                        if firstText == nil { firstText = clock.now }
                        Terminal.out(piece.completion)
                        wroteText = true
                    }
                    pieces += count
                    if let reason = piece.stopReason { stopReason = reason }
                }
            }
            if Task.isCancelled {
                if wroteText { Terminal.out("\n") }
                Terminal.error("interrupted")
                return ExitStatus.interrupted
            }
            Terminal.out("\n")
            if verbose { report(stopReason: stopReason, requestID: requestID, start: start, firstText: firstText, pieces: pieces) }
            return ExitStatus.success
        } catch let error as APIError {
            if wroteText { Terminal.out("\n") }
            if error.kind == .cancelled {
                Terminal.error("interrupted")
                return ExitStatus.interrupted
            }
            Terminal.error(error.description)
            if verbose { report(stopReason: stopReason, requestID: error.requestID ?? requestID, start: start,
                                firstText: firstText, pieces: pieces) }
            return error.exitCode
        } catch is CancellationError {
            if wroteText { Terminal.out("\n") }
            Terminal.error("interrupted")
            return ExitStatus.interrupted
        } catch {
            if wroteText { Terminal.out("\n") }
            Terminal.error("\(error)")
            return ExitStatus.other
        }
    }

    private func report(stopReason: String?, requestID: String?, start: ContinuousClock.Instant,
                        firstText: ContinuousClock.Instant?, pieces: Int) {
        let clock = ContinuousClock()
        let end = clock.now
        Terminal.note("stop_reason: \(stopReason ?? "none")")
        Terminal.note("request_id: \(requestID ?? "none")")
        if let firstText {
            let ttft = (firstText - start).seconds
            Terminal.note(String(format: "time to first token: %.3f s", ttft))
            let streaming = (end - firstText).seconds
            let rate = streaming > 0 ? Double(pieces) / streaming : 0
            Terminal.note(String(format: "tokens/s: %.1f", rate))
        }
    }
}

/// A prompt that could not be read from the arguments or stdin.
struct PromptInputError: Error {
    /// What is wrong.
    var message: String
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

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
