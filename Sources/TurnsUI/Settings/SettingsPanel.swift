import Foundation
import TurnsCore

/// What the settings panel edits: the sampling settings, the system text and whether answers stream.
struct PanelValues: Sendable, Equatable {
    /// The settings of the next request.
    var settings: SamplingSettings
    /// The system text (nil: none).
    var system: String?
    /// True to stream answers.
    var streaming: Bool
    /// The models Left/Right cycle through on the model field (the backend's known models).
    var models: [String]
    /// Which API carries the next requests.
    var api: APIChoice
}

/// A row of the settings panel.
enum PanelField: Sendable, Hashable {
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

    /// The label shown for the field (and the name `/set` and `/unset` take).
    var label: String {
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

    /// The number field named `name` in `/set` and `/unset` (`max_tokens_to_sample`, the API's name, is max_tokens).
    static func named(_ name: String) -> PanelField? {
        name == "max_tokens_to_sample" ? .maxTokens : [.temperature, .topK, .topP, .maxTokens].first { $0.label == name }
    }

    /// Sets this number field from `text`, validated as a request would be; the error (naming the field as `name`,
    /// as the user typed it) says what to type instead.
    func setNumber(_ text: String, in settings: inout SamplingSettings, as name: String? = nil) throws(CommandError) {
        let name = name ?? label
        var candidate = settings
        switch self {
        case .temperature, .topP:
            guard let number = Double(text) else { throw CommandError("\(name) must be a number from 0 to 1, not \"\(text)\"") }
            if self == .temperature { candidate.temperature = number } else { candidate.topP = number }
        default:
            guard let number = Int(text) else { throw CommandError("\(name) must be a whole number, not \"\(text)\"") }
            if self == .topK { candidate.topK = number } else { candidate.maxTokensToSample = number }
        }
        settings = try SlashCommands.checked(candidate)
    }

    /// Returns an optional number field to the API's default; false for a field that has none.
    func unset(in settings: inout SamplingSettings) -> Bool {
        switch self {
        case .temperature: settings.temperature = nil
        case .topK: settings.topK = nil
        case .topP: settings.topP = nil
        default: return false
        }
        return true
    }
}

/// The settings panel (F2): move between fields, step numbers, type values, unset optional fields.
///
/// Every accepted change is applied to the values at once (the status bar shows it); an invalid value shows its
/// error in the panel and changes nothing.
struct SettingsPanel: Sendable, Equatable {
    /// The selected row.
    private(set) var selected = 0
    /// The value being typed into the selected field, if any.
    private(set) var typing: String?
    /// The last rejected value's error.
    private(set) var error: String?

    /// The rows for `values`: the fixed fields with one row per stop sequence.
    static func fields(for values: PanelValues) -> [PanelField] {
        [.model, .temperature, .topK, .topP, .maxTokens]
            + values.settings.stopSequences.indices.map { PanelField.stop($0) }
            + [.addStop, .system, .streaming, .api]
    }

    /// A field's value as shown: "default" for an unset optional field, `\n` escapes in texts.
    static func display(_ field: PanelField, _ values: PanelValues) -> String {
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

    /// Handles a key; changes `values` only with valid values. Returns false when the key closes the panel.
    mutating func handle(_ press: KeyPress, values: inout PanelValues) -> Bool {
        let fields = SettingsPanel.fields(for: values)
        selected = min(selected, fields.count - 1)
        let field = fields[selected]
        if typing != nil {
            handleTyping(press, field: field, values: &values)
            return true
        }
        let toggles = field == .streaming || field == .api
        switch (press.key, press.modifiers) {
        case (.escape, _), (.function(2), _):
            return false
        case (.up, _), (.down, _), (.tab, _):
            selected = press.key == .up ? max(0, selected - 1) : min(fields.count - 1, selected + 1)
            error = nil
        case (.left, let mods), (.right, let mods):
            let sign = press.key == .left ? -1 : 1
            step(field, by: sign, big: mods.contains(.shift), values: &values)
        case (.delete, _), (.backspace, _):
            unset(field, values: &values)
        case (.enter, _) where toggles, (.character(" "), []) where toggles:
            step(field, by: 1, big: false, values: &values)
        case (.enter, _):
            typing = SettingsPanel.editable(field, values)
        case (.character(let c), let mods) where mods.subtracting(.shift).isEmpty && !toggles:
            typing = String(c)
            error = nil
        default:
            break
        }
        return true
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

    mutating func handleTyping(_ press: KeyPress, field: PanelField, values: inout PanelValues) {
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
    }

    /// Parses and applies the typed value; on error keeps the typing open and shows why.
    mutating func commit(_ field: PanelField, values: inout PanelValues) {
        guard let text = typing else { return }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var candidate = values
        do throws(CommandError) {
            switch field {
            case .model:
                candidate.settings.model = trimmed
            case .temperature, .topK, .topP, .maxTokens:
                // An empty value or "default" unsets an optional field.
                if !(trimmed.isEmpty || trimmed == "default") || !field.unset(in: &candidate.settings) {
                    try field.setNumber(trimmed, in: &candidate.settings)
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
            candidate.settings = try SlashCommands.checked(candidate.settings)
        } catch {
            self.error = error.message
            return
        }
        values = candidate
        typing = nil
        error = nil
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
            candidate.api = SettingsPanel.cycle(APIChoice.allCases, from: values.api, by: sign)
        case .model:
            // Cycle through the backend's known models, from the current one (a typed name starts the cycle over).
            guard !values.models.isEmpty else { return }
            candidate.settings.model = SettingsPanel.cycle(values.models, from: values.settings.model, by: sign)
        default:
            return
        }
        error = nil
        values = candidate
    }

    /// The element `sign` steps from `current`, wrapping around; from an element not in `list`, the first or last.
    static func cycle<T: Equatable>(_ list: [T], from current: T, by sign: Int) -> T {
        let count = list.count
        let index = list.firstIndex(of: current).map { (($0 + sign) % count + count) % count }
        return list[index ?? (sign > 0 ? 0 : count - 1)]
    }

    /// A 0...1 value moved by 0.05, kept on the 0.05 grid and in range.
    static func stepped(_ value: Double, by sign: Int) -> Double {
        let next = ((value * 20).rounded() + Double(sign)) / 20
        return min(1, max(0, next))
    }

    mutating func unset(_ field: PanelField, values: inout PanelValues) {
        switch field {
        case .stop(let n): values.settings.stopSequences.remove(at: n)
        case .system: values.system = nil
        default:
            guard field.unset(in: &values.settings) else { return error = "\(field.label) has no default to return to" }
        }
        error = nil
    }
}
