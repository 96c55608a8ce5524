import Foundation
import TurnsCore
import TurnsUI

/// UI on an in-memory 120x40 screen, driven exactly as the chat's run loop drives it (`reduce`, then
/// `FrameRenderer.render`): the cost of one streamed token with an empty transcript and with a 50,000-turn one,
/// a full redraw, and a resize reflow.
///
/// The per-token figure is the worst case: one frame per token. The chat coalesces tokens into at most one frame per
/// 16 ms, so in practice a frame's cost is shared by every token that arrived since the last one.
enum UIBenchmark {
    static let width = 120
    static let height = 40
    /// Tokens streamed before timing starts (caches, buffers and the answer's first rows settle).
    static let warmupTokens = 2_000
    /// Tokens per timed round.
    static let tokensPerRound = 10_000
    static let rounds = 5

    /// The pieces streamed, in turn: words, punctuation, wide characters, an emoji and a paragraph break now and then.
    static let words = [" the", " model", " streams", " tokens", ",", " one", " at", " a", " time", ".", " 界面",
                        " 😀", " and", " wraps", " them", " by", " display", " cells", ".\n\n"]

    static func run() {
        // An unpaced stream reaches the chat in bursts of network reads: each read's pieces merged into one piece of
        // ~450 bytes of text (16 KB of SSE). Applying such a burst blocks the run loop, so its rate matters for
        // keystroke latency (scripts/bench-ui): this is `reduce` alone, no frames.
        let absorbed = absorbRate()
        Measure.report("ui.absorb_text_mb_per_s", absorbed.megabytesPerSecond,
                       "MB/s of answer text through reduce in ~\(absorbed.pieceBytes) B pieces (one per network read; "
                       + "a 700 KB burst blocks the run loop \(format(0.7 / absorbed.megabytesPerSecond * 1000)) ms)")

        // The chat journals streamed text on its run loop too (each frame writes what arrived since the last one).
        let journalText = String(repeating: words.joined(), count: 4_000)
        let journal = Measure.median(rounds: 3) { precondition(!JournalRecord.text(journalText).jsonLine.isEmpty) }
        Measure.report("ui.journal_text_mb_per_s", Double(journalText.utf8.count) / 1_048_576 / journal,
                       "MB/s of answer text encoded as a journal line (on the run loop; no target)")

        let big = TranscriptBenchmark.makeTranscript()
        let loadStart = DispatchTime.now().uptimeNanoseconds
        var state = chatState(with: big)
        let layoutSeconds = Double(DispatchTime.now().uptimeNanoseconds - loadStart) / 1e9
        Measure.report("ui.layout_50k_turns_ms", layoutSeconds * 1000, "ms (AppState with the transcript laid out, once)")

        var renderer = FrameRenderer()
        _ = renderer.render(state)
        let redraw = Measure.samples(rounds: 50) {
            renderer.invalidate()
            let frame = renderer.render(state)
            precondition(frame.changes.count == height, "a full redraw sends every row")
        }
        Measure.report("ui.full_redraw_ms", redraw.median * 1000,
                       "ms median, \(format(redraw.max * 1000)) ms max of 50, 50k turns (target: <= 16 ms)", digits: 3)

        let following = resizeCost(&state, renderer: &renderer)
        Measure.report("ui.resize_reflow_ms", following.median * 1000,
                       "ms median, \(format(following.max * 1000)) ms max of 20, 120 <-> 100 columns, 50k turns, "
                       + "following the end (target: <= 16 ms)", digits: 2)

        // Scrolled to the top, a resize must keep the reading position there (an anchor, not a row number).
        _ = reduce(&state, .input(.key(KeyPress(.home, .ctrl))))
        precondition(!state.layout.isFollowing, "Ctrl-Home scrolls to the top")
        let anchored = resizeCost(&state, renderer: &renderer)
        Measure.report("ui.resize_reflow_scrolled_ms", anchored.median * 1000,
                       "ms median, \(format(anchored.max * 1000)) ms max of 20, 50k turns, scrolled to the top "
                       + "(target: <= 16 ms)", digits: 2)
        _ = reduce(&state, .input(.key(KeyPress(.end, .ctrl))))
        precondition(state.layout.isFollowing, "Ctrl-End follows the end again")

        // The two conversations stream in alternating rounds, so a machine that slows down or speeds up during the
        // run weighs on both alike (measured one after the other, the ratio swung from 0.8 to 1.6 with load).
        var empty = chatState(with: Transcript())
        let (emptyCost, bigCost) = interleavedTokenCosts(&empty, &state)
        Measure.report("ui.token_us_empty", emptyCost.total * 1e6, "us/token (reduce \(format(emptyCost.reduce * 1e6)) + "
            + "render+diff \(format(emptyCost.render * 1e6)); one frame per token, the worst case)", digits: 2)
        Measure.report("ui.token_us_50k_turns", bigCost.total * 1e6, "us/token (reduce \(format(bigCost.reduce * 1e6)) + "
            + "render+diff \(format(bigCost.render * 1e6)))", digits: 2)
        Measure.report("ui.token_ratio_50k_vs_empty", bigCost.total / emptyCost.total, "(target: <= 1.2)", digits: 2)

        // Not a target: the same resize once the streamed answer (~\(warmupTokens + rounds * tokensPerRound) tokens,
        // one turn) is the turn in view, since the turn in view is wrapped whole at the new width.
        let streamedRedraw = Measure.samples(rounds: 50) {
            renderer.invalidate()
            precondition(renderer.render(state).changes.count == height)
        }
        Measure.report("ui.full_redraw_streaming_ms", streamedRedraw.median * 1000,
                       "ms median, \(format(streamedRedraw.max * 1000)) ms max of 50, the streamed answer in view "
                       + "(target: <= 16 ms)", digits: 3)

        let longAnswer = resizeCost(&state, renderer: &renderer)
        let answerBytes = state.transcript.turns.last?.text.utf8.count ?? 0
        Measure.report("ui.resize_reflow_long_answer_ms", longAnswer.median * 1000,
                       "ms median, \(format(longAnswer.max * 1000)) ms max of 20, the last turn a \(answerBytes / 1024) KB "
                       + "answer (no target; see BENCHMARKS.md)", digits: 2)
    }

