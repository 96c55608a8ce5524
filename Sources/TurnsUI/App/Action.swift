import TurnsCore
import TurnsAPI

/// Everything that can change the app's state: input, the stream of the current request, time, and the results
/// of effects. Only `reduce` applies actions.
public enum Action: Sendable {
    /// A key, a paste, the wheel or a resize.
    case input(InputEvent)
    /// An event of request `request` (events of a cancelled or older request are ignored), at monotonic `time`.
    case stream(request: Int, event: StreamEvent, time: Double)
    /// The clock (monotonic seconds): the run loop ticks about once a second while a request is retrying or streaming.
    case tick(time: Double)
    /// A transcript was loaded from `path`.
    case loaded(Transcript, path: String)
    /// The transcript was saved to `path`.
    case saved(path: String)
    /// Saving or loading failed; the message says why.
    case fileFailed(String)
    /// A save without `overwrite` found the file already there: ask before replacing it.
    case fileExists(path: String)
    /// `/theme NAME` was looked up: switch to the theme, or say why not and keep the one there is.
    case themeLookedUp(Result<Theme, CommandError>)
    /// `/theme` listed the names of the themes there are.
    case themesListed([String])
    /// The API listed its models (`/models`, or Tab after `/model `), or could not.
    case modelsListed(Result<[ModelInfo], APIError>)
}

/// What the engine reports about a request, translated from `CompletionEvent` and the stream's end.
public enum StreamEvent: Sendable {
    /// The server accepted the request.
    case started(requestID: String?)
    /// New text of the answer (one network read's worth).
    case text(String)
    /// An attempt failed and another will follow.
    case retrying(RetryNotice)
    /// The answer is complete, with the tokens the server counted, if it did.
    case finished(stopReason: String?, model: String?, usage: TokenUsage? = nil)
    /// The request failed for good (a `.cancelled` error marks the answer interrupted).
    case failed(APIError)
}

/// Work for the run loop to do; it answers with actions.
public enum Effect: Sendable, Equatable {
    /// Send a completion request; answer with `.stream(request: id, …)` actions.
    case send(request: Int, prompt: String, settings: SamplingSettings, stream: Bool)
    /// Cancel request `id` at once (its later events are ignored anyway).
    case cancel(request: Int)
    /// Save the transcript; answer with `.saved` or `.fileFailed`, or with `.fileExists` when the file is there and
    /// `overwrite` is false.
    case save(Transcript, path: String, overwrite: Bool)
    /// Load a transcript; answer with `.loaded` or `.fileFailed`.
    case load(path: String)
    /// Look up the theme `name` (the user's theme files are read), or list the themes when nil; answer with
    /// `.themeLookedUp` or `.themesListed`.
    case theme(name: String?)
    /// Ask the API for its models (`GET /v1/models`) off the UI thread; answer with `.modelsListed`.
    case listModels
    /// Append a record to the session journal (every change to the conversation is journaled as it happens).
    case journal(JournalRecord)
    /// Repaint every cell of the screen on the next frame.
    case redraw
    /// Restore the terminal and exit.
    case quit
}
