import TurnsCore
import TurnsAPI

/// The whole state of the chat. Only `reduce` changes it; `AppView.render` draws it.
///
/// Keep one `AppState` and mutate it in place: a copy held elsewhere would share the last turn's text and make
/// every streamed piece copy it.
public struct AppState: Sendable {
    /// The conversation.
    public internal(set) var transcript: Transcript
    /// The transcript laid out for the pane.
    public internal(set) var layout: TranscriptLayout
    /// The message being written.
    public internal(set) var editor: InputEditor
    /// The settings of the next request.
    public internal(set) var settings: SamplingSettings
    /// True to stream answers.
    public internal(set) var streaming: Bool
    /// Which API the next requests use (`/api`).
    public internal(set) var api: APIChoice
    /// "local", "anthropic", "bedrock".
    public let backend: String
    /// The current request's state.
    public internal(set) var request: RequestState = .idle
    /// A one-line message in the status bar until the next key.
    public internal(set) var message: StatusMessage?
    /// Screen columns.
    public internal(set) var width: Int
    /// Screen rows.
    public internal(set) var height: Int
    /// The request whose events are applied (nil when none is under way).
    public internal(set) var activeRequest: Int?
    /// The settings panel, when open.
    var panel: SettingsPanel?
    /// Lines shown over the transcript until the next key (the help, the model list), or nil.
    public internal(set) var overlay: [String]?
    /// The models `GET /v1/models` listed, fetched once by `/models` or Tab after `/model `; nil until then.
    public internal(set) var models: [ModelInfo]?
    /// What to do with the model list once it arrives (nil: no fetch under way).
    var modelsWanted: ModelsPurpose?
    /// The colours.
    public var theme: Theme
    /// The question asked on the status bar's row (a save path, an overwrite confirmation), if any.
    public internal(set) var linePrompt: LinePrompt?
    /// Where Ctrl-S proposes to save (`$XDG_DATA_HOME/turns/transcripts`).
    public var saveFolder = "transcripts"
    /// True once the user asked to quit.
    public internal(set) var hasQuit = false

    var nextRequest = 1
    var now: Double = 0
    var requestSentTime: Double?
    /// Changes to the conversation not yet handed to the run loop as `.journal` effects.
    var pendingJournal: [JournalRecord] = []
    var firstTextTime: Double?
    var pieces = 0
    var retryDeadline: Double?

    /// The smallest screen the chat lays itself out on; below it a notice is shown instead.
    public static let minimumSize = (width: 40, height: 8)

    /// Creates the state of a chat.
    public init(backend: String, settings: SamplingSettings, transcript: Transcript = Transcript(), streaming: Bool = true,
                api: APIChoice = .auto, width: Int, height: Int, theme: Theme = .default, history: [String] = []) {
        self.backend = backend
        self.api = api
        self.settings = settings
        self.transcript = transcript
        self.streaming = streaming
        self.width = max(1, width)
        self.height = max(1, height)
        self.theme = theme
        editor = InputEditor(width: max(1, self.width - EditorView.promptWidth), maxHeight: max(1, self.height / 3),
                             history: history)
        layout = TranscriptLayout(width: self.width, height: max(0, self.height - editor.visibleHeight - 1))
        layout.reload(transcript)
    }

    /// Shows a one-line message in the status bar until the next key (a start-up notice, a warning).
    public mutating func showNotice(_ text: String, isError: Bool = false) {
        message = StatusMessage(text, isError: isError)
    }

    /// True when the screen is smaller than `minimumSize`.
    public var isTooSmall: Bool { width < AppState.minimumSize.width || height < AppState.minimumSize.height }

    /// What the status bar shows.
    public var statusBar: StatusBarModel {
        StatusBarModel(backend: backend, settings: settings, api: api.api(forModel: settings.model), request: request,
                       message: message)
    }

    /// What the settings panel edits.
    var panelValues: PanelValues {
        PanelValues(settings: settings, system: transcript.system, streaming: streaming,
                    models: BackendKind(rawValue: backend)?.knownModels ?? [], api: api)
    }

    /// Where each part of the screen goes.
    public var frame: Frame {
        let editorHeight = editor.visibleHeight
        let statusRow = max(0, height - editorHeight - 1)
        return Frame(transcript: Rect(x: 0, y: 0, width: width, height: statusRow), statusRow: statusRow,
                     editor: Rect(x: 0, y: statusRow + 1, width: width, height: editorHeight))
    }

    /// The screen split into the transcript pane, the status bar row and the editor.
    public struct Frame: Sendable, Equatable {
        /// The transcript pane.
        public var transcript: Rect
        /// The status bar's row.
        public var statusRow: Int
        /// The input editor.
        public var editor: Rect
    }

    /// Fits the editor (a third of the screen at most) and the transcript pane (the rest) to the screen.
    mutating func syncSizes() {
        editor.resize(width: max(1, width - EditorView.promptWidth), maxHeight: max(1, height / 3))
        let pane = frame.transcript
        layout.resize(width: pane.width, height: pane.height, transcript)
    }
}
