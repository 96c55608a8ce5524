import Foundation
import TurnsHTTP

/// A model the API offers, as `GET /v1/models` lists it.
public struct ModelInfo: Sendable, Hashable, Decodable {
    /// The id to send as `model`, e.g. `claude-sonnet-4-5-20250929`.
    public var id: String
    /// The name for people, e.g. `Claude Sonnet 4.5`.
    public var displayName: String?
    /// When the model was released (RFC 3339), as the API says.
    public var createdAt: String?

    enum CodingKeys: String, CodingKey {
        case id, displayName = "display_name", createdAt = "created_at"
    }
}

/// One page of `GET /v1/models`.
private struct ModelPage: Decodable {
    var data: [ModelInfo]
    var hasMore: Bool?
    var lastID: String?

    enum CodingKeys: String, CodingKey {
        case data, hasMore = "has_more", lastID = "last_id"
    }
}

extension CompletionsClient {
    /// Every model the API lists, newest first, page by page (the SDK's `client.models.list()`, iterated).
    /// Failed pages are retried as completions are.
    ///
    /// - Throws: `APIError`; of kind `.invalidRequest` on Bedrock, whose runtime endpoint lists no models.
    public func models() async throws(APIError) -> [ModelInfo] {
        guard case .anthropic(let apiKey, let baseURL) = configuration.backend else {
            throw APIError(kind: .invalidRequest,
                           message: "Bedrock lists its models in the AWS console (ListFoundationModels), not through turns; pass a model id with --model")
        }
        let wire = AnthropicWire(apiKey: apiKey, authToken: configuration.authToken, baseURL: baseURL,
                                 extraHeaders: configuration.extraHeaders)
        var models: [ModelInfo] = []
        var afterID: String?
        // A bound on pages, so a server that always says "has_more" cannot keep the client asking.
        for _ in 0..<Self.maxModelPages {
            let request = try wire.makeModelsRequest(afterID: afterID, limit: 1000, timeouts: timeouts(streaming: false))
            let body = try await fetch(request, over: wire)
            let page: ModelPage
            do {
                page = try JSONDecoder().decode(ModelPage.self, from: Data(body))
            } catch {
                throw APIError(kind: .malformedResponse, status: 200,
                               message: "the model list could not be read: \(WireDecodingError(error).description)")
            }
            models += page.data
            guard page.hasMore == true, let last = page.lastID ?? page.data.last?.id else { return models }
            afterID = last
        }
        return models
    }

    /// The most pages `models()` asks for.
    static let maxModelPages = 20

    /// Sends a request whose 2xx body is read whole (up to `maxErrorBodyBytes`), retrying failures by the policy.
    private func fetch(_ request: HTTPRequest, over wire: AnthropicWire) async throws(APIError) -> [UInt8] {
        do {
            return try await withRetries(secrets: wire.secrets) {
                var status = 0, headers: [HTTPHeader] = [], body: [UInt8] = []
                do {
                    for try await part in transport.execute(request) {
                        switch part {
                        case .head(let head): (status, headers) = (head.status, head.headers)
                        case .body(let bytes) where body.count < Self.maxErrorBodyBytes: body += bytes
                        case .body: break
                        }
                    }
                } catch {
                    throw AttemptFailure(Self.apiError(forTransportError: error))
                }
                guard (200..<300).contains(status) else {
                    throw AttemptFailure(wire.decodeError(status: status, headers: headers, body: body), headers: headers)
                }
                return body
            }
        } catch {
            throw Self.apiError(forTransportError: error)
        }
    }
}
