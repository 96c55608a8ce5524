import Foundation
import TurnsAPI

/// The Messages stream's decoding CPU per token against the Text Completions stream's: the same answer, recorded as
/// each API sends it, built in memory and fed through `CompletionStreamParser` in 16 KB reads, as `--print` reads it
/// (`turns serve` does not speak `/v1/messages`, so the network is left out on both sides).
enum MessagesStreamBenchmark {
    static let tokens = 300_000
    static let readSize = 16 * 1024
    static let rounds = 7

    /// The answer's pieces, in turn, with a line break now and then (an escape in the JSON).
    static let words = [" Hello", "!", " I", " am", " the", " offline", " model", ",", " streaming", " tokens", ".\n\n"]

    /// The whole body of a streamed answer in `api`'s events, cut into reads.
    static func reads(_ api: AnthropicAPI) -> [[UInt8]] {
        var body = api == .messages
            ? "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"usage\":{\"input_tokens\":9,"
                + "\"output_tokens\":1}}}\n\n"
            : "event: ping\ndata: {\"type\":\"ping\"}\n\n"
        for index in 0..<tokens {
            let text = words[index % words.count].replacingOccurrences(of: "\n", with: "\\n")
            body += api == .messages
                ? "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                    + "{\"type\":\"text_delta\",\"text\":\"\(text)\"}}\n\n"
                : "event: completion\ndata: {\"completion\":\"\(text)\",\"id\":\"compl_01\",\"model\":\"claude-2.1\","
                    + "\"stop\":null,\"stop_reason\":null,\"type\":\"completion\"}\n\n"
        }
        body += api == .messages
            ? "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
                + "\"usage\":{\"output_tokens\":\(tokens)}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"
            : "event: completion\ndata: {\"completion\":\"\",\"stop_reason\":\"max_tokens\",\"stop\":null}\n\n"
        let bytes = Array(body.utf8)
        return stride(from: 0, to: bytes.count, by: readSize).map { Array(bytes[$0..<min(bytes.count, $0 + readSize)]) }
    }

    /// CPU seconds to decode `reads` as `api`, checking the answer is whole.
    static func decodingCPU(_ reads: [[UInt8]], _ api: AnthropicAPI) -> Double {
        let start = processCPU()
        var parser = CompletionStreamParser(api: api)
        var characters = 0
        for read in reads { characters += parser.feed(read).delta?.text.utf8.count ?? 0 }
        precondition(parser.finish() == nil && characters > tokens, "the \(api) stream did not decode whole")
        return processCPU() - start
    }

    /// The median over alternating rounds of the Messages stream's CPU over the Text Completions stream's.
    static func ratio() -> (messages: Double, complete: Double, ratio: Double) {
        let complete = reads(.complete), messages = reads(.messages)
        var pairs: [(Double, Double)] = []
        for _ in 0..<rounds { pairs.append((decodingCPU(messages, .messages), decodingCPU(complete, .complete))) }
        pairs.sort { $0.0 / $0.1 < $1.0 / $1.1 }
        let middle = pairs[rounds / 2]
        return (middle.0, middle.1, middle.0 / middle.1)
    }

    private static func processCPU() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
