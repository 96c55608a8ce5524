// turns-bench: the budget measured in-process: a streamed token's UI cost with a 50,000-turn conversation against an
// empty one (≤ 1.2×). It prints one row of the `make bench` table.
// `make release` builds it as BENCHMARKS.md measured it (Swift runtime linked statically).
import Foundation
import TurnsCore

let empty = TokenCostBenchmark.chat(with: Transcript())
let long = TokenCostBenchmark.chat(with: TokenCostBenchmark.conversation(turns: 50_000))
let (emptyCost, longCost, ratio) = TokenCostBenchmark.interleavedCosts(empty, long)
let figure = String(format: "%.2f× (%.0f vs %.0f µs/token)", ratio, longCost * 1e6, emptyCost * 1e6)
let tokens = TokenCostBenchmark.tokensPerRound * TokenCostBenchmark.rounds
print("| Per-token UI cost, 50,000 turns vs none: ≤ 1.2× | \(figure) | \(ratio <= 1.2 ? "MET" : "MISSED") "
      + "| `turns-bench`: in-process `reduce` + `FrameRenderer.render` on a 120×40 screen, one frame per token "
      + "(the worst case), \(tokens) tokens each in \(TokenCostBenchmark.rounds) alternating rounds, the median of the "
      + "rounds' ratios |")
