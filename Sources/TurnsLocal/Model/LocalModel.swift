import TurnsCore

/// The offline language model: word-level 5-grams with backoff down to unigrams, trained from a
/// corpus when created (well under a second for the default corpus), immutable afterwards and safe to share.
///
/// ## Corpus
/// Plain text is learned as one document. Text in the prompt format (`"\n\nHuman: …\n\nAssistant: …"`) is learned
/// as questions and answers: each answer is a document ending with the built-in stop, and the keywords of its
/// question point at it, so an answer can be chosen by what a question is about.
///
/// ## Generation
/// The answer continues the prompt's last Human turn: its keywords choose which learned answer to start
/// (question-and-answer corpora; with no shared keyword, any answer may start), or its last tokens are the context
/// (plain corpora; with none known, the model starts as at the start of the text). A prompt ending in a prefilled
/// Assistant text continues that text.
public final class LocalModel: Sendable {
    /// The stop sequence every request has, as in the API: the start of the next Human turn.
    public static let builtInStop = PromptFormat.humanMarker

    /// The model trained on the project's own corpus (`DefaultCorpus`), trained once on first use.
    public static let shared = LocalModel(corpus: DefaultCorpus.text)

    let vocabulary: Vocabulary
    let tables: NGramTables
    /// The silent id that starts each learned answer, in corpus order.
    let answerIDs: [Int32]
    /// For each question keyword, the answers whose question had it.
    let answersByKeyword: [String: [Int32]]
    /// Facts about the training run.
    public let statistics: LocalModelStatistics

    /// Trains a model on `corpus` (plain text, or a transcript in the prompt format).
    public init(corpus: String) {
        let clock = ContinuousClock()
        let began = clock.now
        var vocabulary = Vocabulary()
        var counter = NGramCounter()
        var tokenCount = 0
        var answerIDs: [Int32] = []
        var answersByKeyword: [String: [Int32]] = [:]

        func ids(of document: String) -> [Int32] {
            var text = " " + document.trimmingSpaceAndNewlines
            return text.withUTF8 { bytes in
                Tokenizer.tokenRanges(bytes).map { vocabulary.intern(UnsafeBufferPointer(rebasing: bytes[$0])) }
            }
        }
        let start = Vocabulary.start

        let parsed = PromptFormat.parse(corpus)
        if let system = parsed.system, !system.trimmingSpaceAndNewlines.isEmpty {
            let document = ids(of: system)
            tokenCount += document.count
            counter.add(sequence: [start, start, start, start] + document + [Vocabulary.end])
        }
        for (index, turn) in parsed.turns.enumerated() where turn.role == .assistant {
            let answer = ids(of: turn.text)
            let answerID = vocabulary.addSilentID()
            tokenCount += answer.count
            counter.add(sequence: [start, start, start, answerID] + answer + [Vocabulary.end])
            answerIDs.append(answerID)
            guard index > 0, parsed.turns[index - 1].role == .human else { continue }
            for keyword in Keywords.keywords(in: parsed.turns[index - 1].text) {
                answersByKeyword[keyword, default: []].append(answerID)
            }
        }

        self.tables = counter.freeze()
        self.vocabulary = vocabulary
        self.answerIDs = answerIDs
        self.answersByKeyword = answersByKeyword
        self.statistics = LocalModelStatistics(corpusTokens: tokenCount, vocabularySize: vocabulary.count,
                                               answers: answerIDs.count, trainingTime: clock.now - began)
    }

    /// Starts generating the answer to `prompt` under `parameters` (its model name is not used). A nil `seed`
    /// draws a random one; the same seed, prompt and parameters always give the same text.
    ///
    /// With `endsAnswers` false the model never ends an answer by itself (by writing `"\n\nHuman:"`): the text
    /// runs until `max_tokens_to_sample` or one of the request's stop sequences. Benchmarks use this to get long
    /// streams; a chat wants the default.
    public func generate(prompt: String, parameters: SamplingSettings, seed: UInt64? = nil,
                         endsAnswers: Bool = true) -> LocalGeneration {
        let random = seed.map { SeededRandom(seed: $0) } ?? SeededRandom()
        return LocalGeneration(model: self, start: startState(for: PromptFormat.parse(prompt)),
                               parameters: parameters, endsAnswers: endsAnswers, random: random)
    }

