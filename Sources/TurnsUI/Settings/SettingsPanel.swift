import TurnsCore

/// What the settings panel edits: the sampling settings, the system text and whether answers stream.
public struct PanelValues: Sendable, Equatable {
    /// The settings of the next request.
    public var settings: SamplingSettings
    /// The system text (nil: none).
    public var system: String?
    /// True to stream answers.
    public var streaming: Bool
    /// The models Left/Right cycle through on the model field (the backend's known models).
    public var models: [String]
    /// Which API carries the next requests.
    public var api: APIChoice

    /// Creates values.
    public init(settings: SamplingSettings, system: String?, streaming: Bool, models: [String] = [], api: APIChoice = .auto) {
        self.settings = settings
        self.system = system
        self.streaming = streaming
        self.models = models
        self.api = api
    }
}

/// A row of the settings panel.
public enum PanelField: Sendable, Hashable {
    /// `model`.
    case model
    /// `temperature`.
    case temperature
    /// `top_k`.
    case topK
    /// `top_p`.
    case topP
    /// `max_tokens_to_sample`.
    case maxTokens
    /// Stop sequence number `n` (from 0).
    case stop(Int)
    /// The row that adds a stop sequence.
    case addStop
    /// The system text.
    case system
    /// Streaming on or off.
    case streaming
    /// The API: auto, complete or messages.
    case api

    /// The label shown for the field.
    public var label: String {
        switch self {
        case .model: return "model"
        case .temperature: return "temperature"
        case .topK: return "top_k"
        case .topP: return "top_p"
        case .maxTokens: return "max_tokens"
        case .stop(let n): return "stop \(n + 1)"
        case .addStop: return "stop +"
        case .system: return "system"
        case .streaming: return "streaming"
        case .api: return "api"
        }
    }
}

/// The settings panel (F2): move between fields, step numbers, type values, unset optional fields.
///
/// Every accepted change is applied to the values at once (the status bar shows it); an invalid value shows its
/// error in the panel and changes nothing.
public struct SettingsPanel: Sendable, Equatable {
    /// The selected row.
    public private(set) var selected = 0
    /// The value being typed into the selected field, if any.
    public private(set) var typing: String?
    /// The last rejected value's error.
    public private(set) var error: String?

    /// Creates a panel with the first field selected.
    public init() {}

    /// What a key did.
    public enum Outcome: Sendable, Equatable {
        /// The panel stays open.
        case stay
        /// The panel closes.
        case close
    }

    /// The rows for `values`: the fixed fields with one row per stop sequence.
    public static func fields(for values: PanelValues) -> [PanelField] {
        [.model, .temperature, .topK, .topP, .maxTokens]
            + values.settings.stopSequences.indices.map { PanelField.stop($0) }
            + [.addStop, .system, .streaming, .api]
    }

    /// The selected field.
    public func selectedField(_ values: PanelValues) -> PanelField {
        let fields = SettingsPanel.fields(for: values)
        return fields[min(selected, fields.count - 1)]
    }

    /// The API's advice, shown while both temperature and top_p are set.
    public func advice(_ values: PanelValues) -> String? {
        values.settings.setsBothTemperatureAndTopP ? SamplingSettings.temperatureTopPAdvice : nil
    }

    /// A field's value as shown: "default" for an unset optional field, `\n` escapes in texts.
    public static func display(_ field: PanelField, _ values: PanelValues) -> String {
        let s = values.settings
        switch field {
        case .model: return s.model
        case .temperature: return s.temperature.map(StatusBar.formatNumber) ?? "default"
        case .topK: return s.topK.map(String.init) ?? "default"
        case .topP: return s.topP.map(StatusBar.formatNumber) ?? "default"
        case .maxTokens: return String(s.maxTokensToSample)
        case .stop(let n): return n < s.stopSequences.count ? EscapedText.escape(s.stopSequences[n]) : ""
        case .addStop: return "(type to add)"
        case .system: return values.system.map(EscapedText.escape) ?? "none"
        case .streaming: return values.streaming ? "on" : "off"
        case .api:
            let path = values.api.api(forModel: values.settings.model) == .messages ? "/v1/messages" : "/v1/complete"
            return "\(values.api.rawValue) (\(path))"
        }
    }

    /// Handles a key; changes `values` only with valid values.
    public mutating func handle(_ press: KeyPress, values: inout PanelValues) -> Outcome {
        let fields = SettingsPanel.fields(for: values)
        selected = min(selected, fields.count - 1)
        let field = fields[selected]
        if typing != nil { return handleTyping(press, field: field, values: &values) }
        switch (press.key, press.modifiers) {
        case (.escape, _), (.function(2), _):
            return .close
        case (.up, _):
            selected = max(0, selected - 1)
            error = nil
        case (.down, _), (.tab, _):
            selected = min(fields.count - 1, selected + 1)
            error = nil
        case (.left, let mods), (.right, let mods):
            let sign = press.key == .left ? -1 : 1
            step(field, by: sign, big: mods.contains(.shift), values: &values)
        case (.delete, _), (.backspace, _):
            unset(field, values: &values)
        case (.enter, _) where field == .streaming || field == .api:
            step(field, by: 1, big: false, values: &values)
        case (.character(" "), []) where field == .streaming || field == .api:
            step(field, by: 1, big: false, values: &values)
        case (.enter, _):
            typing = SettingsPanel.editable(field, values)
        case (.character(let c), let mods) where mods.subtracting(.shift).isEmpty && field != .streaming && field != .api:
            typing = String(c)
            error = nil
        default:
            break
        }
        return .stay
    }

