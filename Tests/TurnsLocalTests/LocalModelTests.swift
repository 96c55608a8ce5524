import TurnsCore
import XCTest

@testable import TurnsLocal

final class LocalModelTests: XCTestCase {
    private let question = "\n\nHuman: How do I change the temperature?\n\nAssistant:"

    private func settings(maxTokens: Int = 60, temperature: Double? = nil, topK: Int? = nil, topP: Double? = nil,
                          stops: [String] = []) -> SamplingSettings {
        SamplingSettings(maxTokensToSample: maxTokens, temperature: temperature, topK: topK, topP: topP,
                         stopSequences: stops)
    }

    private func answer(_ model: LocalModel, _ prompt: String, _ parameters: SamplingSettings,
                        seed: UInt64? = nil) -> (text: String, stop: LocalStop) {
        var generation = model.generate(prompt: prompt, parameters: parameters, seed: seed)
        return generation.collect()
    }

    private func answer(_ prompt: String, _ parameters: SamplingSettings, seed: UInt64? = nil) -> (text: String, stop: LocalStop) {
        answer(.shared, prompt, parameters, seed: seed)
    }

    // MARK: - Training

    func testTrainingTheDefaultCorpusLearnsEveryAnswerAndReportsItsTime() {
        let model = LocalModel(corpus: DefaultCorpus.text)
        let stats = model.statistics
        let answersInCorpus = DefaultCorpus.text.components(separatedBy: "\n\nAssistant:").count - 1
        XCTAssertEqual(stats.answers, answersInCorpus)
        XCTAssertGreaterThan(stats.corpusTokens, 4_000)
        print("local model: trained \(stats.corpusTokens) tokens, \(stats.vocabularySize) ids, "
              + "\(stats.answers) answers in \(stats.trainingTime) (debug build)")
    }

    func testTokensJoinBackIntoTheExactText() {
        let texts = ["Hello, world.\n\nDon't stop  now!\r\n\tTabs\tand ünïcödé 日本語 🎉 ", "", "   ", "a", "\n\n\n",
                     "/set top_k 40", DefaultCorpus.text]
        for text in texts { XCTAssertEqual(Tokenizer.tokens(text).joined(), text) }
    }

    func testTokensAreWordsWithTheirLeadingSpaceAndPunctuation() {
        XCTAssertEqual(Tokenizer.tokens("Hello, world.\n\nDon't  stop /set top_k"),
                       ["Hello", ",", " world", ".", "\n\n", "Don't", "  stop", " /", "set", " top_k"])
    }

    // MARK: - Sampling settings

    func testTemperatureZeroIsDeterministic() {
        let first = answer(question, settings(temperature: 0))
        let second = answer(question, settings(temperature: 0))
        XCTAssertFalse(first.text.isEmpty)
        XCTAssertEqual(first.text, second.text)
        XCTAssertEqual(first.stop, second.stop)
    }

    func testTopKOneEqualsGreedy() {
        let greedy = answer(question, settings(maxTokens: 120, temperature: 0))
        for seed in UInt64(1)...5 {
            XCTAssertEqual(answer(question, settings(maxTokens: 120, temperature: 1, topK: 1), seed: seed).text, greedy.text)
        }
    }

    func testTinyTopPEqualsGreedy() {
        let greedy = answer(question, settings(maxTokens: 120, temperature: 0))
        for seed in UInt64(1)...5 {
            XCTAssertEqual(answer(question, settings(maxTokens: 120, temperature: 1, topP: 0.0001), seed: seed).text,
                           greedy.text)
        }
    }

    func testDifferentSeedsAtTemperatureOneGiveDifferentTexts() {
        let prompt = "\n\nHuman: Tell me something.\n\nAssistant:"
        let texts = Set((UInt64(1)...6).map { answer(prompt, settings(temperature: 1), seed: $0).text })
        XCTAssertGreaterThan(texts.count, 1)
    }

    func testTheSameSeedGivesTheSameText() {
        let prompt = "\n\nHuman: Tell me something.\n\nAssistant:"
        for seed in [UInt64(7), 42, 1234] {
            XCTAssertEqual(answer(prompt, settings(temperature: 1), seed: seed).text,
                           answer(prompt, settings(temperature: 1), seed: seed).text)
        }
    }

