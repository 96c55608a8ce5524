// A conversation with a current Claude model over the Messages API, as the Python SDK's
//
//     message = client.messages.create(model="claude-sonnet-4-5", max_tokens=300, system=...,
//                                      messages=[{"role": "user", "content": "Hello!"}, ...])
//     print(message.content[0].text, message.stop_reason, message.usage)
//     with client.messages.stream(model=..., max_tokens=300, messages=[...]) as stream:
//         for event in stream: ...
//
// The key and base URL come from ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL. Usage: MessagesConversation [question].
// Prints the whole answer of `create` with its stop reason and token counts, then streams a follow-up question,
// printing its text as it arrives and, at the end, the final message put together from the events.
import Foundation
import TurnsAPI

/// Writes at once, unbuffered, so each piece of text shows the moment it arrives.
func write(_ text: String) {
    FileHandle.standardOutput.write(Data(text.utf8))
}

let arguments = CommandLine.arguments.dropFirst()
let question = arguments.isEmpty ? "What can you tell me about the settings?" : arguments.joined(separator: " ")
let client = CompletionsClient()
let model = "claude-sonnet-4-5"
var conversation = [MessageParam(role: .user, content: question)]

do {
    // One whole answer.
    let message = try await client.messages.create(model: model, maxTokens: 200, messages: conversation,
                                                   system: "You are terse.")
    let answer = message.content.map(\.text).joined()
    write("create: \(answer)\n")
    write("stop_reason: \(message.stopReason ?? "none")\n")
    write("usage: \(message.usage?.inputTokens ?? 0) in, \(message.usage?.outputTokens ?? 0) out\n")

    // The conversation goes on, streamed: the answer joins the messages, then a new question.
    conversation += [MessageParam(role: .assistant, content: answer), MessageParam(role: .user, content: "Tell me more.")]
    var final = Message()
    write("stream: ")
    for try await event in client.messages.stream(model: model, maxTokens: 200, messages: conversation) {
        switch event {
        case .messageStart(let start):
            final = start
        case .textDelta(let text):
            write(text)
            final.content = [TextBlock(text: (final.content.first?.text ?? "") + text)]
        case .messageDelta(let stopReason, let stopSequence, let usage):
            (final.stopReason, final.stopSequence, final.usage) = (stopReason, stopSequence, usage)
        case .messageStop:
            write("\nfinal: \(final.id ?? "-") \(final.stopReason ?? "none") \(final.usage?.outputTokens ?? 0) tokens\n")
        }
    }
} catch {
    write("\n")
    FileHandle.standardError.write(Data("MessagesConversation: \(error)\n".utf8))
    exit(1)
}
