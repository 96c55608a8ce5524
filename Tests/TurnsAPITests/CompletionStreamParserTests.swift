import Foundation
import TurnsAPI
import TurnsTestSupport
import XCTest

final class CompletionStreamParserTests: XCTestCase {
    /// What a whole stream decodes to.
    private struct Outcome: Equatable {
        var text = ""
        var deltas = 0
        var stopReason: String?
        var model: String?
        var id: String?
        var error: APIError?
    }

    private func parse(_ reads: [[UInt8]]) -> Outcome {
        var parser = CompletionStreamParser()
        var outcome = Outcome()
        for read in reads {
            let batch = parser.feed(read)
            if let delta = batch.delta {
                outcome.deltas += 1
                outcome.text += delta.text
                outcome.stopReason = delta.stopReason ?? outcome.stopReason
                outcome.model = delta.model ?? outcome.model
                outcome.id = delta.id ?? outcome.id
            }
            if let error = batch.error {
                XCTAssertNil(outcome.error, "a second error was reported")
                outcome.error = error
            }
        }
        if let error = parser.finish() {
            XCTAssertNil(outcome.error, "finish reported an error after the stream's own")
            outcome.error = error
        }
        return outcome
    }

    private func parse(_ reads: String...) -> Outcome { parse(reads.map { Array($0.utf8) }) }

    // MARK: - Shared vectors

    func testEveryCompletionStreamVectorPassesInGivenChunksAndAtEverySplit() throws {
        let cases = try VectorCase.load("sse/completion_streams.json", expectedKey: "expect_completion")
        XCTAssertFalse(cases.isEmpty)
        for vector in cases {
            let expected = vector.expected
            for reading in vector.readings {
                let outcome = parse(reading.reads)
                let label = "\(vector.name), \(reading.label)"
                XCTAssertEqual(outcome.text, expected["text"]?.stringValue, label)
                if let errorType = expected["error_type"]?.stringValue {
                    XCTAssertEqual(outcome.error?.errorType, errorType, label)
                    XCTAssertEqual(outcome.error?.message, expected["error_message"]?.stringValue, label)
                    XCTAssertEqual(outcome.error?.status, 200, label)
                    XCTAssertEqual(outcome.error?.kind, APIError.kind(forErrorType: errorType), label)
                } else {
                    XCTAssertNil(outcome.error, label)
                    XCTAssertEqual(outcome.stopReason, expected["stop_reason"]?.stringValue, label)
                    XCTAssertEqual(outcome.model, expected["model"]?.stringValue, label)
                }
            }
        }
    }

    // MARK: - Deltas

    func testAllEventsOfOneReadAreMergedIntoOneDeltaWithTheLastStopReasonModelAndID() {
        var parser = CompletionStreamParser()
        let batch = parser.feed(Array("""
            event: completion
            data: {"completion":" Hel","stop_reason":null,"model":"m1","id":"c1"}

            event: ping
            data: {"type": "ping"}

            event: completion
            data: {"type":"completion","completion":"lo","stop_reason":"max_tokens","stop":null,"model":"m2","log_id":"x"}


            """.utf8))
        XCTAssertNil(batch.error)
        XCTAssertEqual(batch.delta, CompletionDelta(text: " Hello", stopReason: "max_tokens", stop: nil, model: "m2", id: "c1"))
        XCTAssertEqual(parser.stopReason, "max_tokens")
        XCTAssertNil(parser.finish())
    }

    func testAFailedEventAddsNothingToTheReadsDeltaAndARepeatedTextKeyKeepsTheFirstAsJSONDecoderDoes() {
        var parser = CompletionStreamParser()
        let batch = parser.feed(Array("""
            event: completion
            data: {"completion":"one","completion":"two","model":"m"}

            event: completion
            data: {"completion":"lost","stop_reason":"max_tokens","id":5}


            """.utf8))
        XCTAssertEqual(batch.delta, CompletionDelta(text: "one", model: "m"))
        XCTAssertEqual(batch.error?.kind, .malformedResponse)
        XCTAssertNil(parser.stopReason)
    }

