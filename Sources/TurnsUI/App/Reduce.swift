import Foundation
import TurnsCore
import TurnsAPI

/// Applies an action to the state and returns the work for the run loop (Bubble Tea style: the only place the
/// state changes).
public func reduce(_ state: inout AppState, _ action: Action) -> [Effect] {
    let effects = state.perform(action)
    state.syncSizes()
    guard !state.pendingJournal.isEmpty else { return effects }
    // Journal records go first: the conversation is on disk before anything else happens (a quit, a save).
    let records = state.pendingJournal.map(Effect.journal)
    state.pendingJournal.removeAll(keepingCapacity: true)
    return records + effects
}

extension AppState {
    /// Applies one action (before the sizes are synced and the journal records handed over).
    mutating func perform(_ action: Action) -> [Effect] {
        switch action {
        case .input(let event):
            return handle(event)
        case .stream(let request, let event, let time):
            now = max(now, time)
            return request == activeRequest ? apply(event, at: time) : []
        case .tick(let time):
            now = max(now, time)
            if case .retrying(_, let attempt, let maxAttempts) = request, let deadline = retryDeadline {
                request = .retrying(seconds: max(0, Int((deadline - time).rounded(.up))), attempt: attempt,
                                    maxAttempts: maxAttempts)
            }
        case .loaded(let transcript, let path):
            let effects = cancelRequest()
            edit(.replace(transcript))
            request = .idle
            showNotice("loaded \(path)")
            return effects
        case .saved(let path):
            showNotice("saved \(path)")
        case .fileFailed(let text):
            showNotice(text, isError: true)
        case .fileExists(let path):
            linePrompt = LinePrompt(kind: .confirmOverwrite(path: path), editor: InputEditor(width: 1, maxHeight: 1))
        case .themeLookedUp(.success(let theme)):
            // Only styles change: the frame's diff repaints every cell whose style did.
            self.theme = theme
            showNotice("theme \(theme.name) (for every chat: theme = \"\(theme.name)\" in the config)")
        case .themeLookedUp(.failure(let error)):
            showNotice(error.message, isError: true)
        case .modelsListed(let result):
            return receiveModels(result)
        case .themesListed(let names):
            let list = names.map { $0 == theme.name ? "[\($0)]" : $0 }.joined(separator: ", ")
            showNotice("themes: \(list) (/theme NAME switches)")
        }
        return []
    }

    // MARK: - Input

    mutating func handle(_ event: InputEvent) -> [Effect] {
        switch event {
        case .resize(let newWidth, let newHeight):
            width = max(1, newWidth)
            height = max(1, newHeight)
            return []
        case .wheel(let rows):
            layout.scroll(.rows(rows), transcript)
            return []
        case .paste(let text):
            if linePrompt != nil {
                if case .savePath = linePrompt!.kind { linePrompt!.editor.insert(text.replacingNewlines()) }
            } else if panel == nil {
                editor.paste(text)
            }
            return []
        case .key(let press):
            message = nil
            if overlay != nil {
                overlay = nil
                return []
            }
            if linePrompt != nil { return handlePrompt(press) }
            if var open = panel {
                var values = panelValues
                panel = open.handle(press, values: &values) ? open : nil
                settings = values.settings
                streaming = values.streaming
                api = values.api
                if values.system != transcript.system { edit(.setSystem(values.system)) }
                return []
            }
            return handle(press)
        }
    }

    mutating func handle(_ press: KeyPress) -> [Effect] {
        if let command = KeyMap.command(for: press) { return run(command) }
        if case .character(let c) = press.key, press.modifiers.subtracting(.shift).isEmpty {
            editor.insert(String(c))
        }
        return []
    }

    mutating func run(_ command: AppCommand) -> [Effect] {
        switch command {
        case .submit: return submit()
        case .newline: editor.insertNewline()
        case .interrupt:
            if request.isBusy { return cancelRequest() }
            if !editor.isEmpty { editor.setText(""); return [] }
            return quit()
        case .endOfInput:
            if !request.isBusy && editor.isEmpty { return quit() }
            editor.deleteForward()
        case .cancel:
            if request.isBusy { return cancelRequest() }
        case .settings: panel = SettingsPanel()
        case .help: showHelp()
        case .complete: return completeModelName()
        case .retry:
            do { return try retry() } catch { message = StatusMessage(error.message, isError: true) }
        case .saveAs: askForSavePath()
        case .redraw: return [.redraw]
        case .scroll(let action): layout.scroll(action, transcript)
        case .home: if editor.isEmpty { layout.scroll(.top, transcript) } else { editor.moveToLineStart() }
        case .end: if editor.isEmpty { layout.scroll(.bottom, transcript) } else { editor.moveToLineEnd() }
        default: _ = editor.perform(command)
        }
        return []
    }

