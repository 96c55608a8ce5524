import Foundation
import TurnsAPI
import TurnsCore
import TurnsTerminal
import TurnsUI

/// The chat's run loop: the one thread that owns ncurses. It sleeps in `poll` until a key, a network event or a
/// frame deadline, applies actions through `reduce`, carries out the effects, and draws at most one frame per
/// `frameInterval`, however many tokens arrived. `TURNS_TRACE=PATH` records keys and frames for the benchmarks
/// (`ChatTrace`).
final class ChatRuntime {
    /// The shortest time between two frames (~60 per second).
    static let frameInterval = 1.0 / 60.0

    private let terminal = TerminalSession()
    private let wake = WakePipe()
    private let inbox = ActionInbox()
    private let connection: BackendConnection
    private var state: AppState
    private var renderer = FrameRenderer()
    private var journal: SessionJournal?
    /// The conversation the chat opened with, journaled once the first frame is up.
    private let journalStart: JournalRecord?
    private var requests: [Int: Task<Void, Never>] = [:]
    private var needsFrame = true
    private var repaint = true
    private var lastFrame = -Double.infinity
    private var nextTick: Double?
    private let stopFlag = InterruptFlag()
    private let answerOnStart: Bool
    /// The environment the chat started with (`/theme` finds the user's themes through XDG_CONFIG_HOME and HOME).
    private let environment: [String: String]
    /// The benchmarks' trace (`TURNS_TRACE=PATH`); nil, and free, unless asked for.
    private let trace = ChatTrace.fromEnvironment()

    /// Prepares a chat over `connection`; nothing touches the terminal until `run()`.
    init(connection: BackendConnection, state: AppState, journal: SessionJournal?, journalStart: JournalRecord?,
         answerOnStart: Bool, environment: [String: String]) {
        self.connection = connection
        self.state = state
        self.journal = journal
        self.journalStart = journalStart
        self.answerOnStart = answerOnStart
        self.environment = environment
    }

    /// The conversation as it stood when the chat ended.
    var finalTranscript: Transcript { state.transcript }

    /// Runs the chat until the user quits (or SIGTERM/SIGHUP arrive); the terminal is restored on every path.
    func run() throws(TerminalError) {
        try terminal.start(wake: wake)
        defer { terminal.stop() }
        trace?.started()
        let watcher = SignalWatcher([SIGTERM, SIGHUP, SIGINT]) { [stopFlag, wake] _ in
            stopFlag.set()
            wake.wake()
        }
        defer { watcher.cancel() }
        let size = terminal.size
        apply(.input(.resize(width: size.width, height: size.height)))
        // A loaded conversation is shown before it is journaled: writing a long one takes a while.
        drawFrame(at: Self.now())
        if let journalStart { journal?.append(journalStart) }
        if answerOnStart {
            // A loaded conversation that ends with a Human turn asks for its answer: Ctrl-R answers it.
            apply(.input(.key(.ctrl("r"))))
        }
        while !state.hasQuit && !stopFlag.isSet {
            wake.wait(forInputOn: 0, timeout: nextWakeTimeout())
            let now = Self.now()
            let events = terminal.readEvents() + terminal.flushEscape()
            if !events.isEmpty {
                trace?.read(events)
                apply(.tick(time: now))
                for event in events {
                    if case .resize = event { renderer.invalidate(); repaint = true }
                    apply(.input(event))
                }
            }
            backlog += ActionInbox.mergingText(inbox.drain())
            let actions = takeSlice(startedAt: now)
            let applying = trace == nil || actions.isEmpty ? 0 : ChatTrace.now()
            for action in actions { apply(action) }
            if !actions.isEmpty { trace?.applied(started: applying, actions: actions) }
            if let tick = nextTick, now >= tick { apply(.tick(time: now)) }
            nextTick = needsTicks ? (nextTick.map { $0 > now ? $0 : now + 1 } ?? now + 1) : nil
            if needsFrame && now - lastFrame >= Self.frameInterval { drawFrame(at: now) }
        }
        for task in requests.values { task.cancel() }
        journal?.flush(forceSync: true)
        trace?.close()
    }

    /// Stream events waiting to be applied (a burst is applied over several turns of the loop).
    private var backlog: [Action] = []

    /// The most time one turn of the loop spends applying stream events, so keys are read and a frame is drawn
    /// in between even when a fast stream delivers a burst.
    static let applyBudget = 0.008

    /// The next actions to apply this turn of the loop: the whole backlog, or what fits the time budget.
    private func takeSlice(startedAt start: Double) -> [Action] {
        guard !backlog.isEmpty else { return [] }
        var bytes = 0
        var count = 0
        // About 25 MB/s of text goes through reduce, so the budget is a byte count (no clock read per action).
        let budget = Int(Self.applyBudget * 25_000_000)
        while count < backlog.count {
            if case .stream(_, .text(let text, _), _) = backlog[count] { bytes += text.utf8.count }
            count += 1
            if bytes >= budget { break }
        }
        let slice = Array(backlog.prefix(count))
        backlog.removeFirst(count)
        return slice
    }

