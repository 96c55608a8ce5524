import Foundation
import TurnsAPI
import TurnsHTTP
@testable import TurnsServe
import XCTest

/// What `turns serve` uses to speak Bedrock: routes, request bodies, answers and error shapes.
final class BedrockServerSupportTests: XCTestCase {
    func testRoutesAreReadFromTheEncodedPath() {
        XCTAssertEqual(BedrockServer.route(path: "/model/anthropic.claude-v2%3A1/invoke"),
                       BedrockServer.Route(modelID: "anthropic.claude-v2:1", streaming: false))
        XCTAssertEqual(BedrockServer.route(path: "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Aprofile%2Fx/invoke-with-response-stream?x=1"),
                       BedrockServer.Route(modelID: "arn:aws:bedrock:us-east-1:1:profile/x", streaming: true))
        XCTAssertEqual(BedrockServer.route(path: "/model/anthropic.claude-v2:1/invoke")?.modelID, "anthropic.claude-v2:1")
        for path in ["/v1/complete", "/model//invoke", "/model/m/converse", "/model/m/invoke/extra", "model/m/invoke"] {
            XCTAssertNil(BedrockServer.route(path: path), path)
        }
    }

    func testAWireBodyReadsBackAsTheSameRequest() throws {
        let request = CompletionRequest(model: "anthropic.claude-v2:1", prompt: "\n\nHuman: Hi\n\nAssistant:", maxTokensToSample: 9,
                                        stopSequences: ["STOP"], temperature: 0, topK: 3, topP: 0.5)
        let body = Array(try BedrockWire.body(request, anthropicVersion: BedrockOptions.sdkAnthropicVersion).utf8)
        XCTAssertEqual(try BedrockServer.completionRequest(body: body, modelID: "anthropic.claude-v2:1"), request)
    }

    func testBadBodiesAreValidationExceptions() {
        let cases: [(String, String)] = [
            (#"{"max_tokens_to_sample":5}"#, "Malformed input request: required key [prompt] not found, please reformat your input and try again."),
            (#"{"prompt":"p"}"#, "Malformed input request: required key [max_tokens_to_sample] not found, please reformat your input and try again."),
            (#"{"prompt":"p","max_tokens_to_sample":5,"model":"x"}"#, "Malformed input request: extraneous key [model] is not permitted, please reformat your input and try again."),
            (#"{"prompt":"p","max_tokens_to_sample":"5"}"#, "Malformed input request: #/max_tokens_to_sample: expected type: Integer, please reformat your input and try again."),
            ("[]", "Malformed input request: expected type: JSONObject, please reformat your input and try again."),
        ]
        for (body, message) in cases {
            XCTAssertThrowsError(try BedrockServer.completionRequest(body: Array(body.utf8), modelID: "m"), body) { error in
                XCTAssertEqual((error as? BedrockServer.RequestError)?.message, message)
                XCTAssertEqual((error as? BedrockServer.RequestError)?.response.status, 400)
            }
        }
    }

    func testErrorAnswersHaveTheAWSShapeAndReadBackAsTheSameError() {
        let answer = BedrockServer.ErrorResponse(status: 429, type: "ThrottlingException", message: "Too many \"requests\"")
        XCTAssertEqual(answer.headers, [HTTPHeader("Content-Type", "application/json"), HTTPHeader("x-amzn-ErrorType", "ThrottlingException")])
        XCTAssertEqual(String(decoding: answer.body, as: UTF8.self), #"{"message":"Too many \"requests\""}"#)
        let read = BedrockErrors.decodeError(status: answer.status, headers: answer.headers, body: answer.body)
        XCTAssertEqual(read, APIError(kind: .rateLimit, status: 429, errorType: "ThrottlingException", message: "Too many \"requests\""))
        let refused = BedrockServer.ErrorResponse(SigV4VerificationError.signatureMismatch)
        XCTAssertEqual(refused.status, 403)
        XCTAssertEqual(refused.type, "InvalidSignatureException")
    }

    func testAChunkCarriesTheModelJSONWithSortedKeysInBase64() {
        let message = BedrockServer.chunkMessage(Completion(completion: " Hello"))
        XCTAssertEqual(message.headers, [
            EventStreamHeader(":event-type", .string("chunk")),
            EventStreamHeader(":content-type", .string("application/json")),
            EventStreamHeader(":message-type", .string("event")),
        ])
        // base64 of {"completion":" Hello","stop":null,"stop_reason":null}
        XCTAssertEqual(String(decoding: message.payload, as: UTF8.self), #"{"bytes":"eyJjb21wbGV0aW9uIjoiIEhlbGxvIiwic3RvcCI6bnVsbCwic3RvcF9yZWFzb24iOm51bGx9"}"#)
    }

    func testTheLastChunkCanCarryInvocationMetricsThatTheClientReadsAsUsage() throws {
        let metrics = BedrockServer.InvocationMetrics(inputTokenCount: 12, outputTokenCount: 3, invocationLatency: 400, firstByteLatency: 100)
        let piece = Completion(completion: "", stopReason: "stop_sequence", stop: "\n\nHuman:")
        XCTAssertEqual(String(decoding: BedrockServer.completionJSON(piece, metrics: metrics), as: UTF8.self),
                       #"{"amazon-bedrock-invocationMetrics":{"firstByteLatency":100,"inputTokenCount":12,"invocationLatency":400,"outputTokenCount":3},"completion":"","stop":"\n\nHuman:","stop_reason":"stop_sequence"}"#)
        var decoder = BedrockStreamDecoder()
        let batch = decoder.feed(try EventStreamEncoder.encode(BedrockServer.chunkMessage(piece, metrics: metrics)))
        XCTAssertEqual(batch.delta?.stopReason, "stop_sequence")
        XCTAssertEqual(batch.delta?.stop, "\n\nHuman:")
        XCTAssertEqual(batch.delta?.usage?.inputTokens, 12)
        XCTAssertEqual(batch.delta?.usage?.outputTokens, 3)
        XCTAssertNil(decoder.finish())
    }
}