    /// Enter: runs a slash command, or sends the message (not while an answer is under way).
    mutating func submit() -> [Effect] {
        let trimmed = editor.text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return [] }
        if editor.text.hasPrefix("/") && !editor.text.hasPrefix("//") {
            _ = editor.submit()
            do {
                return try SlashCommands.run(trimmed, on: &self)
            } catch {
                message = StatusMessage(error.message, isError: true)
                return []
            }
        }
        if request.isBusy {
            message = StatusMessage("an answer is arriving (Esc cancels it)", isError: true)
            return []
        }
        guard let sent = editor.submit() else { return [] }
        // "//text" sends "/text".
        let body = sent.hasPrefix("//") ? String(sent.dropFirst()) : sent
        edit(.addTurn(Turn(role: .human, text: body)))
        return startRequest()
    }

    /// Appends an empty answer and asks for it.
    mutating func startRequest() -> [Effect] {
        let prompt = transcript.prompt()
        edit(.startAnswer(ReplyInfo(backend: backend, model: settings.model, settings: settings)))
        requestSentTime = now
        layout.scroll(.bottom, transcript)
        let id = nextRequest
        nextRequest += 1
        activeRequest = id
        request = .waiting
        pieces = 0
        firstTextTime = nil
        retryDeadline = nil
        return [.send(request: id, prompt: prompt, settings: settings, stream: streaming)]
    }

    /// Cancels the request under way: the partial answer stays, marked interrupted.
    mutating func cancelRequest() -> [Effect] {
        guard let id = activeRequest else { return [] }
        activeRequest = nil
        request = .interrupted
        edit(.endAnswer { $0.interrupted = true })
        return [.cancel(request: id)]
    }

    /// Regenerates the last answer with the current settings, replacing it.
    mutating func retry() throws(CommandError) -> [Effect] {
        try requireIdle()
        guard let last = transcript.turns.last else { throw CommandError("nothing to retry") }
        if last.role == .assistant { edit(.removeTurns(from: transcript.turns.count - 1)) }
        guard transcript.turns.last?.role == .human else { throw CommandError("nothing to retry") }
        return startRequest()
    }

    /// Drops the last message and its answer, returning the message; `command` names the refusal's command.
    mutating func dropLastExchange(for command: String) throws(CommandError) -> String {
        try requireIdle()
        guard let index = transcript.turns.lastIndex(where: { $0.role == .human }) else {
            throw CommandError("nothing to \(command)")
        }
        let text = transcript.turns[index].text
        edit(.removeTurns(from: index))
        return text
    }

    /// Refuses while an answer is arriving.
    func requireIdle() throws(CommandError) {
        if request.isBusy { throw CommandError("an answer is arriving (Esc cancels it)") }
    }

    mutating func quit() -> [Effect] {
        var effects = cancelRequest()
        hasQuit = true
        effects.append(.quit)
        return effects
    }

    // MARK: - The stream

    mutating func apply(_ event: StreamEvent, at time: Double) -> [Effect] {
        switch event {
        case .started(let requestID):
            if case .waiting = request { request = .streaming(tokensPerSecond: nil) }
            edit(.updateReply { $0.requestID = requestID })
        case .text(let piece):
            guard let last = transcript.turns.indices.last, transcript.turns[last].role == .assistant else { return [] }
            // Answers begin with the space that follows "Assistant:" in the prompt; the turn stores the text after it,
            // as the prompt format writes one space after every marker.
            let piece = transcript.turns[last].text.isEmpty && piece.hasPrefix(" ") ? String(piece.dropFirst()) : piece
            guard !piece.isEmpty else { return [] }
            edit(.appendText(piece))
            pieces += 1
            if firstTextTime == nil {
                firstTextTime = time
                if let sent = requestSentTime { edit(.updateReply { $0.timeToFirstToken = max(0, time - sent) }) }
            }
            request = .streaming(tokensPerSecond: rate(at: time))
        case .retrying(let notice):
            retryDeadline = time + notice.delay
            request = .retrying(seconds: Int(notice.delay.rounded(.up)), attempt: notice.attempt,
                                maxAttempts: notice.maxRetries)
            // A new attempt starts the answer over.
            edit(.restartAnswer)
            pieces = 0
            firstTextTime = nil
        case .finished(let stopReason, let model, let usage):
            activeRequest = nil
            request = .done(stopReason: stopReason, usage: usage)
            let rate = rate(at: time)
            edit(.endAnswer {
                $0.stopReason = stopReason
                if let model { $0.model = model }
                $0.tokensPerSecond = rate
                $0.inputTokens = usage?.inputTokens
                $0.outputTokens = usage?.outputTokens
            })
        case .failed(let error):
            activeRequest = nil
            if error.kind == .cancelled {
                request = .interrupted
                edit(.endAnswer { $0.interrupted = true })
            } else {
                let text = SettingAdvice.describe(error, in: .chat)
                request = .failed(text)
                edit(.endAnswer { $0.error = text })
            }
        }
        return []
    }

    /// Pieces per second since the first text (nil until a fifth of a second has passed).
    func rate(at time: Double) -> Double? {
        guard let first = firstTextTime, time - first >= 0.2 else { return nil }
        return Double(pieces) / (time - first)
    }
}
