import TurnsCore

/// The parameters of one Text Completions request, named as in the official SDK.
public struct CompletionRequest: Sendable, Hashable {
    /// The model to ask, e.g. `"claude-2.1"` (on Bedrock: the model id, e.g. `"anthropic.claude-v2:1"`).
    public var model: String
    /// The whole prompt: alternating `"\n\nHuman:"` / `"\n\nAssistant:"` turns ending with `"\n\nAssistant:"`.
    public var prompt: String
    /// The most tokens to generate (at least 1).
    public var maxTokensToSample: Int
    /// Extra texts that end the answer.
    public var stopSequences: [String]?
    /// Randomness from 0 to 1.
    public var temperature: Double?
    /// Sample only from the K likeliest tokens.
    public var topK: Int?
    /// Nucleus sampling, 0 to 1.
    public var topP: Double?
    /// An opaque id of the end user (`metadata.user_id`).
    public var userID: String?
    /// Which API carries the request: `/v1/complete` unless set (`.auto` picks Messages for models after Claude 2).
    public var api: APIChoice = .complete
    /// Messages sent as they are in place of `prompt` (the Messages API only: `client.messages`).
    public var messages: MessagesPrompt?

    /// Creates a request.
    public init(model: String, prompt: String, maxTokensToSample: Int, stopSequences: [String]? = nil,
                temperature: Double? = nil, topK: Int? = nil, topP: Double? = nil, userID: String? = nil) {
        self.model = model
        self.prompt = prompt
        self.maxTokensToSample = maxTokensToSample
        self.stopSequences = stopSequences
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.userID = userID
    }

    /// Creates a request from a prompt and the chat's sampling settings (empty stop list = none sent).
    public init(prompt: String, settings: SamplingSettings, api: APIChoice = .complete) {
        self.init(model: settings.model, prompt: prompt, maxTokensToSample: settings.maxTokensToSample,
                  stopSequences: settings.stopSequences.isEmpty ? nil : settings.stopSequences,
                  temperature: settings.temperature, topK: settings.topK, topP: settings.topP)
        self.api = api
    }

    /// The request's `metadata` object, as the SDK's `metadata` parameter (the same value as `userID`).
    public var metadata: Metadata? {
        get { userID.map { Metadata(userID: $0) } }
        set { userID = newValue?.userID }
    }

    /// The `metadata` object of a request: an opaque id of the end user, for the provider's abuse detection.
    public struct Metadata: Sendable, Hashable {
        /// Sent as `metadata.user_id`: a UUID or hash, never a name, email address or phone number.
        public var userID: String?

        /// Creates metadata.
        public init(userID: String? = nil) {
            self.userID = userID
        }
    }

    /// The sampling settings this request carries.
    public var settings: SamplingSettings {
        SamplingSettings(model: model, maxTokensToSample: maxTokensToSample, temperature: temperature,
                         topK: topK, topP: topP, stopSequences: stopSequences ?? [])
    }
}

/// The `"\n\nHuman:"` marker, as the SDK's `HUMAN_PROMPT`.
public let humanPrompt = PromptFormat.humanMarker
/// The `"\n\nAssistant:"` marker, as the SDK's `AI_PROMPT`.
public let aiPrompt = PromptFormat.assistantMarker
