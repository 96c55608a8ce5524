import Foundation
import TurnsAPI

/// A Bedrock text-completion body as `JSONDecoder` reads it, refusing what Bedrock refuses, in its words.
struct BedrockBody: Decodable {
    /// The request (its model is the route's, set by the caller).
    var request = CompletionRequest(model: "", prompt: "", maxTokensToSample: 0)

    init(from decoder: any Decoder) throws {
        guard let fields = try? decoder.container(keyedBy: ServeJSON.AnyKey.self) else {
            throw BedrockServer.RequestError("Malformed input request: expected type: JSONObject, please reformat your "
                + "input and try again.")
        }
        let known = ["prompt", "max_tokens_to_sample", "temperature", "top_p", "top_k", "stop_sequences", "anthropic_version",
                     "anthropic_beta"]
        if let extraneous = fields.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            throw BedrockServer.RequestError("Malformed input request: extraneous key [\(extraneous.prefix(64))] is not "
                + "permitted, please reformat your input and try again.")
        }
        func value<T: Decodable>(_ type: T.Type, _ key: String, _ typeName: String) throws -> T? {
            let codingKey = ServeJSON.AnyKey(key)
            guard fields.contains(codingKey) else { return nil }
            do { return try fields.decode(T.self, forKey: codingKey) } catch { throw BedrockServer.RequestError.wrongType(key, typeName) }
        }
        guard let prompt = try value(String.self, "prompt", "String") else { throw BedrockServer.RequestError.missingKey("prompt") }
        guard let maxTokens = try value(Int.self, "max_tokens_to_sample", "Integer") else {
            throw BedrockServer.RequestError.missingKey("max_tokens_to_sample")
        }
        request.prompt = prompt
        request.maxTokensToSample = maxTokens
        request.temperature = try value(Double.self, "temperature", "Number")
        request.topP = try value(Double.self, "top_p", "Number")
        request.topK = try value(Int.self, "top_k", "Integer")
        let stops = ServeJSON.AnyKey("stop_sequences")
        if fields.contains(stops) {
            guard (try? fields.nestedUnkeyedContainer(forKey: stops)) != nil else {
                throw BedrockServer.RequestError.wrongType("stop_sequences", "JSONArray")
            }
            request.stopSequences = try value([String].self, "stop_sequences", "JSONArray of String") ?? []
        }
        _ = try value(String.self, "anthropic_version", "String")
    }
}
