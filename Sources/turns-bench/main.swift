// turns-bench: the budgets measured in-process. `turns-bench` (or `ui-cost`): a streamed token's UI cost with a
// 50,000-turn conversation against an empty one (≤ 1.2×); `turns-bench messages`: the Messages stream's decoding CPU
// per token against the Text Completions stream's (≤ 1.5×). Each prints one row of the `make bench` table.
// `make release` builds it as BENCHMARKS.md measured it (Swift runtime linked statically).
import Foundation
import TurnsCore

if CommandLine.arguments.dropFirst().first == "messages" {
    let (messages, complete, ratio) = MessagesStreamBenchmark.ratio()
    let tokens = MessagesStreamBenchmark.tokens
    print("| Messages stream CPU per token ≤ 1.5× the Text Completions stream's | "
          + String(format: "%.2f× (%.3f vs %.3f s)", ratio, messages, complete) + " | \(ratio <= 1.5 ? "MET" : "MISSED") "
          + "| `turns-bench messages`: `CompletionStreamParser` decoding the same \(tokens)-token answer recorded as each "
          + "API streams it, in memory, in 16 KB reads, \(MessagesStreamBenchmark.rounds) alternating rounds, the median "
          + "round's ratio |")
    exit(0)
}

let empty = TokenCostBenchmark.chat(with: Transcript())
let long = TokenCostBenchmark.chat(with: TokenCostBenchmark.conversation(turns: 50_000))
let (emptyCost, longCost, ratio) = TokenCostBenchmark.interleavedCosts(empty, long)
let figure = String(format: "%.2f× (%.0f vs %.0f µs/token)", ratio, longCost * 1e6, emptyCost * 1e6)
let tokens = TokenCostBenchmark.tokensPerRound * TokenCostBenchmark.rounds
print("| Per-token UI cost, 50,000 turns vs none: ≤ 1.2× | \(figure) | \(ratio <= 1.2 ? "MET" : "MISSED") "
      + "| `turns-bench`: in-process `reduce` + `FrameRenderer.render` on a 120×40 screen, one frame per token "
      + "(the worst case), \(tokens) tokens each in \(TokenCostBenchmark.rounds) alternating rounds, the median of the "
      + "rounds' ratios |")