    func testTopKLimitsTheChoicesToTheLikeliestCandidates() {
        // After "a" the corpus has " b" three times, " c" twice and " d" once; top_k 2 must never pick " d".
        let model = LocalModel(corpus: "x a b. x a b. x a b. x a c. x a c. x a d.")
        var seen = Set<String>()
        for seed in UInt64(1)...60 {
            seen.insert(answer(model, "\n\nHuman: x a\n\nAssistant:", settings(maxTokens: 1, temperature: 1, topK: 2),
                               seed: seed).text)
        }
        XCTAssertEqual(seen, [" b", " c"])
    }

    func testTopPKeepsTheSmallestSetReachingP() {
        // Probabilities 1/2, 1/3, 1/6: top_p 0.6 keeps " b" and " c" (1/2 < 0.6 <= 5/6), never " d".
        let model = LocalModel(corpus: "x a b. x a b. x a b. x a c. x a c. x a d.")
        var seen = Set<String>()
        for seed in UInt64(1)...60 {
            seen.insert(answer(model, "\n\nHuman: x a\n\nAssistant:", settings(maxTokens: 1, temperature: 1, topP: 0.6),
                               seed: seed).text)
        }
        XCTAssertEqual(seen, [" b", " c"])
    }

    func testLowTemperatureFavoursTheLikeliestCandidate() {
        let model = LocalModel(corpus: "x a b. x a b. x a b. x a c. x a c. x a d.")
        func share(of token: String, temperature: Double) -> Int {
            (UInt64(1)...200).filter {
                answer(model, "\n\nHuman: x a\n\nAssistant:", settings(maxTokens: 1, temperature: temperature),
                       seed: $0).text == token
            }.count
        }
        // At temperature 1, " b" has probability 1/2; at 0.2 it is 3^5 / (3^5 + 2^5 + 1) ≈ 0.88.
        XCTAssertGreaterThan(share(of: " b", temperature: 0.2), share(of: " b", temperature: 1) + 30)
    }

    // MARK: - Stops

    func testAStopSequenceEndsTheTextBeforeItWithStopReasonStopSequence() throws {
        let reference = answer(question, settings(maxTokens: 200, temperature: 0)).text
        let stop = "temperature"
        let range = try XCTUnwrap(reference.range(of: stop))
        let stopped = answer(question, settings(maxTokens: 200, temperature: 0, stops: [stop]))
        XCTAssertEqual(stopped.text, String(reference[..<range.lowerBound]))
        XCTAssertEqual(stopped.stop, LocalStop(reason: .stopSequence, sequence: stop))
    }

    func testAStopSequenceSpanningTwoTokensIsFound() throws {
        let reference = answer(question, settings(maxTokens: 200, temperature: 0)).text
        let tokens = Tokenizer.tokens(reference)
        // The last two characters of one word and the first two of the next, so the stop spans a token boundary.
        let index = try XCTUnwrap(tokens.indices.dropLast().first { tokens[$0].count >= 4 && tokens[$0 + 1].count >= 4 })
        let stop = String(tokens[index].suffix(2)) + String(tokens[index + 1].prefix(2))
        let expected = String(reference[..<reference.range(of: stop)!.lowerBound])
        let stopped = answer(question, settings(maxTokens: 200, temperature: 0, stops: [stop]))
        XCTAssertEqual(stopped.text, expected)
        XCTAssertEqual(stopped.stop, LocalStop(reason: .stopSequence, sequence: stop))
    }

    func testTheBuiltInHumanStopEndsAFinishedAnswer() {
        let model = LocalModel(corpus: "\n\nHuman: Hi\n\nAssistant: Hello there, friend.")
        let result = answer(model, "\n\nHuman: Hi\n\nAssistant:", settings(maxTokens: 100, temperature: 0))
        XCTAssertEqual(result.text, " Hello there, friend.")
        XCTAssertEqual(result.stop, LocalStop(reason: .stopSequence, sequence: "\n\nHuman:"))
    }

    func testMaxTokensEndsTheTextAfterExactlyThatManyTokens() {
        var generation = LocalModel.shared.generate(prompt: question, parameters: settings(maxTokens: 7, temperature: 0))
        var bytes: [UInt8] = []
        var steps = 0
        var stop: LocalStop? = nil
        while stop == nil {
            stop = generation.step(into: &bytes)
            steps += 1
        }
        XCTAssertEqual(steps, 7)
        XCTAssertEqual(generation.tokenCount, 7)
        XCTAssertEqual(stop, LocalStop(reason: .maxTokens, sequence: nil))
        let longer = answer(question, settings(maxTokens: 40, temperature: 0)).text
        XCTAssertTrue(longer.hasPrefix(String(decoding: bytes, as: UTF8.self)))
        XCTAssertLessThan(bytes.count, longer.utf8.count)
    }