    /// How long to sleep: until the next frame is due, the next status tick, or (idle) until woken.
    private func nextWakeTimeout() -> Double? {
        let now = Self.now()
        if !backlog.isEmpty { return 0 }
        var timeout: Double?
        if needsFrame { timeout = max(0, lastFrame + Self.frameInterval - now) }
        if let tick = nextTick { timeout = min(timeout ?? .infinity, max(0, tick - now)) }
        if journal?.hasPendingText == true { timeout = min(timeout ?? .infinity, 1) }
        return timeout
    }

    /// The status bar counts down retries and shows tokens/s, so it ticks once a second while a request runs.
    private var needsTicks: Bool { state.request.isBusy }

    private func drawFrame(at now: Double) {
        let started = trace == nil ? 0 : ChatTrace.now()
        let frame = renderer.render(state)
        if let shown = renderer.shown {
            terminal.draw(shown, changes: frame.changes, cursor: frame.cursor, repaint: repaint)
        }
        // The arguments are evaluated only when tracing (optional chaining skips them otherwise).
        trace?.drew(started: started, changes: frame.changes.count, editorCharacters: state.editor.text.count,
                    request: state.request.summary)
        repaint = false
        needsFrame = false
        lastFrame = now
        journal?.flush()
    }

    /// Applies one action and carries out its effects.
    private func apply(_ action: Action) {
        let effects = reduce(&state, action)
        needsFrame = true
        for effect in effects { perform(effect) }
    }

    private func perform(_ effect: Effect) {
        switch effect {
        case let .send(id, prompt, settings, stream):
            startRequest(id: id, request: CompletionRequest(prompt: prompt, settings: settings), stream: stream)
        case .cancel(let id):
            requests.removeValue(forKey: id)?.cancel()
        case let .save(transcript, path, overwrite):
            if !overwrite && FileManager.default.fileExists(atPath: expand(path)) {
                apply(.fileExists(path: path))
            } else {
                save(transcript, to: path)
            }
        case .load(let path):
            do {
                let transcript = try TranscriptFiles.load(from: expand(path))
                apply(.loaded(transcript, path: path))
            } catch {
                apply(.fileFailed(error.description))
            }
        case .theme(let name?):
            apply(.themeLookedUp(ThemeCatalog.lookUp(name, environment: environment)))
        case .theme(nil):
            apply(.themesListed(ThemeCatalog.availableNames(environment: environment)))
        case .journal(let record):
            journal?.append(record)
        case .redraw:
            renderer.invalidate()
            repaint = true
        case .quit:
            break
        }
    }

    private func save(_ transcript: Transcript, to path: String) {
        let context = TranscriptFiles.Context(backend: connection.backend.rawValue, settings: state.settings)
        do {
            try TranscriptFiles.save(transcript, to: expand(path), context: context)
            apply(.saved(path: path))
        } catch {
            apply(.fileFailed(error.description))
        }
    }

    private func expand(_ path: String) -> String { (path as NSString).expandingTildeInPath }

    /// Streams a request on the concurrency pool; every event is handed to this thread through the inbox.
    private func startRequest(id: Int, request: CompletionRequest, stream: Bool) {
        let client = connection.client
        let inbox = inbox
        let wake = wake
        requests[id] = Task {
            func post(_ event: StreamEvent) {
                inbox.post(.stream(request: id, event: event, time: ChatRuntime.now()))
                wake.wake()
            }
            do {
                for try await event in client.events(request, stream: stream) {
                    switch event {
                    case .responseStarted(let info): post(.started(requestID: info.requestID))
                    case .retrying(let notice): post(.retrying(notice))
                    case .completion(let piece, let count):
                        if !piece.completion.isEmpty { post(.text(piece.completion, pieces: count)) }
                        if let reason = piece.stopReason { post(.finished(stopReason: reason, model: piece.model)) }
                    }
                }
                if Task.isCancelled { post(.failed(APIError(kind: .cancelled, message: "cancelled"))) }
            } catch let error as APIError {
                post(.failed(error))
            } catch {
                post(.failed(APIError(kind: .cancelled, message: "cancelled")))
            }
        }
    }

    /// Monotonic seconds.
    static func now() -> Double { ProcessInfo.processInfo.systemUptime }
}

/// Actions handed from network tasks to the UI thread.
final class ActionInbox: @unchecked Sendable {
    private let lock = NSLock()
    private var actions: [Action] = []

