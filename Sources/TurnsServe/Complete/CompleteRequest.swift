import TurnsCore

/// A checked `POST /v1/complete` body (PROTOCOL.md A.2).
struct CompleteRequest: Equatable {
    /// The prompt, already checked to start with a Human turn and end with an Assistant turn.
    var prompt: String
    /// model, max_tokens_to_sample, temperature, top_k, top_p and stop_sequences, all in range.
    var settings: SamplingSettings
    /// True for a server-sent-events answer.
    var stream: Bool

    /// Reads and checks a request body. Errors are 400 `invalid_request_error` naming the field and what it
    /// accepts (the same ranges and wording as the client's own checks), or the API's prompt messages.
    ///
    /// Ranges: max_tokens_to_sample an integer >= 1; temperature 0–1; top_k an integer >= 1 (the API's docs give no
    /// range; the client refuses 0 too, so both sides agree); top_p 0–1; stop_sequences non-empty strings.
    /// A `null` optional field counts as absent. Unknown fields (e.g. `metadata`) are ignored.
    static func parse(body: UnsafeRawBufferPointer) -> Result<CompleteRequest, ServeError> {
        let json: JSONValue
        do {
            json = try JSONValue.parse(bytes: body.bindMemory(to: UInt8.self))
        } catch {
            return .failure(.invalidRequest("request body is not valid JSON: \(error.description)"))
        }
        guard json.objectValue != nil else { return .failure(.invalidRequest("request body must be a JSON object")) }
        do {
            return .success(try parse(object: json))
        } catch let error as SettingsError {
            return .failure(.invalidRequest(error.description))
        } catch let error as ServeError {
            return .failure(error)
        } catch {
            return .failure(.invalidRequest(String(describing: error)))
        }
    }

    private static func parse(object json: JSONValue) throws -> CompleteRequest {
        func present(_ key: String) -> JSONValue? {
            guard let value = json[key], !value.isNull else { return nil }
            return value
        }
        func required(_ key: String) throws -> JSONValue {
            guard let value = present(key) else { throw ServeError.invalidRequest("\(key): field required") }
            return value
        }
        func wrongType(_ field: SettingsField, _ value: JSONValue, _ allowed: String) -> SettingsError {
            SettingsError(field: field, value: value.jsonText, allowed: allowed)
        }

        let modelValue = try required("model")
        guard let model = modelValue.stringValue else { throw wrongType(.model, modelValue, "a non-empty model name") }
        let promptValue = try required("prompt")
        guard let prompt = promptValue.stringValue else {
            throw ServeError.invalidRequest("invalid prompt \(promptValue.jsonText): must be a string")
        }
        let maxValue = try required("max_tokens_to_sample")
        guard let maxTokens = maxValue.intValue else { throw wrongType(.maxTokensToSample, maxValue, "an integer >= 1") }

        var settings = SamplingSettings(model: model, maxTokensToSample: maxTokens)
        if let value = present("temperature") {
            guard let t = value.doubleValue else { throw wrongType(.temperature, value, "a number from 0 to 1") }
            settings.temperature = t
        }
        if let value = present("top_k") {
            guard let k = value.intValue else { throw wrongType(.topK, value, "an integer >= 1") }
            settings.topK = k
        }
        if let value = present("top_p") {
            guard let p = value.doubleValue else { throw wrongType(.topP, value, "a number from 0 to 1") }
            settings.topP = p
        }
        if let value = present("stop_sequences") {
            guard let items = value.arrayValue else { throw wrongType(.stopSequences, value, "an array of non-empty strings") }
            settings.stopSequences = try items.map { item in
                guard let text = item.stringValue else { throw wrongType(.stopSequences, item, "non-empty strings") }
                return text
            }
        }
        var stream = false
        if let value = present("stream") {
            guard let flag = value.boolValue else {
                throw ServeError.invalidRequest("invalid stream \(value.jsonText): must be true or false")
            }
            stream = flag
        }
        try settings.validate()
        if let problem = PromptFormat.validate(prompt) { throw ServeError.invalidRequest(problem.description) }
        return CompleteRequest(prompt: prompt, settings: settings, stream: stream)
    }
}
