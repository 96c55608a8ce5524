import Foundation
import TurnsAPI
import TurnsCore
import TurnsTerminal
import TurnsUI

/// The chat's run loop: the one thread that owns ncurses. It sleeps in `poll` until a key, a network event or a
/// frame deadline, applies actions through `reduce`, carries out the effects, and draws at most one frame per
/// `frameInterval`, however many tokens arrived.
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
    private var requests: [Int: Task<Void, Never>] = [:]
    private var needsFrame = true
    private var lastFrame = -Double.infinity
    private var nextTick: Double?
    private let stopFlag = InterruptFlag()
    /// The environment the chat started with (`/theme` finds the user's themes through XDG_CONFIG_HOME and HOME).
    private let environment = ProcessInfo.processInfo.environment

    /// Prepares a chat over `connection`; nothing touches the terminal until `run()`.
    init(connection: BackendConnection, state: AppState, journal: SessionJournal?) {
        self.connection = connection
        self.state = state
        self.journal = journal
    }

    /// The conversation as it stood when the chat ended.
    var finalTranscript: Transcript { state.transcript }

    /// Runs the chat until the user quits (or SIGTERM/SIGHUP arrive); the terminal is restored on every path.
    func run() throws(TerminalError) {
        // Watched before the terminal changes, so a signal at any moment after ends the chat through the same exit.
        let watcher = SignalWatcher([SIGTERM, SIGHUP, SIGINT]) { [stopFlag, wake] _ in
            stopFlag.set()
            wake.wake()
        }
        defer { watcher.cancel() }
        try terminal.start(wake: wake)
        defer { terminal.stop() }
        let opening = state.transcript
        let size = terminal.size
        apply(.input(.resize(width: size.width, height: size.height)))
        // A loaded conversation is shown before it is journaled: writing a long one takes a while.
        drawFrame(at: Self.now())
        if !opening.turns.isEmpty { journal?.append(.replace(opening)) }
        if TranscriptFiles.asksForAnswer(opening) {
            // A loaded conversation that ends with a Human turn asks for its answer: Ctrl-R answers it.
            apply(.input(.key(.ctrl("r"))))
        }
        while !state.hasQuit && !stopFlag.isSet {
            wake.wait(forInputOn: 0, timeout: nextWakeTimeout())
            let now = Self.now()
            let events = terminal.readEvents() + terminal.flushEscape()
            if !events.isEmpty {
                apply(.tick(time: now))
                for event in events {
                    if case .resize = event { renderer.invalidate() }
                    apply(.input(event))
                }
            }
            for action in inbox.drain() { apply(action) }
            if let tick = nextTick, now >= tick { apply(.tick(time: now)) }
            // The status bar counts down retries and shows tokens/s, so it ticks once a second while a request runs.
            nextTick = state.request.isBusy ? (nextTick.map { $0 > now ? $0 : now + 1 } ?? now + 1) : nil
            if needsFrame && now - lastFrame >= Self.frameInterval { drawFrame(at: now) }
        }
        for task in requests.values { task.cancel() }
        journal?.flush(forceSync: true)
    }

    /// How long to sleep: until the next frame is due, the next status tick, or (idle) until woken.
    private func nextWakeTimeout() -> Double? {
        let now = Self.now()
        var timeout: Double?
        if needsFrame { timeout = max(0, lastFrame + Self.frameInterval - now) }
        if let tick = nextTick { timeout = min(timeout ?? .infinity, max(0, tick - now)) }
        if journal?.hasPendingText == true { timeout = min(timeout ?? .infinity, 1) }
        return timeout
    }

    /// Draws a frame; the first, and the first after `renderer.invalidate()`, repaints the whole terminal.
    private func drawFrame(at now: Double) {
        let repaint = renderer.shown == nil
        let frame = renderer.render(state)
        if let shown = renderer.shown {
            terminal.draw(shown, changes: frame.changes, cursor: frame.cursor, repaint: repaint)
        }
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
            let request = CompletionRequest(prompt: prompt, settings: settings, api: state.api)
            startRequest(id: id, request: request, stream: stream)
        case .cancel(let id):
            requests.removeValue(forKey: id)?.cancel()
        case let .save(transcript, path, overwrite):
            guard overwrite || !FileManager.default.fileExists(atPath: expand(path)) else {
                return apply(.fileExists(path: path))
            }
            let context = TranscriptFiles.Context(backend: connection.backend.rawValue, settings: state.settings)
            do {
                try TranscriptFiles.save(transcript, to: expand(path), context: context)
                apply(.saved(path: path))
            } catch {
                apply(.fileFailed(error.description))
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
        case .listModels:
            // The list comes over the network: fetched on the concurrency pool, handed back through the inbox.
            let (client, inbox, wake) = (connection.client, inbox, wake)
            Task {
                let result: Result<[ModelInfo], APIError>
                do throws(APIError) { result = .success(try await client.models()) } catch { result = .failure(error) }
                inbox.post(.modelsListed(result))
                wake.wake()
            }
        case .journal(let record):
            journal?.append(record)
        case .redraw:
            renderer.invalidate()
        case .quit:
            break
        }
    }

    private func expand(_ path: String) -> String { (path as NSString).expandingTildeInPath }

    /// Streams a request on the concurrency pool; every event is handed to this thread through the inbox.
    private func startRequest(id: Int, request: CompletionRequest, stream: Bool) {
        let (client, inbox, wake) = (connection.client, inbox, wake)
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
                    case .delta(let delta):
                        if !delta.text.isEmpty { post(.text(delta.text)) }
                        if let reason = delta.stopReason {
                            post(.finished(stopReason: reason, model: delta.model, usage: delta.usage))
                        }
                    case .completion(let completion):
                        if !completion.completion.isEmpty { post(.text(completion.completion)) }
                        if let reason = completion.stopReason {
                            post(.finished(stopReason: reason, model: completion.model, usage: completion.usage))
                        }
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

    /// Monotonic seconds (the chat's clock, and `--print`'s timings).
    static func now() -> Double { ProcessInfo.processInfo.systemUptime }
}

/// Actions handed from network tasks to the UI thread.
final class ActionInbox: @unchecked Sendable {
    private let lock = NSLock()
    private var actions: [Action] = []

    /// Adds an action (from any thread).
    func post(_ action: Action) {
        lock.withLock { actions.append(action) }
    }

    /// Takes every waiting action, oldest first.
    func drain() -> [Action] {
        lock.withLock {
            defer { actions.removeAll(keepingCapacity: true) }
            return actions
        }
    }
}
