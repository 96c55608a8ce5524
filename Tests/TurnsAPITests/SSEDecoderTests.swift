import TurnsAPI
import TurnsCore
import XCTest
import TurnsTestSupport

final class SSEDecoderTests: XCTestCase {
    /// Feeds the reads in order, then ends the stream, and returns every event dispatched.
    private func decode(_ reads: [[UInt8]]) -> [ServerSentEvent] {
        var decoder = SSEDecoder()
        var events: [ServerSentEvent] = []
        for read in reads { events += decoder.feed(read) }
        decoder.finish()
        return events
    }

    private func decode(_ text: String) -> [ServerSentEvent] { decode([Array(text.utf8)]) }

    private func expectedEvents(_ value: TestJSON) throws -> [ServerSentEvent] {
        try XCTUnwrap(value.arrayValue).map { item in
            ServerSentEvent(event: item["event"]?.stringValue, data: try XCTUnwrap(item["data"]?.stringValue),
                            id: item["id"]?.stringValue, retry: item["retry"]?.intValue)
        }
    }

    // MARK: - Shared vectors

    func testEveryDecoderVectorPassesInGivenChunksAtEverySplitAndByteByByte() throws {
        let cases = try VectorCase.load("sse/decoder.json", expectedKey: "events")
        XCTAssertFalse(cases.isEmpty)
        for vector in cases {
            let expected = try expectedEvents(vector.expected)
            for reading in vector.readings {
                XCTAssertEqual(decode(reading.reads), expected, "\(vector.name), \(reading.label)")
            }
        }
    }

    // MARK: - Line endings

    func testACarriageReturnEndingOneReadAndALineFeedStartingTheNextAreOneLineEnding() {
        var decoder = SSEDecoder()
        XCTAssertEqual(decoder.feed(Array("data: a\r".utf8)), [])
        // The LF completes the CR above; only the second CR is a blank line.
        XCTAssertEqual(decoder.feed(Array("\n\r".utf8)), [ServerSentEvent(data: "a")])
        XCTAssertEqual(decoder.feed(Array("\ndata: b\n\n".utf8)), [ServerSentEvent(data: "b")])
    }

    func testABlankLineEndedByCarriageReturnDispatchesAtOnceWithoutWaitingForTheNextRead() {
        var decoder = SSEDecoder()
        XCTAssertEqual(decoder.feed(Array("event: x\rdata: 1\r\r".utf8)), [ServerSentEvent(event: "x", data: "1")])
    }

    func testMixedLineEndingsInOneStreamAllEndLines() {
        XCTAssertEqual(decode("data: a\r\ndata: b\rdata: c\n\r\n"), [ServerSentEvent(data: "a\nb\nc")])
    }

    func testLineSeparatorAndOtherUnicodeBreaksDoNotEndALine() {
        XCTAssertEqual(decode("data: a\u{2028}b\u{85}c\u{0B}d\u{0C}e\u{1C}f\n\n"),
                       [ServerSentEvent(data: "a\u{2028}b\u{85}c\u{0B}d\u{0C}e\u{1C}f")])
    }

    // MARK: - Fields

    func testAnIDContainingNULIsIgnoredAndTheLastIDCarriesOverToLaterEvents() {
        XCTAssertEqual(decode("id: 7\ndata: a\n\nid: 8\u{0}9\ndata: b\n\n"),
                       [ServerSentEvent(data: "a", id: "7"), ServerSentEvent(data: "b", id: "7")])
    }

    func testOnceAnIDIsSeenABlankLineDispatchesAnEmptyEventAsTheSDKDoes() {
        XCTAssertEqual(decode("id: 1\n\n\n"),
                       [ServerSentEvent(id: "1"), ServerSentEvent(id: "1")])
    }

    func testARetryThatIsNotDigitsIsIgnored() {
        XCTAssertEqual(decode("retry: 12a\ndata: x\n\nretry: 500\ndata: y\n\n"),
                       [ServerSentEvent(data: "x"), ServerSentEvent(data: "y", retry: 500)])
    }

    func testABlankLineWithNothingPendingDispatchesNothing() {
        XCTAssertEqual(decode("\n\n\r\n: comment\n\n"), [])
    }

    func testAnEmptyEventFieldCountsAsNoName() {
        XCTAssertEqual(decode("event:\ndata: x\n\n"), [ServerSentEvent(event: nil, data: "x")])
    }

    func testTheRetryFieldIsResetAfterEachEventButNotTheName() {
        XCTAssertEqual(decode("event: a\nretry: 5\n\ndata: z\n\n"),
                       [ServerSentEvent(event: "a", retry: 5), ServerSentEvent(data: "z")])
    }

    // MARK: - End of stream

    func testFinishDropsAnEventWithoutItsBlankLineAndSaysSo() {
        var decoder = SSEDecoder()
        XCTAssertEqual(decoder.feed(Array("data: x\n".utf8)), [])
        XCTAssertTrue(decoder.finish())
        XCTAssertFalse(decoder.finish())
    }

    func testFinishAfterACompleteEventDropsNothing() {
        var decoder = SSEDecoder()
        XCTAssertEqual(decoder.feed(Array("data: x\n\n".utf8)).count, 1)
        XCTAssertFalse(decoder.finish())
    }

    // MARK: - Property: any stream, any split

    func testGeneratedEventStreamsSplitAtRandomPointsDecodeToTheSameEvents() {
        var rng = SeededGenerator(seed: 0x7475726E73)
        let alphabet: [String] = ["a", "Z", " ", "0", ":", "é", "ж", "界", "😀", "\u{2028}", "\u{301}", "{", "\"", "\\"]
        let endings = ["\n", "\r\n", "\r"]
        for round in 0..<300 {
            var wire = ""
            var expected: [ServerSentEvent] = []
            for _ in 0..<Int.random(in: 1...6, using: &rng) {
                let ending = endings.randomElement(using: &rng)!
                let name = Bool.random(using: &rng) ? "completion" : nil
                let lines = (0..<Int.random(in: 1...3, using: &rng)).map { _ in
                    (0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! }.joined()
                }
                if Bool.random(using: &rng) { wire += ": comment" + ending }
                if let name { wire += "event: " + name + ending }
                for line in lines { wire += "data: " + line + ending }
                wire += ending
                expected.append(ServerSentEvent(event: name, data: lines.joined(separator: "\n")))
            }
            let bytes = Array(wire.utf8)
            var cuts = (0..<Int.random(in: 0...8, using: &rng)).map { _ in Int.random(in: 0...bytes.count, using: &rng) }
            cuts.sort()
            var reads: [[UInt8]] = []
            var start = 0
            for cut in cuts + [bytes.count] {
                reads.append(Array(bytes[start..<cut]))
                start = cut
            }
            XCTAssertEqual(decode(reads), expected, "round \(round): \(wire.debugDescription) cut at \(cuts)")
        }
    }
}