    /// The text a field starts from when Enter begins editing it.
    static func editable(_ field: PanelField, _ values: PanelValues) -> String {
        let shown = display(field, values)
        switch field {
        case .addStop: return ""
        case .system: return values.system.map(EscapedText.escape) ?? ""
        case .temperature, .topK, .topP: return shown == "default" ? "" : shown
        default: return shown
        }
    }

    mutating func handleTyping(_ press: KeyPress, field: PanelField, values: inout PanelValues) -> Outcome {
        switch (press.key, press.modifiers) {
        case (.escape, _):
            typing = nil
            error = nil
        case (.backspace, _):
            if typing?.isEmpty == false { typing?.removeLast() }
        case (.enter, _):
            commit(field, values: &values)
        case (.up, _), (.down, _), (.tab, _):
            commit(field, values: &values)
            if typing == nil {
                let count = SettingsPanel.fields(for: values).count
                selected = press.key == .up ? max(0, selected - 1) : min(count - 1, selected + 1)
            }
        case (.character(let c), let mods) where mods.subtracting(.shift).isEmpty:
            typing?.append(c)
        default:
            break
        }
        return .stay
    }

    /// Parses and applies the typed value; on error keeps the typing open and shows why.
    mutating func commit(_ field: PanelField, values: inout PanelValues) {
        guard let text = typing else { return }
        let trimmed = text.trimmingCharacters()
        var candidate = values
        switch field {
        case .model:
            candidate.settings.model = trimmed
        case .temperature, .topP:
            let label = field == .temperature ? "temperature" : "top_p"
            var value: Double?
            if !trimmed.isEmpty && trimmed != "default" {
                guard let parsed = Double(trimmed) else { return reject("\(label) must be a number from 0 to 1, not \"\(trimmed)\"") }
                value = parsed
            }
            if field == .temperature { candidate.settings.temperature = value } else {
                candidate.settings.topP = value
            }
        case .topK, .maxTokens:
            let label = field == .topK ? "top_k" : "max_tokens"
            if field == .topK && (trimmed.isEmpty || trimmed == "default") {
                candidate.settings.topK = nil
            } else {
                guard let parsed = Int(trimmed) else { return reject("\(label) must be a whole number, not \"\(trimmed)\"") }
                if field == .topK { candidate.settings.topK = parsed } else { candidate.settings.maxTokensToSample = parsed }
            }
        case .stop(let n):
            if trimmed.isEmpty {
                candidate.settings.stopSequences.remove(at: n)
            } else {
                candidate.settings.stopSequences[n] = EscapedText.unescape(text)
            }
        case .addStop:
            guard !text.isEmpty else { typing = nil; return }
            candidate.settings.stopSequences.append(EscapedText.unescape(text))
        case .system:
            candidate.system = text.isEmpty ? nil : EscapedText.unescape(text)
        case .streaming, .api:
            break
        }
        do {
            try candidate.settings.validate()
        } catch {
            return reject(error.description)
        }
        values = candidate
        typing = nil
        error = nil
    }

    mutating func reject(_ message: String) {
        error = message
    }

    mutating func step(_ field: PanelField, by sign: Int, big: Bool, values: inout PanelValues) {
        var candidate = values
        switch field {
        case .temperature:
            candidate.settings.temperature = SettingsPanel.stepped(values.settings.temperature ?? 1, by: sign)
        case .topP:
            candidate.settings.topP = SettingsPanel.stepped(values.settings.topP ?? 1, by: sign)
        case .topK:
            candidate.settings.topK = max(1, (values.settings.topK ?? 0) + sign * (big ? 10 : 1))
        case .maxTokens:
            candidate.settings.maxTokensToSample = max(1, values.settings.maxTokensToSample + sign * (big ? 10 : 1))
        case .streaming:
            candidate.streaming.toggle()
        case .api:
            let all = APIChoice.allCases
            let index = all.firstIndex(of: values.api) ?? 0
            candidate.api = all[((index + sign) % all.count + all.count) % all.count]
        case .model:
            // Cycle through the backend's known models, from the current one (a typed name starts the cycle over).
            guard !values.models.isEmpty else { return }
            let current = values.models.firstIndex(of: values.settings.model)
            let count = values.models.count
            let next = current.map { (($0 + sign) % count + count) % count } ?? (sign > 0 ? 0 : count - 1)
            candidate.settings.model = values.models[next]
        default:
            return
        }
        error = nil
        values = candidate
    }

    /// A 0...1 value moved by 0.05, kept on the 0.05 grid and in range.
    static func stepped(_ value: Double, by sign: Int) -> Double {
        let next = ((value * 20).rounded() + Double(sign)) / 20
        return min(1, max(0, next))
    }

    mutating func unset(_ field: PanelField, values: inout PanelValues) {
        switch field {
        case .temperature: values.settings.temperature = nil
        case .topK: values.settings.topK = nil
        case .topP: values.settings.topP = nil
        case .stop(let n):
            values.settings.stopSequences.remove(at: n)
        case .system: values.system = nil
        default:
            error = "\(field.label) has no default to return to"
            return
        }
        error = nil
    }
}


extension String {
    /// Without leading and trailing whitespace.
    func trimmingCharacters() -> String {
        var s = Substring(self)
        while s.first?.isWhitespace == true { s.removeFirst() }
        while s.last?.isWhitespace == true { s.removeLast() }
        return String(s)
    }
}