    func testPiecesEndWithTheStopAndJoinIntoTheCollectedText() {
        let parameters = settings(maxTokens: 50, temperature: 0, stops: ["Enter"])
        var pieces: [String] = []
        var end: LocalStop? = nil
        for piece in LocalModel.shared.generate(prompt: question, parameters: parameters) {
            switch piece {
            case .text(let text): XCTAssertNil(end); XCTAssertFalse(text.isEmpty); pieces.append(text)
            case .end(let stop): end = stop
            }
        }
        let whole = answer(question, parameters)
        XCTAssertEqual(pieces.joined(), whole.text)
        XCTAssertEqual(end, whole.stop)
    }

    // MARK: - Where the answer starts

    func testKeywordsOfTheQuestionChooseTheMatchingAnswer() {
        let model = LocalModel(corpus: """
            \n\nHuman: What colour is the sky?\n\nAssistant: The sky is blue.\
            \n\nHuman: What do cats eat?\n\nAssistant: Cats eat fish.
            """)
        XCTAssertEqual(answer(model, "\n\nHuman: Tell me about cats\n\nAssistant:", settings(temperature: 0)).text,
                       " Cats eat fish.")
        XCTAssertEqual(answer(model, "\n\nHuman: Why is the SKY like that?\n\nAssistant:", settings(temperature: 0)).text,
                       " The sky is blue.")
    }

    func testAPlainCorpusContinuesTheLastWordsOfTheHumanTurn() {
        let model = LocalModel(corpus: "The cat sat on the mat. The dog ran to the park.")
        let result = answer(model, "\n\nHuman: Look, the dog\n\nAssistant:", settings(temperature: 0))
        XCTAssertEqual(result.text, " ran to the park.")
        XCTAssertEqual(result.stop, LocalStop(reason: .stopSequence, sequence: "\n\nHuman:"))
    }

    func testAPrefilledAnswerIsContinued() {
        let model = LocalModel(corpus: "The cat sat on the mat. The dog ran to the park.")
        let result = answer(model, "\n\nHuman: Hi\n\nAssistant: The cat", settings(temperature: 0))
        XCTAssertEqual(result.text, " sat on the mat. The dog ran to the park.")
    }

    func testTheModelNeverWritesAnAssistantTurnMarker() {
        // After "Assistant" the corpus only has ":", but after a blank line that would forge a turn.
        let model = LocalModel(corpus: "ok then.\n\nSo. Assistant: yes. Assistant: no.")
        let forged = answer(model, "\n\nHuman: Hi\n\nAssistant: ok\n\nAssistant", settings(maxTokens: 1, temperature: 0))
        XCTAssertFalse(forged.text.hasPrefix(":"))
        let plain = answer(model, "\n\nHuman: Hi\n\nAssistant: ok Assistant", settings(maxTokens: 1, temperature: 0))
        XCTAssertEqual(plain.text, ":")
    }

    func testAnEmptyCorpusEndsAtOnce() {
        let result = answer(LocalModel(corpus: ""), question, settings(temperature: 0))
        XCTAssertEqual(result.text, "")
        XCTAssertEqual(result.stop, LocalStop(reason: .stopSequence, sequence: "\n\nHuman:"))
    }
}

final class CorpusFileTests: XCTestCase {
    func testACorpusFileIsLearned() throws {
        let path = NSTemporaryDirectory() + "turns-corpus-\(UInt64.random(in: 0...UInt64.max)).txt"
        try "The cat sat on the mat.".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var generation = try LocalModel(corpusFile: path).generate(
            prompt: "\n\nHuman: the cat\n\nAssistant:", parameters: SamplingSettings(maxTokensToSample: 20, temperature: 0))
        XCTAssertEqual(generation.collect().text, " sat on the mat.")
    }

    func testAMissingOrEmptyCorpusFileIsAClearError() throws {
        let missing = "/nonexistent/turns-corpus.txt"
        XCTAssertThrowsError(try LocalModel(corpusFile: missing)) { error in
            XCTAssertTrue(String(describing: error).hasPrefix("cannot read corpus file \(missing): "))
        }
        let path = NSTemporaryDirectory() + "turns-empty-\(UInt64.random(in: 0...UInt64.max)).txt"
        try " \n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        XCTAssertThrowsError(try LocalModel(corpusFile: path)) { error in
            XCTAssertEqual(error as? CorpusFileError, .empty(path: path))
        }
    }
}
