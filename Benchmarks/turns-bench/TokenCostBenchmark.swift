import Foundation
import TurnsCore
import TurnsUI

/// A streamed token's UI cost, driven as the chat's run loop drives it (`reduce`, then `FrameRenderer.render`) on an
/// in-memory 120×40 screen, one frame per token: the worst case, since the chat draws at most one frame per 16 ms.
enum TokenCostBenchmark {
    static let width = 120
    static let height = 40
    /// Tokens streamed before timing starts (caches, buffers and the answer's first rows settle).
    static let warmupTokens = 2_000
    static let tokensPerRound = 4_000
    static let rounds = 11

    /// The pieces streamed, in turn: words, punctuation, wide characters, an emoji and a paragraph break now and then.
    static let words = [" the", " model", " streams", " tokens", ",", " one", " at", " a", " time", ".", " 界面",
                        " 😀", " and", " wraps", " them", " by", " display", " cells", ".\n\n"]

    /// A conversation of `count` turns, questions and answers with code blocks and wide characters.
    static func conversation(turns count: Int) -> Transcript {
        let settings = SamplingSettings(model: "claude-2.1", maxTokensToSample: 1024, temperature: 0.7)
        let paragraph = "The transcript pane wraps text by display cells at word boundaries, and code blocks keep "
            + "their lines. 界面 😀"
        var transcript = Transcript(system: "You are a helpful assistant.")
        let start = Date(timeIntervalSince1970: 1_790_000_000)
        for index in 0..<count {
            let role: Role = index % 2 == 0 ? .human : .assistant
            let text = role == .human ? "Question \(index): how does wrapping work?"
                : paragraph + paragraph.prefix(60) + "\n\n```swift\nlet answer = \(index)\n```"
            let reply = role == .assistant ? ReplyInfo(backend: "local", model: "turns-local", settings: settings,
                                                       stopReason: "stop_sequence") : nil
            transcript.turns.append(Turn(role: role, text: text, createdAt: start.addingTimeInterval(Double(index)),
                                         reply: reply))
        }
        return transcript
    }

    /// A chat on the 120×40 screen showing `transcript`.
    static func chat(with transcript: Transcript) -> AppState {
        AppState(backend: "local", settings: SamplingSettings(model: "claude-2.1", maxTokensToSample: 200_000),
                 transcript: transcript, width: width, height: height)
    }

    /// Sends a message from each chat and streams both answers in alternating rounds (a machine that changes speed
    /// during the run weighs on both alike); the median seconds per token of each, and the median of the rounds'
    /// ratios second / first.
    static func interleavedCosts(_ first: AppState, _ second: AppState) -> (first: Double, second: Double, ratio: Double) {
        var a = TokenStream(state: first), b = TokenStream(state: second)
        _ = a.round(warmupTokens)
        _ = b.round(warmupTokens)
        var costsA: [Double] = [], costsB: [Double] = []
        for _ in 0..<rounds {
            costsA.append(a.round(tokensPerRound))
            costsB.append(b.round(tokensPerRound))
        }
        for stream in [a, b] {
            precondition(stream.changes > 0 && stream.state.request.isBusy, "the answer streams and changes the screen")
        }
        let ratios = zip(costsA, costsB).map { $1 / $0 }
        return (costsA.sorted()[rounds / 2], costsB.sorted()[rounds / 2], ratios.sorted()[rounds / 2])
    }

    /// A chat streaming an answer, one frame per token.
    struct TokenStream {
        var state: AppState
        let request: Int
        var renderer = FrameRenderer()
        var time = 1.0
        var index = 0
        var changes = 0

        init(state: AppState) {
            self.state = state
            request = TokenStream.send(&self.state)
            _ = renderer.render(self.state)
        }

        /// Streams `count` tokens; the seconds per token.
        mutating func round(_ count: Int) -> Double {
            let start = DispatchTime.now().uptimeNanoseconds
            for _ in 0..<count {
                time += 0.0001
                _ = reduce(&state, .stream(request: request, event: .text(words[index % words.count]), time: time))
                changes &+= renderer.render(state).changes.count
                index += 1
            }
            return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 / Double(count)
        }

        /// Types a message and presses Enter; the request the chat then waits on.
        static func send(_ state: inout AppState) -> Int {
            for character in "Tell me a long story." {
                _ = reduce(&state, .input(.key(KeyPress(.character(character)))))
            }
            for case let .send(request, _, _, _) in reduce(&state, .input(.key(KeyPress(.enter)))) {
                _ = reduce(&state, .stream(request: request, event: .started(requestID: "req_bench"), time: 1))
                return request
            }
            preconditionFailure("Enter must send the message")
        }
    }
}