    func testTheModelAndIDOfEachReadAreItsOwnEvenWhenTheyRepeatOrChange() {
        var parser = CompletionStreamParser()
        func event(_ model: String) -> String { "event: completion\ndata: {\"completion\":\"x\",\"model\":\"\(model)\",\"id\":null}\n\n" }
        XCTAssertEqual(parser.feed(Array(event("claude-2.1").utf8)).delta?.model, "claude-2.1")
        XCTAssertEqual(parser.feed(Array(event("claude-2.1").utf8)).delta?.model, "claude-2.1")
        XCTAssertEqual(parser.feed(Array(event("other").utf8)).delta?.model, "other")
        XCTAssertEqual(parser.feed(Array("event: completion\ndata: {\"completion\":\"y\"}\n\n".utf8)).delta,
                       CompletionDelta(text: "y"))
    }

    func testAnEventEndingLikeTheLastOneIsReadAsItsWholeObjectWouldBeAtEverySplit() {
        // Only the text of an event that ends exactly as the last plain one did is read; these events change the
        // model after a stop, escape the text, use \u (JSONDecoder's) and hold a raw control character (an error).
        let stream = Array(#"""
            event: completion
            data: {"completion":"a","model":"m1","stop_reason":null}

            event: completion
            data: {"completion":"b\n\"c\"","model":"m1","stop_reason":null}

            event: completion
            data: {"completion":"d","model":"m2","stop_reason":"stop_sequence","stop":"X"}

            event: completion
            data: {"completion":"e","model":"m1","stop_reason":null}

            event: completion
            data: {"completion":"\u0066","stop_reason":null}

            event: completion
            data: {"completion":"g\#u{01}"}


            """#.utf8)
        for split in 0...stream.count {
            var parser = CompletionStreamParser()
            var outcome = Outcome()
            for part in [stream[..<split], stream[split...]] {
                let batch = parser.feed(Array(part))
                outcome.text += batch.delta?.text ?? ""
                outcome.stopReason = batch.delta?.stopReason ?? outcome.stopReason
                outcome.model = batch.delta?.model ?? outcome.model
                if batch.error != nil { outcome.error = batch.error }
            }
            XCTAssertEqual(outcome.text, "ab\n\"c\"def", "split at \(split)")
            XCTAssertEqual(outcome.model, "m1", "split at \(split)")
            XCTAssertEqual(outcome.stopReason, "stop_sequence", "split at \(split)")
            XCTAssertEqual(outcome.error?.kind, .malformedResponse, "split at \(split)")
        }
    }

    func testReadsOfPlainAndOtherEventsDecodeAsJSONDecoderReadsEachEvent() throws {
        // Plain events are read by a targeted scan, the others by JSONDecoder: this checks the two against
        // JSONSerialization over streams that repeat, vary a field, reorder keys, add keys, escape the text, and break.
        var rng = SeededGenerator(seed: 31)
        for _ in 0..<300 {
            var parser = CompletionStreamParser()
            var expected = Outcome()
            var expectedFailure = false
            var keys = ["type", "id", "completion", "stop_reason", "model", "stop"]
            var model = "claude-2.1"
            var stream = ""
            for _ in 0..<Int.random(in: 1...12, using: &rng) {
                switch Int.random(in: 0..<10, using: &rng) {
                case 0: keys.shuffle(using: &rng)
                case 1: model = ["claude-2.1", "claude-instant-1.2", #"m\u00e9"#].randomElement(using: &rng)!
                case 2: keys.append("extra\(keys.count)")
                default: break
                }
                let text = TrickyText.random(using: &rng, maxPieces: 4)
                let reason: String? = Int.random(in: 0..<6, using: &rng) == 0 ? "max_tokens" : nil
                let members = keys.map { key -> String in
                    switch key {
                    case "type": return #""type": "completion""#
                    case "id": return #""id":"compl_01ABCDEF""#
                    case "completion": return #""completion":"# + Self.quoted(text)
                    case "stop_reason": return #""stop_reason":"# + (reason.map { #""\#($0)""# } ?? "null")
                    case "model": return #""model": ""# + model + #"""#
                    case "stop": return #""stop":null"#
                    default: return "\"\(key)\":[1,{\"a\":\"\\\"\"}]"
                    }
                }
                var data = "{" + members.joined(separator: ", ") + "}"
                let broken = Int.random(in: 0..<25, using: &rng) == 0
                if broken { data = String(data.dropLast()) }
                stream += "event: completion\ndata: \(data)\n\n"
                guard !expectedFailure else { continue }
                if broken { expectedFailure = true; continue }
                let reference = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any])
                expected.text += reference["completion"] as? String ?? ""
                expected.stopReason = reference["stop_reason"] as? String ?? expected.stopReason
                expected.model = reference["model"] as? String ?? expected.model
            }
            // In reads of random sizes, so events are split and merged every which way.
            var outcome = Outcome()
            let bytes = Array(stream.utf8)
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + Int.random(in: 1...400, using: &rng))
                let batch = parser.feed(Array(bytes[offset..<end]))
                outcome.text += batch.delta?.text ?? ""
                outcome.stopReason = batch.delta?.stopReason ?? outcome.stopReason
                outcome.model = batch.delta?.model ?? outcome.model
                if batch.error != nil { outcome.error = batch.error }
                offset = end
            }
            XCTAssertEqual(outcome.text, expected.text)
            XCTAssertEqual(outcome.stopReason, expected.stopReason)
            XCTAssertEqual(outcome.model, expected.model)
            XCTAssertEqual(outcome.error?.kind, expectedFailure ? .malformedResponse : nil)
        }
    }

    func testAReadThatCompletesNoEventGivesNoDelta() {
        var parser = CompletionStreamParser()
        XCTAssertEqual(parser.feed(Array("event: completion\ndata: {\"completion\":".utf8)), CompletionStreamBatch())
        XCTAssertEqual(parser.feed(Array("\"x\",\"stop_reason\":\"stop_sequence\",\"stop\":\"END\"}\n\n".utf8)).delta,
                       CompletionDelta(text: "x", stopReason: "stop_sequence", stop: "END"))
    }

    func testEscapesAndUnicodeInTheTextAreDecodedAndUnknownNestedValuesSkipped() {
        let outcome = parse(#"""
            event: completion
            data: {"extra":{"a":[1,2.5e3,{"b":"\"}"}],"c":true},"completion":"line\n\"q\" \u00e9\ud83d\ude00 界","stop_reason":"stop_sequence"}


            """#)
        XCTAssertNil(outcome.error)
        XCTAssertEqual(outcome.text, "line\n\"q\" é😀 界")
        XCTAssertEqual(outcome.stopReason, "stop_sequence")
    }

    func testAnEscapeAControlOrAWideCharacterIsReadWhereverItFallsInAString() {
        // The scan steps eight bytes at a time: each of these lands at every offset of a word and past its end.
        let cases: [(json: String, text: String?)] = [
            (#"\""#, "\""), (#"\\"#, "\\"), (#"\n"#, "\n"), (#"\u00e9"#, "é"), ("é", "é"), ("界", "界"),
            ("\u{1}", nil), ("\u{1F}", nil), ("\t", nil),
        ]
        for (json, text) in cases {
            for before in 0..<18 {
                let padding = String(repeating: "a", count: before)
                let outcome = parse("event: completion\ndata: {\"completion\":\"\(padding)\(json)bcdefghij\"," +
                                    "\"stop_reason\":\"end\"}\n\n")
                if let text {
                    XCTAssertEqual(outcome.text, padding + text + "bcdefghij", "\(json) after \(before)")
                    XCTAssertNil(outcome.error, "\(json) after \(before)")
                } else {
                    XCTAssertEqual(outcome.error?.kind, .malformedResponse, "raw control character after \(before)")
                }
            }
        }
    }

    func testPingAndUnknownEventsAndEventsWithoutANameAreIgnored() {
        let outcome = parse("event: ping\ndata: {}\n\nevent: ping\n\ndata: {\"completion\":\"no\"}\n\n",
                            "event: content_block_delta\ndata: {\"completion\":\"no\"}\n\n",
                            "event: completion\ndata: {\"completion\":\"yes\",\"stop_reason\":\"max_tokens\"}\n\n")
        XCTAssertEqual(outcome, Outcome(text: "yes", deltas: 1, stopReason: "max_tokens"))
    }

    // MARK: - Failures

    func testMalformedJSONInACompletionEventIsAMalformedResponseAfterTheEarlierText() {
        let outcome = parse("event: completion\ndata: {\"completion\":\"ok\"}\n\n",
                            "event: completion\ndata: {\"completion\": \"cut\n\n")
        XCTAssertEqual(outcome.text, "ok")
        XCTAssertEqual(outcome.error?.kind, .malformedResponse)
        XCTAssertEqual(outcome.error?.status, 200)
        XCTAssertTrue(outcome.error?.message.hasPrefix("a completion event could not be read: invalid JSON") ?? false,
                      outcome.error?.message ?? "")
    }

    func testTrailingTextAfterTheCompletionObjectIsMalformed() {
        XCTAssertEqual(parse("event: completion\ndata: {\"completion\":\"a\"} x\n\n").error?.kind, .malformedResponse)
    }

    func testACompletionFieldThatIsNotAStringIsMalformed() {
        XCTAssertEqual(parse("event: completion\ndata: {\"completion\":5}\n\n").error?.kind, .malformedResponse)
    }

    func testAnErrorEventInTheSameReadAsTextKeepsTheTextAndStopsDecoding() {
        var parser = CompletionStreamParser()
        let batch = parser.feed(Array("""
            event: completion
            data: {"completion":"partial"}

            event: error
            data: {"type":"error","error":{"type":"rate_limit_error","message":"slow down"}}

            event: completion
            data: {"completion":"ignored","stop_reason":"max_tokens"}


            """.utf8))
        XCTAssertEqual(batch.delta?.text, "partial")
        XCTAssertEqual(batch.error, APIError(kind: .rateLimit, status: 200, errorType: "rate_limit_error", message: "slow down"))
        XCTAssertEqual(parser.feed(Array("event: completion\ndata: {\"completion\":\"more\"}\n\n".utf8)), CompletionStreamBatch())
        XCTAssertNil(parser.finish(), "the error was already reported")
    }

    func testAnErrorEventWhoseDataIsNotJSONBecomesAnAPIStatusErrorWithTheTextAsMessage() {
        let outcome = parse("event: error\ndata: upstream   exploded\n\n")
        XCTAssertEqual(outcome.error, APIError(kind: .apiStatus, status: 200, message: "upstream exploded"))
    }

    func testAnErrorEventOfAnUnknownTypeIsAnAPIStatusErrorKeepingTheType() {
        let outcome = parse("event: error\ndata: {\"error\":{\"type\":\"billing_error\",\"message\":\"pay up\"}}\n\n")
        XCTAssertEqual(outcome.error, APIError(kind: .apiStatus, status: 200, errorType: "billing_error", message: "pay up"))
    }

    func testAStreamEndingWithoutAStopReasonIsAnIncompleteAnswer() {
        let outcome = parse("event: completion\ndata: {\"completion\":\"half\",\"stop_reason\":null}\n\n")
        XCTAssertEqual(outcome.text, "half")
        XCTAssertEqual(outcome.error, APIError(kind: .connection, message: "the stream ended before the answer was complete"))
    }

    // MARK: - Messages text deltas

    func testAMessagesTextDeltaWithEscapesAndUTF8IsReadAtEverySplitOfTheStream() {
        let stream = Array(#"""
            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"a\/b\t\"c\" \\ é😀\n"}}

            event: content_block_delta
            data: { "type" : "content_block_delta" , "index" : 12 , "delta" : { "text" : "界\u0041" , "type" : "text_delta" } }

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"hidden"}}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null}}

            event: message_stop
            data: {"type":"message_stop"}


            """#.utf8)
        for split in 0...stream.count {
            var parser = CompletionStreamParser(api: .messages)
            let first = parser.feed(Array(stream[..<split])), second = parser.feed(Array(stream[split...]))
            XCTAssertEqual((first.delta?.text ?? "") + (second.delta?.text ?? ""), "a/b\t\"c\" \\ é😀\n界A", "split at \(split)")
            XCTAssertNil(first.error ?? second.error, "split at \(split)")
            XCTAssertEqual(parser.stopReason, "end_turn", "split at \(split)")
        }
    }

    func testMessagesTextDeltasInEveryFormDecodeAsJSONSerializationReadsThem() throws {
        // Plain text deltas are read by the targeted scan, the rest by JSONDecoder: both against JSONSerialization,
        // over events that reorder and space their keys, add one, change the delta's type, escape the text, and break.
        var rng = SeededGenerator(seed: 47)
        for _ in 0..<300 {
            var parser = CompletionStreamParser(api: .messages)
            var expected = "", expectedFailure = false, stream = ""
            for _ in 0..<Int.random(in: 1...12, using: &rng) {
                let text = TrickyText.random(using: &rng, maxPieces: 4)
                let deltaType = Int.random(in: 0..<8, using: &rng) == 0 ? "thinking_delta" : "text_delta"
                var delta = [#""type":"\#(deltaType)""#, #""text":"# + Self.quoted(text)]
                var members = [#""type":"content_block_delta""#, #""index":\#(Int.random(in: 0...20, using: &rng))"#]
                switch Int.random(in: 0..<8, using: &rng) {
                case 0: delta.shuffle(using: &rng); members.shuffle(using: &rng)
                case 1: members.append(#""extra":[1,{"a":null}]"#)
                case 2: delta = delta.map { $0.replacingOccurrences(of: "\":", with: "\" : ") }
                default: break
                }
                members.append(#""delta":{"# + delta.joined(separator: ",") + "}")
                var data = "{" + members.joined(separator: ", ") + "}"
                let broken = Int.random(in: 0..<25, using: &rng) == 0
                if broken { data = String(data.dropLast()) }
                stream += "event: content_block_delta\ndata: \(data)\n\n"
                guard !expectedFailure else { continue }
                if broken { expectedFailure = true; continue }
                let reference = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any])
                let referenceDelta = try XCTUnwrap(reference["delta"] as? [String: Any])
                if referenceDelta["type"] as? String == "text_delta" { expected += referenceDelta["text"] as? String ?? "" }
            }
            var text = "", failed = false
            let bytes = Array(stream.utf8)
            var offset = 0
            while offset < bytes.count {
                let end = min(bytes.count, offset + Int.random(in: 1...400, using: &rng))
                let batch = parser.feed(Array(bytes[offset..<end]))
                text += batch.delta?.text ?? ""
                failed = failed || batch.error != nil
                offset = end
            }
            XCTAssertEqual(text, expected)
            XCTAssertEqual(failed, expectedFailure)
        }
    }

    /// `text` as a JSON string literal, written by JSONSerialization.
    private static func quoted(_ text: String) -> String {
        let array = try! JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])
        return String(String(decoding: array, as: UTF8.self).dropFirst().dropLast())
    }
}
