// A streamed completion, printed delta by delta as it arrives, as the Python SDK's
// `client.completions.create(..., stream=True)`:
//
//     stream = client.completions.create(prompt=..., max_tokens_to_sample=300, model="claude-2.1", stream=True)
//     for completion in stream:
//         print(completion.completion, end="", flush=True)
//
// The prompt is built from turns with `Prompt.build`. The key and base URL come from ANTHROPIC_API_KEY and
// ANTHROPIC_BASE_URL. Usage: StreamedCompletion [question]. Prints the answer, then its stop reason and how many
// deltas (network reads) it came in. Ctrl-C (or cancelling the task that iterates) cancels the HTTP request.
import Foundation
import TurnsAPI

/// Writes at once, unbuffered, so each delta shows the moment it arrives.
func write(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

let arguments = CommandLine.arguments.dropFirst()
let question = arguments.isEmpty ? "What can you tell me about streaming?" : arguments.joined(separator: " ")
let prompt = Prompt.build([
    .human("Hello!"),
    .assistant("Hello! What would you like to know?"),
    .human(question),
])

let client = CompletionsClient()
var deltas = 0
var stopReason: String?
do {
    for try await delta in client.stream(model: "claude-2.1", prompt: prompt, maxTokensToSample: 300) {
        write(delta.text)
        deltas += 1
        stopReason = delta.stopReason ?? stopReason   // only the last delta carries it
    }
    write("\nstop_reason: \(stopReason ?? "none")\ndeltas: \(deltas)\n")
} catch {
    write("\n")
    FileHandle.standardError.write(Data("StreamedCompletion: \(error)\n".utf8))
    exit(1)
}
