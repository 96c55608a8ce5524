import TurnsCore

/// What the status bar shows: the backend and model, the settings that are set, and the request's state or a
/// one-line message (a command's error or result) that takes its place until the next key.
public struct StatusBarModel: Sendable, Equatable {
    /// "local", "anthropic", "bedrock".
    public var backend: String
    /// The settings of the next request (the model among them).
    public var settings: SamplingSettings
    /// The API the next request uses.
    public var api: AnthropicAPI
    /// The current request.
    public var request: RequestState
    /// A one-line message shown instead of the request state.
    public var message: StatusMessage?

    /// Creates a model.
    public init(backend: String, settings: SamplingSettings, api: AnthropicAPI = .complete, request: RequestState = .idle,
                message: StatusMessage? = nil) {
        self.backend = backend
        self.settings = settings
        self.api = api
        self.request = request
        self.message = message
    }
}

/// A one-line message for the status bar.
public struct StatusMessage: Sendable, Equatable {
    /// The text.
    public var text: String
    /// True for errors (shown in the error style).
    public var isError: Bool

    /// Creates a message.
    public init(_ text: String, isError: Bool) {
        self.text = text
        self.isError = isError
    }
}

/// Renders the status bar into one row, truncating gracefully: settings are dropped from the right first, then the
/// model is shortened with "…"; the request state keeps its place at the right edge.
public enum StatusBar {
    /// The parts of the left side, most important first: "backend · model", "messages" when that API carries the
    /// conversation, then each setting that is set.
    static func settingsParts(_ model: StatusBarModel) -> [String] {
        let s = model.settings
        var parts = ["\(model.backend) · \(s.model)"]
        // The transcript is Text Completions' own shape; the bar says so only when another API carries it.
        if model.api == .messages { parts.append("messages") }
        if let t = s.temperature { parts.append("temp \(formatNumber(t))") }
        if let k = s.topK { parts.append("top_k \(k)") }
        if let p = s.topP { parts.append("top_p \(formatNumber(p))") }
        parts.append("max \(s.maxTokensToSample)")
        if !s.stopSequences.isEmpty {
            parts.append(s.stopSequences.count == 1 ? "1 stop" : "\(s.stopSequences.count) stops")
        }
        return parts
    }

    /// The bar as plain text of exactly `width` cells (for tests; `draw` lays it out the same way).
    public static func line(_ model: StatusBarModel, width: Int) -> String {
        let (left, right) = layout(model, width: width)
        let gap = width - DisplayWidth.of(left) - DisplayWidth.of(right)
        return left + String(repeating: " ", count: max(0, gap)) + right
    }

    /// Draws the bar on row `y` of `screen`, from `x` over `width` cells.
    public static func draw(_ model: StatusBarModel, theme: Theme, into screen: inout ScreenBuffer, x: Int, y: Int, width: Int) {
        let bar = theme[.statusBar]
        screen.fill(Rect(x: x, y: y, width: width, height: 1), style: bar)
        let (left, right) = layout(model, width: width)
        screen.draw(left, x: x, y: y, style: bar, limit: x + width)
        var stateStyle = bar
        switch (model.message?.isError, model.request) {
        case (nil, .waiting), (nil, .streaming), (nil, .retrying): stateStyle = theme[.statusBusy]
        case (nil, .done): stateStyle = theme[.statusDone]
        case (true?, _), (nil, .failed):
            stateStyle.foreground = theme[.error].foreground
            stateStyle.attributes = theme[.error].attributes
        default: break
        }
        screen.draw(right, x: x + width - DisplayWidth.of(right), y: y, style: stateStyle, limit: x + width)
    }

    /// The left and right texts fitted to `width`: each side padded by one space when there is room.
    static func layout(_ model: StatusBarModel, width: Int) -> (left: String, right: String) {
        guard width > 0 else { return ("", "") }
        // The right side: the message if there is one, else the request state.
        let state = model.message?.text ?? model.request.summary
        var right = state + " "
        if DisplayWidth.of(right) > width { right = truncate(state, to: width) }
        let room = width - DisplayWidth.of(right) - 1  // at least one blank between the sides
        var parts = settingsParts(model)
        while parts.count > 1 && DisplayWidth.of(" " + parts.joined(separator: " · ")) > room { parts.removeLast() }
        let left = room > 1 ? truncate(" " + parts.joined(separator: " · "), to: room) : ""
        return (left, right)
    }

    /// The text cut to `cells` cells, ending in "…" when anything was cut.
    public static func truncate(_ text: String, to cells: Int) -> String {
        guard cells > 0 else { return "" }
        guard DisplayWidth.of(text) > cells else { return text }
        var result = ""
        var used = 0
        for cluster in text {
            let w = DisplayWidth.of(cluster)
            if used + w > cells - 1 { break }
            result.append(cluster)
            used += w
        }
        return result + "…"
    }

    /// A number as typed: whole values without ".0", others to at most two decimals.
    public static func formatNumber(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        if rounded == rounded.rounded(), abs(rounded) < 1e15 { return String(Int(rounded)) }
        return String(rounded)
    }
}
