import TurnsCore

/// A change to the conversation. `AppState.edit(_:)` applies it to the transcript, its layout and the journal
/// together, so what is on screen and what a resumed session shows cannot drift apart.
enum ConversationEdit {
    /// A Human turn is added.
    case addTurn(Turn)
    /// An empty answer made with `reply`'s request is added and begins streaming.
    case startAnswer(ReplyInfo)
    /// Streamed text is added to the answer.
    case appendText(String)
    /// The answer's text is dropped: a new attempt starts it over.
    case restartAnswer
    /// The answer's details change (they are journaled when it ends).
    case updateReply((inout ReplyInfo) -> Void)
    /// The answer ended with these last changes to its details: a forged turn marker in its text is defused
    /// (neutralizing on every streamed piece would cost O(n²)) and its details are journaled.
    case endAnswer((inout ReplyInfo) -> Void)
    /// The turns from `index` on are removed (undo, edit, retry, clear).
    case removeTurns(from: Int)
    /// The system text changes.
    case setSystem(String?)
    /// The whole conversation is replaced (a transcript was loaded).
    case replace(Transcript)
}

extension AppState {
    /// The one place the conversation changes.
    mutating func edit(_ edit: ConversationEdit) {
        switch edit {
        case .addTurn(let turn):
            transcript.turns.append(turn)
            layout.turnsAppended(transcript)
            pendingJournal.append(.turn(turn))
        case .startAnswer(let reply):
            let answer = Turn(role: .assistant, text: "", reply: reply)
            transcript.turns.append(answer)
            layout.turnsAppended(transcript)
            pendingJournal.append(.answerStart(createdAt: answer.createdAt, reply: reply))
        case .appendText(let piece):
            guard let last = answerIndex else { return }
            transcript.turns[last].text += piece
            layout.lastTurnGrew(transcript)
            pendingJournal.append(.text(piece))
        case .restartAnswer:
            guard let last = answerIndex, !transcript.turns[last].text.isEmpty else { return }
            transcript.turns[last].text = ""
            layout.turnChanged(last, transcript)
            pendingJournal.append(.truncate(count: last))
            pendingJournal.append(.answerStart(createdAt: transcript.turns[last].createdAt, reply: reply(of: last)))
        case .updateReply(let change):
            guard let last = answerIndex else { return }
            changeReply(of: last, change)
        case .endAnswer(let change):
            guard let last = answerIndex else { return }
            if PromptFormat.containsMarker(transcript.turns[last].text) {
                transcript.turns[last].text = PromptFormat.neutralize(transcript.turns[last].text)
                layout.turnChanged(last, transcript)
            }
            changeReply(of: last, change)
            pendingJournal.append(.answerEnd(reply: reply(of: last)))
        case .removeTurns(let index):
            transcript.turns.removeSubrange(index...)
            // With no turns left there is no scroll position to keep.
            if index == 0 { layout.reload(transcript) } else { layout.turnsRemoved(from: index, transcript) }
            pendingJournal.append(.truncate(count: index))
        case .setSystem(let system):
            transcript.system = system.map(PromptFormat.neutralize)
            layout.reload(transcript)
            pendingJournal.append(.system(transcript.system))
        case .replace(let replacement):
            transcript = replacement
            layout.reload(transcript)
            pendingJournal.append(.replace(replacement))
        }
    }

    /// The last turn's index when it is an answer.
    private var answerIndex: Int? {
        guard let last = transcript.turns.indices.last, transcript.turns[last].role == .assistant else { return nil }
        return last
    }

    private func reply(of index: Int) -> ReplyInfo {
        transcript.turns[index].reply ?? ReplyInfo(backend: backend, model: settings.model, settings: settings)
    }

    /// Changes an answer's details and re-lays it out when its marker line changes.
    private mutating func changeReply(of index: Int, _ change: (inout ReplyInfo) -> Void) {
        let before = TranscriptLayout.marker(for: transcript.turns[index])
        var reply = reply(of: index)
        change(&reply)
        transcript.turns[index].reply = reply
        if TranscriptLayout.marker(for: transcript.turns[index]) != before { layout.turnChanged(index, transcript) }
    }
}