    /// Adds an action (from any thread).
    func post(_ action: Action) {
        lock.lock()
        actions.append(action)
        lock.unlock()
    }

    /// Merges runs of text pieces of the same request into actions of at most `limit` bytes of text (one re-wrap
    /// and one journal record per merged action instead of one per network read).
    static func mergingText(_ actions: [Action], limit: Int = 200_000) -> [Action] {
        guard actions.count > 1 else { return actions }
        var merged: [Action] = []
        merged.reserveCapacity(actions.count)
        var pending: (request: Int, text: String, pieces: Int, time: Double)?
        func flush() {
            if let run = pending {
                merged.append(.stream(request: run.request, event: .text(run.text, pieces: run.pieces), time: run.time))
            }
            pending = nil
        }
        for action in actions {
            if case .stream(let request, .text(let text, let pieces), let time) = action {
                if var run = pending, run.request == request, run.text.utf8.count + text.utf8.count <= limit {
                    pending = nil
                    run.text += text
                    run.pieces += pieces
                    run.time = time
                    pending = run
                } else {
                    flush()
                    pending = (request, text, pieces, time)
                }
            } else {
                flush()
                merged.append(action)
            }
        }
        flush()
        return merged
    }

    /// Takes every waiting action, oldest first.
    func drain() -> [Action] {
        lock.lock()
        defer { lock.unlock() }
        let taken = actions
        actions.removeAll(keepingCapacity: true)
        return taken
    }
}

/// An off-by-default trace of the run loop for the benchmarks (`scripts/bench-ui`, `scripts/bench-stream`), so that
/// keystroke latency, frame pacing and the time to the first frame are measured in the real program, not guessed.
///
/// With `TURNS_TRACE=PATH` set, the chat appends one line per event to PATH, each stamped with CLOCK_MONOTONIC in
/// nanoseconds (the same clock as Python's `time.monotonic_ns()`, so a driver can relate its own stamps):
///
///     start T                         the terminal is set up, before the first frame
///     key T NAME                      a key read from the terminal (NAME as /help writes it: "a", "Enter", "Ctrl-C")
///     paste T BYTES | resize T W H | wheel T ROWS
///     inbox T TOOK ACTIONS BYTES      actions from the network applied: TOOK ns, ACTIONS actions, BYTES of text
///     frame T TOOK CHANGES EDITOR STATE
///                                     a frame written to the terminal: T when written, TOOK ns to render, diff and
///                                     write it, CHANGES changed runs, EDITOR characters in the editor, STATE the
///                                     status bar's request state ("ready", "streaming 5200 tok/s", "done: max_tokens")
///
/// Unset (the normal case), the chat holds no trace: one nil check per batch of keys and per frame.
final class ChatTrace {
    private let file: UnsafeMutablePointer<FILE>

    /// The trace `TURNS_TRACE` asks for, or nil (also when the file cannot be opened: tracing never stops the chat).
    static func fromEnvironment() -> ChatTrace? {
        guard let path = ProcessInfo.processInfo.environment["TURNS_TRACE"], !path.isEmpty,
              let file = fopen(path, "a") else { return nil }
        return ChatTrace(file: file)
    }

    private init(file: UnsafeMutablePointer<FILE>) {
        self.file = file
    }

    deinit { fclose(file) }

    /// CLOCK_MONOTONIC in nanoseconds.
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// The terminal is ready; the first frame follows.
    func started() {
        write("start \(Self.now())")
        fflush(file)
    }

    /// Input just read from the terminal.
    func read(_ events: [InputEvent]) {
        let time = Self.now()
        for event in events {
            switch event {
            case .key(let press): write("key \(time) \(press)")
            case .paste(let text): write("paste \(time) \(text.utf8.count)")
            case .resize(let width, let height): write("resize \(time) \(width) \(height)")
            case .wheel(let rows): write("wheel \(time) \(rows)")
            }
        }
    }

    /// Actions from the network were applied: how many, how many text bytes they carried, and how long it took.
    func applied(started: UInt64, actions: [Action]) {
        var bytes = 0
        for case let .stream(_, .text(piece, _), _) in actions { bytes += piece.utf8.count }
        let time = Self.now()
        write("inbox \(time) \(time - started) \(actions.count) \(bytes)")
    }

    /// A frame was written to the terminal (at most ~60 a second, so each is flushed at once: a driver may read
    /// the trace while the chat runs).
    func drew(started: UInt64, changes: Int, editorCharacters: Int, request: String) {
        let time = Self.now()
        write("frame \(time) \(time - started) \(changes) \(editorCharacters) \(request)")
        fflush(file)
    }

    /// Flushes what is left (the chat is ending).
    func close() { fflush(file) }

    private func write(_ line: String) {
        fputs(line + "\n", file)
    }
}