    /// The cost of one streamed token, split into `reduce` (append, re-wrap, journal record) and the frame
    /// (`AppView.render` into the spare buffer, then the diff against the shown one).
    struct TokenCost {
        var reduce: Double
        var render: Double
        var total: Double { reduce + render }
    }

    /// Sends a message from each state and streams the answers, one frame per token, in alternating rounds; the
    /// median round's cost per token of each.
    static func interleavedTokenCosts(_ first: inout AppState, _ second: inout AppState) -> (TokenCost, TokenCost) {
        var a = TokenStream(state: first), b = TokenStream(state: second)
        _ = a.round(warmupTokens)
        _ = b.round(warmupTokens)
        var costsA: [TokenCost] = [], costsB: [TokenCost] = []
        for _ in 0..<rounds {
            costsA.append(a.round(tokensPerRound))
            costsB.append(b.round(tokensPerRound))
        }
        for stream in [a, b] {
            precondition(stream.changed > 0, "streamed tokens must change the screen")
            precondition(stream.state.request.isBusy && stream.state.layout.isFollowing, "the answer is still streaming, in view")
        }
        first = a.state
        second = b.state
        func median(_ costs: [TokenCost]) -> TokenCost { costs.sorted { $0.total < $1.total }[costs.count / 2] }
        return (median(costsA), median(costsB))
    }

    /// A conversation streaming an answer, one frame per token.
    struct TokenStream {
        var state: AppState
        let request: Int
        var renderer = FrameRenderer()
        var time = 1.0
        var index = 0
        var changed = 0

        init(state: AppState) {
            self.state = state
            request = send(&self.state)
            _ = renderer.render(self.state)
        }

        /// Streams `count` tokens; their cost per token.
        mutating func round(_ count: Int) -> TokenCost {
            var reduceNanos: UInt64 = 0, renderNanos: UInt64 = 0
            for _ in 0..<count {
                let start = DispatchTime.now().uptimeNanoseconds
                time += 0.0001
                _ = reduce(&state, .stream(request: request, event: .text(words[index % words.count]), time: time))
                let middle = DispatchTime.now().uptimeNanoseconds
                changed &+= renderer.render(state).changes.count
                let end = DispatchTime.now().uptimeNanoseconds
                reduceNanos &+= middle - start
                renderNanos &+= end - middle
                index += 1
            }
            return TokenCost(reduce: Double(reduceNanos) / 1e9 / Double(count),
                             render: Double(renderNanos) / 1e9 / Double(count))
        }
    }

    /// The rate at which `reduce` absorbs answer text arriving in pieces the size of one network read's worth.
    static func absorbRate() -> (megabytesPerSecond: Double, pieceBytes: Int) {
        var piece = ""
        var index = 0
        while piece.utf8.count < 450 {
            piece += words[index % words.count]
            index += 1
        }
        let pieces = 2_000
        let seconds = Measure.median(rounds: 3) {
            var state = chatState(with: Transcript())
            let request = send(&state)
            for number in 0..<pieces {
                _ = reduce(&state, .stream(request: request, event: .text(piece), time: 1 + Double(number) * 1e-4))
            }
            precondition(state.transcript.turns.last!.text.utf8.count >= pieces * (piece.utf8.count - 1))
        }
        return (Double(pieces * piece.utf8.count) / 1_048_576 / seconds, piece.utf8.count)
    }

    /// The cost of a resize to the other width and its first frame (the run loop invalidates the renderer on a
    /// resize, so that frame is a full one), alternating between 120 and 100 columns.
    static func resizeCost(_ state: inout AppState, renderer: inout FrameRenderer) -> (median: Double, max: Double) {
        var narrow = true
        return Measure.samples(rounds: 20) {
            let columns = narrow ? 100 : width
            narrow.toggle()
            renderer.invalidate()
            _ = reduce(&state, .input(.resize(width: columns, height: height)))
            let frame = renderer.render(state)
            precondition(frame.changes.count == height && state.width == columns)
        }
    }

    /// A chat on the 120x40 screen showing `transcript`.
    static func chatState(with transcript: Transcript) -> AppState {
        AppState(backend: "local", settings: SamplingSettings(model: "claude-2.1", maxTokensToSample: 200_000),
                 transcript: transcript, width: width, height: height)
    }

    /// Types a message and presses Enter; the request id the chat then waits on.
    static func send(_ state: inout AppState) -> Int {
        for character in "Tell me a long story." {
            _ = reduce(&state, .input(.key(KeyPress(.character(character)))))
        }
        let effects = reduce(&state, .input(.key(KeyPress(.enter))))
        for case let .send(request, _, _, _) in effects {
            _ = reduce(&state, .stream(request: request, event: .started(requestID: "req_bench"), time: 1))
            return request
        }
        preconditionFailure("Enter must send the message")
    }

    static func format(_ value: Double) -> String { String(format: "%.2f", value) }
}
