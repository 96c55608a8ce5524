/// The sampling settings of a completion request. Optional fields left nil are omitted from the request.
public struct SamplingSettings: Sendable, Equatable, Hashable {
    /// The model to ask.
    public var model: String
    /// The most tokens to generate (required, at least 1).
    public var maxTokensToSample: Int
    /// Randomness, 0 to 1 (nil: the server's default, 1).
    public var temperature: Double?
    /// Sample only from the K likeliest tokens, K at least 1 (nil: no limit).
    public var topK: Int?
    /// Nucleus sampling, 0 to 1 (nil: no limit).
    public var topP: Double?
    /// Extra texts that end the answer (empty: none beyond the built-in `"\n\nHuman:"`).
    public var stopSequences: [String]

    /// The defaults used when nothing else is configured.
    public static let defaultModel = "claude-sonnet-4-5"
    /// The default answer length in tokens.
    public static let defaultMaxTokens = 1024

    /// Creates settings.
    public init(model: String = SamplingSettings.defaultModel, maxTokensToSample: Int = SamplingSettings.defaultMaxTokens,
                temperature: Double? = nil, topK: Int? = nil, topP: Double? = nil, stopSequences: [String] = []) {
        self.model = model
        self.maxTokensToSample = maxTokensToSample
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.stopSequences = stopSequences
    }

    /// Checks every field; the first invalid one is reported by name, value and allowed range.
    public func validate() throws(SettingsError) {
        if model.allSatisfy(\.isWhitespace) {
            throw SettingsError(field: .model, value: "\"\(model)\"", allowed: "a non-empty model name")
        }
        try Self.check(.maxTokensToSample, Double(maxTokensToSample))
        if let t = temperature { try Self.check(.temperature, t) }
        if let k = topK { try Self.check(.topK, Double(k)) }
        if let p = topP { try Self.check(.topP, p) }
        for stop in stopSequences where stop.isEmpty {
            throw SettingsError(field: .stopSequences, value: "\"\"", allowed: "non-empty strings")
        }
    }

    /// Checks a number against its field's range; the one place the ranges are written (the config file uses it).
    public static func check(_ field: SettingsField, _ value: Double) throws(SettingsError) {
        let allowed: String
        let inRange: Bool
        switch field {
        case .maxTokensToSample, .topK: (allowed, inRange) = ("an integer >= 1", value >= 1)
        case .temperature, .topP: (allowed, inRange) = ("a number from 0 to 1", value >= 0 && value <= 1)
        case .model, .stopSequences: return
        }
        if !inRange { throw SettingsError(field: field, value: SettingsError.format(value), allowed: allowed) }
    }

    /// True when both temperature and top_p are set, which the API's documentation advises against.
    public var setsBothTemperatureAndTopP: Bool { temperature != nil && topP != nil }

    /// The API's advice shown when both temperature and top_p are changed.
    public static let temperatureTopPAdvice = "You should either alter temperature or top_p, but not both."
}

/// A setting's field, named as in the API.
public enum SettingsField: String, Sendable, CaseIterable {
    /// `model`
    case model
    /// `max_tokens_to_sample`
    case maxTokensToSample = "max_tokens_to_sample"
    /// `temperature`
    case temperature
    /// `top_k`
    case topK = "top_k"
    /// `top_p`
    case topP = "top_p"
    /// `stop_sequences`
    case stopSequences = "stop_sequences"
}

/// An invalid setting: which field, what value, and what is allowed.
public struct SettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The field that is wrong.
    public var field: SettingsField
    /// The rejected value, as the user wrote it.
    public var value: String
    /// What the field accepts.
    public var allowed: String

    /// Creates an error.
    public init(field: SettingsField, value: String, allowed: String) {
        self.field = field
        self.value = value
        self.allowed = allowed
    }

    /// "invalid temperature 1.5: must be a number from 0 to 1"
    public var description: String { "invalid \(field.rawValue) \(value): must be \(allowed)" }

    /// Formats a number without a trailing ".0" for whole values.
    static func format(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }
}
