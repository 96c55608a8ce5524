// turns-bench: measures the hot paths and prints one line per figure.
// Usage: swift run -c release turns-bench [NAME…]   (names: sse, eventstream, ui, transcript; none = all)
// `make release` builds it as the figures in BENCHMARKS.md were measured (Swift runtime linked statically); then
// run .build/release/turns-bench [NAME…].
import Foundation

if CommandLine.arguments.count == 3 && CommandLine.arguments[1] == "--load-transcript" {
    TranscriptBenchmark.loadInFreshProcess(CommandLine.arguments[2])
    exit(0)
}
let requested = Set(CommandLine.arguments.dropFirst())
let all = Benchmarks.all
let unknown = requested.subtracting(all.map(\.name))
if !unknown.isEmpty {
    let message = "turns-bench: unknown benchmark \(unknown.sorted().joined(separator: ", ")); "
        + "known: \(all.map(\.name).joined(separator: ", "))\n"
    FileHandle.standardError.write(Data(message.utf8))
    exit(2)
}
for benchmark in all where requested.isEmpty || requested.contains(benchmark.name) {
    benchmark.run()
}
