import Foundation
import TurnsAPI
import TurnsServe

/// Event-stream: bytes → completion pieces for a 10 MB Bedrock `invoke-with-response-stream` body, framed by
/// `EventStreamEncoder` exactly as `turns serve` frames it and decoded by the `BedrockStreamDecoder` the client uses.
/// The SSE path is measured in the same run on the same words, fed the same way, so the two can be compared.
enum EventStreamBenchmark {
    /// A body of one-word `chunk` events (the words of the SSE benchmark), ending with the piece that carries the
    /// stop reason and the invocation metrics.
    static func recordedStream(bytes target: Int) -> (bytes: [UInt8], events: Int) {
        let words = [" the", " model", " streams", " tokens", ",", " one", " at", " a", " time", ".", " 界", " 😀", "\n\n"]
        var body: [UInt8] = []
        body.reserveCapacity(target + 4096)
        var events = 0
        while body.count < target {
            let piece = Completion(completion: words[events % words.count])
            try! EventStreamEncoder.encode(BedrockServer.chunkMessage(piece), into: &body)
            events += 1
        }
        let metrics = BedrockServer.InvocationMetrics(inputTokenCount: 12, outputTokenCount: events,
                                                      invocationLatency: 5_000, firstByteLatency: 200)
        try! EventStreamEncoder.encode(BedrockServer.chunkMessage(Completion(completion: "", stopReason: "stop_sequence"),
                                                                  metrics: metrics), into: &body)
        return (body, events + 1)
    }

    /// The body as the transport hands it over: 16 KB reads, each its own array.
    static func reads(_ bytes: [UInt8], size: Int = 16 * 1024) -> [[UInt8]] {
        stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<min($0 + size, bytes.count)]) }
    }

    static func run() {
        let (bytes, events) = recordedStream(bytes: 10 * 1024 * 1024)
        let chunks = reads(bytes)
        // The SSE path on the same reads of its own 10 MB recording, in this same run.
        let sse = SSEBenchmark.recordedStream(bytes: 10 * 1024 * 1024)
        let sseChunks = reads(sse.bytes)
        var text = 0

        // The two decoders take turns, round by round, so a machine that changes speed during the run (a shared
        // virtual machine does) slows both alike; each round's ratio is kept and their median reported.
        var times: [Double] = [], sseTimes: [Double] = [], ratios: [Double] = []
        let megabytes = Double(bytes.count) / 1_048_576
        let sseMegabytes = Double(sse.bytes.count) / 1_048_576
        for _ in 0..<9 {
            let seconds = Measure.median(rounds: 1) {
                var decoder = BedrockStreamDecoder()
                for chunk in chunks {
                    let batch = decoder.feed(chunk)
                    precondition(batch.error == nil, "the recorded stream must decode without errors")
                    text &+= batch.piece?.completion.utf8.count ?? 0
                }
                precondition(decoder.finish() == nil, "the recorded stream must decode completely")
            }
            let sseSeconds = Measure.median(rounds: 1) {
                var parser = CompletionStreamParser()
                for chunk in sseChunks { text &+= parser.feed(chunk).piece?.completion.utf8.count ?? 0 }
                precondition(parser.finish() == nil, "the recorded stream must decode completely")
            }
            times.append(seconds)
            sseTimes.append(sseSeconds)
            ratios.append((megabytes / seconds) / (sseMegabytes / sseSeconds))
        }
        precondition(text > 0)
        let median = { (values: [Double]) in values.sorted()[values.count / 2] }
        let seconds = median(times), sseSeconds = median(sseTimes)
        let rate = megabytes / seconds, sseRate = sseMegabytes / sseSeconds
        let eventRate = Double(events) / seconds, sseEventRate = Double(sse.events) / sseSeconds
        let ratio = median(ratios)
        Measure.report("eventstream.decode_mb_per_s", rate, "MB/s (\(events) chunk events, \(bytes.count / events) B each)")
        Measure.report("eventstream.events_per_s", eventRate, "events/s", digits: 0)
        Measure.report("eventstream.sse_same_run_mb_per_s", sseRate,
                       "MB/s (\(sse.events) events, \(sse.bytes.count / sse.events) B each; same 16 KB reads)")
        Measure.report("eventstream.sse_same_run_events_per_s", sseEventRate, "events/s", digits: 0)
        Measure.report("eventstream.vs_sse_mb_per_s", ratio,
                       "x (median of 9 alternating rounds; target: >= 1, at least as fast as SSE)", digits: 2)
        Measure.report("eventstream.vs_sse_events_per_s", ratio * (Double(events) / megabytes) / (Double(sse.events) / sseMegabytes),
                       "x (target: >= 1)", digits: 2)
    }
}