    /// Where generation starts for a parsed prompt.
    func startState(for prompt: ParsedPrompt) -> GenerationStart {
        let documentStart = Context(repeating: Vocabulary.start)
        if let last = prompt.turns.last, last.role == .assistant, !prompt.endsWithOpenAssistant, !last.text.isEmpty,
           let context = knownContext(endingText: last.text) {
            // A prefilled answer: go on from its last tokens.
            return GenerationStart(context: context, firstChoices: nil,
                                   tail: Array(last.text.utf8.suffix(TurnMarkers.tailLength)))
        }
        let question = prompt.turns.last(where: { $0.role == .human })?.text ?? ""
        if !answerIDs.isEmpty {
            return GenerationStart(context: documentStart, firstChoices: answerChoices(for: question), tail: [])
        }
        return GenerationStart(context: knownContext(endingText: question) ?? documentStart, firstChoices: nil, tail: [])
    }

    /// The context made of the last tokens of `text`, when at least its last token is known.
    func knownContext(endingText text: String) -> Context? {
        let tokens = Tokenizer.tokens(text)
        guard let last = tokens.last, let c = knownID(last) else { return nil }
        func id(back offset: Int) -> Int32 {
            tokens.count > offset ? (knownID(tokens[tokens.count - 1 - offset]) ?? Vocabulary.unseen) : Vocabulary.unseen
        }
        return Context(id(back: 3), id(back: 2), id(back: 1), c)
    }

    /// The learned answers to start from, scored by the keywords their questions share with `question`; a keyword
    /// found in few questions weighs more. With no shared keyword, every answer scores the same.
    func answerChoices(for question: String) -> Choices {
        var scores: [Int32: Int32] = [:]
        for keyword in Keywords.keywords(in: question) {
            guard let answers = answersByKeyword[keyword] else { continue }
            let weight = Int32(max(1, (10.0 / Double(answers.count)).rounded()))
            for answer in answers { scores[answer, default: 0] += weight }
        }
        if scores.isEmpty {
            return Choices(ids: answerIDs, counts: [Int32](repeating: 1, count: answerIDs.count))
        }
        let sorted = scores.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
        return Choices(ids: sorted.map(\.key), counts: sorted.map(\.value))
    }

    /// The id of a token of a prompt, also trying it with one leading space or none, as it may sit at the
    /// start of a turn.
    func knownID(_ token: String) -> Int32? {
        if let id = vocabulary.id(of: token) { return id }
        var bare = Substring(token)
        while bare.first == " " || bare.first == "\t" { bare.removeFirst() }
        return vocabulary.id(of: " " + bare) ?? vocabulary.id(of: String(bare))
    }
}

/// Facts about a trained model, for `--verbose` output and reports.
public struct LocalModelStatistics: Sendable, Equatable {
    /// Tokens in the corpus that was learned.
    public var corpusTokens: Int
    /// Distinct ids: tokens, one per learned answer, and the reserved ids.
    public var vocabularySize: Int
    /// Answers learned from a question-and-answer corpus (0 for plain text).
    public var answers: Int
    /// How long training took.
    public var trainingTime: Duration
}

/// A sorted list of candidate tokens with their counts, likeliest first.
struct Choices: Sendable {
    var ids: [Int32]
    var counts: [Int32]
}

/// Where a generation starts: the context, the answers to choose from first (question-and-answer corpora), and
/// the bytes already before the answer (a prefill's end), which matter for turn-marker checks.
struct GenerationStart {
    var context: Context
    var firstChoices: Choices?
    var tail: [UInt8]
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    var trimmingSpaceAndNewlines: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" || f == "\n" || f == "\r" || f == "\r\n" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\n" || l == "\r" || l == "\r\n" { s.removeLast() }
        return String(s)
    }
}
