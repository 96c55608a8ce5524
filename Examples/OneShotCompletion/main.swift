// One completion, as the Python SDK's README shows it:
//
//     client = Anthropic()
//     completion = client.completions.create(model="claude-2.1", max_tokens_to_sample=300,
//                                            prompt=f"{HUMAN_PROMPT} how does a court case get to the Supreme Court?{AI_PROMPT}")
//     print(completion.completion)
//
// The key and base URL come from ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL, as in the SDK.
// Usage: OneShotCompletion [question]. Prints the answer, then its stop reason and model.
import Foundation
import TurnsAPI

let arguments = CommandLine.arguments.dropFirst()
let question = arguments.isEmpty ? "How does a court case get to the Supreme Court?" : arguments.joined(separator: " ")

let client = CompletionsClient()
do {
    let completion = try await client.create(
        model: "claude-2.1",
        prompt: "\(humanPrompt) \(question)\(aiPrompt)",
        maxTokensToSample: 300)
    print(completion.completion)
    print("stop_reason: \(completion.stopReason ?? "none")")
    print("model: \(completion.model ?? "unknown")")
} catch {
    FileHandle.standardError.write(Data("OneShotCompletion: \(error)\n".utf8))
    exit(1)
}
