// Handling the typed errors, as the Python SDK's README does with its exception classes:
//
//     try:
//         client.completions.create(...)
//     except anthropic.APIConnectionError as e: ...
//     except anthropic.RateLimitError as e: ...
//     except anthropic.APIStatusError as e: print(e.status_code, e.response)
//
// `create` throws `APIError`, whose `kind` stands for the SDK's class. The key and base URL come from
// ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL; with ANTHROPIC_BEDROCK_BASE_URL set it calls Bedrock there instead (the
// AWS chain's credentials, region us-east-1 unless AWS_REGION says). Usage: ErrorHandling [raw prompt] (e.g. "Hello,
// world", which the API refuses). Prints the answer and exits 0, or prints the error's class, status, type, request id and message, then
// what to do, and exits 1.
import Foundation
import TurnsAPI

let arguments = CommandLine.arguments.dropFirst()
let prompt = arguments.first ?? Prompt.build([.human("Hello")])

// No retries: this example reports the first failure (the SDK's default is 2 retries).
let environment = ProcessInfo.processInfo.environment
var configuration = environment["ANTHROPIC_BEDROCK_BASE_URL"] == nil
    ? ClientConfiguration.anthropic() : try ClientConfiguration.bedrock(region: environment["AWS_REGION"] ?? "us-east-1")
configuration.maxRetries = 0
configuration.timeout = 30
let client = CompletionsClient(configuration)
do {
    let completion = try await client.create(model: "claude-2.1", prompt: prompt, maxTokensToSample: 50)
    print("completion:\(completion.completion)")
} catch {
    let advice: String
    switch error.kind {
    case .authentication, .permissionDenied:
        advice = "check ANTHROPIC_API_KEY"
    case .badRequest, .notFound, .requestTooLarge, .unprocessableEntity, .invalidRequest:
        advice = "fix the prompt or the parameters"
    case .rateLimit, .overloaded:
        advice = "wait a moment and try again"
    case .connection, .timeout:
        advice = "check the network and ANTHROPIC_BASE_URL"
    default:
        advice = "try again later"
    }
    let name = error.kind.sdkClassName ?? error.kind.rawValue
    // Messages may hold line breaks (the API's prompt errors quote "\n\nHuman:"): keep the report on one line.
    let message = error.message.replacingOccurrences(of: "\n", with: "\\n")
    if error.isStatusError {
        print("\(name) (status \(error.status ?? 0), type \(error.errorType ?? "none"), "
              + "request \(error.requestID ?? "none")): \(message)")
    } else {
        print("\(name): \(message)")
    }
    print("advice: \(advice)")
    exit(1)
}
