import Foundation
import TurnsAPI

/// SSE: bytes → completion pieces (JSON decoded) on a recorded 10 MB `/v1/complete` stream.
enum SSEBenchmark {
    /// A stream shaped like the API's: completion events of one word each, a ping now and then, the final event.
    static func recordedStream(bytes target: Int) -> (bytes: [UInt8], events: Int) {
        let words = [" the", " model", " streams", " tokens", ",", " one", " at", " a", " time", ".", " 界", " 😀", "\\n\\n"]
        var text = ""
        var events = 0
        var index = 0
        while text.utf8.count < target {
            if index % 97 == 0 { text += "event: ping\ndata: {\"type\": \"ping\"}\n\n" }
            text += "event: completion\ndata: {\"type\": \"completion\", \"id\": \"compl_01ABCDEF\", \"completion\": \""
                + words[index % words.count] + "\", \"stop_reason\": null, \"model\": \"claude-2.1\", \"stop\": null}\n\n"
            events += 1
            index += 1
        }
        text += "event: completion\ndata: {\"type\": \"completion\", \"completion\": \"\", \"stop_reason\": \"stop_sequence\", \"model\": \"claude-2.1\"}\n\n"
        return (Array(text.utf8), events + 1)
    }

    static func run() {
        let (bytes, events) = recordedStream(bytes: 10 * 1024 * 1024)
        let readSize = 16 * 1024
        var text = 0
        let seconds = Measure.median(rounds: 5) {
            var parser = CompletionStreamParser()
            var offset = 0
            bytes.withUnsafeBytes { all in
                while offset < all.count {
                    let end = min(offset + readSize, all.count)
                    let batch = parser.feed(UnsafeRawBufferPointer(rebasing: all[offset..<end]))
                    text &+= batch.piece?.completion.utf8.count ?? 0
                    offset = end
                }
            }
            precondition(parser.finish() == nil, "the recorded stream must decode completely")
        }
        precondition(text > 0)
        let megabytes = Double(bytes.count) / 1_048_576
        Measure.report("sse.decode_mb_per_s", megabytes / seconds, "MB/s (target: >= 100 MB/s, JSON included)")
        Measure.report("sse.events_per_s", Double(events) / seconds, "events/s", digits: 0)
    }
}
