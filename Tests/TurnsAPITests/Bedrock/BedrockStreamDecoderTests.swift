import Foundation
@testable import TurnsAPI
import TurnsServe
import TurnsTestSupport
import XCTest

/// However the body of a Bedrock stream is cut into reads, the text, the stop reason and the errors come out the same.
final class BedrockStreamDecoderTests: XCTestCase {
    private let texts = ["Hello", ", wörld", " 界", " 😀", "\n\n", "", " end."]

    private func stream(exceptionAfter: Int? = nil) throws -> [UInt8] {
        var body: [UInt8] = []
        for (index, text) in texts.enumerated() {
            if index == exceptionAfter {
                try EventStreamEncoder.encode(EventStreamMessage(headers: [
                    EventStreamHeader(":exception-type", .string("modelStreamErrorException")),
                    EventStreamHeader(":content-type", .string("application/json")),
                    EventStreamHeader(":message-type", .string("exception")),
                ], payload: Array(#"{"message":"the model stopped"}"#.utf8)), into: &body)
            }
            let last = index == texts.count - 1
            let piece = Completion(completion: text, stopReason: last ? "stop_sequence" : nil, stop: last ? "\n\nHuman:" : nil)
            try EventStreamEncoder.encode(BedrockServer.chunkMessage(piece), into: &body)
        }
        return body
    }

    /// Feeds `reads` in order: the text, the last stop reason, the first error, and what `finish()` says.
    private func decode(_ reads: [[UInt8]]) -> (text: String, stop: String?, error: APIError?, finish: APIError?) {
        var decoder = BedrockStreamDecoder()
        var text = "", stop: String?, error: APIError?
        for read in reads {
            let batch = decoder.feed(read)
            text += batch.delta?.text ?? ""
            if let reason = batch.delta?.stopReason { stop = reason }
            if error == nil { error = batch.error }
        }
        return (text, stop, error, decoder.finish())
    }

    func testTheTextAndStopReasonAreTheSameAtEverySplitAndByteByByte() throws {
        let body = try stream()
        let whole = decode([body])
        XCTAssertEqual(whole.text, texts.joined())
        XCTAssertEqual(whole.stop, "stop_sequence")
        XCTAssertNil(whole.error)
        XCTAssertNil(whole.finish)
        for (label, reads) in EventStreamTesting.readings(of: body) {
            let result = decode(reads)
            XCTAssertEqual(result.text, whole.text, label)
            XCTAssertEqual(result.stop, whole.stop, label)
            XCTAssertNil(result.error, label)
            XCTAssertNil(result.finish, label)
        }
    }

    func testAnExceptionKeepsTheTextBeforeItAtEverySplitAndEndsTheStream() throws {
        let body = try stream(exceptionAfter: 3)
        for (label, reads) in EventStreamTesting.readings(of: body) {
            let result = decode(reads)
            XCTAssertEqual(result.text, texts.prefix(3).joined(), label)
            XCTAssertEqual(result.error, APIError(kind: .apiStatus, status: 200, errorType: "modelStreamErrorException",
                                                  message: "the model stopped"), label)
            XCTAssertNil(result.stop, label)
            XCTAssertNil(result.finish, "an error already ended the stream: \(label)")
        }
    }

    func testACorruptChecksumAfterTheFirstChunkKeepsItsTextAtEverySplit() throws {
        var body = try stream()
        let first = Int(body[0]) << 24 | Int(body[1]) << 16 | Int(body[2]) << 8 | Int(body[3])
        body[first + 20] ^= 0x40
        for (label, reads) in EventStreamTesting.readings(of: body) {
            let result = decode(reads)
            XCTAssertEqual(result.text, texts[0], label)
            XCTAssertEqual(result.error?.kind, .malformedResponse, label)
        }
    }

    func testChunkBase64DecodesAsFoundationDoesOrIsLeftToIt() {
        func decoded(_ text: String) -> [UInt8]? {
            let text = Array(text.utf8)
            var out = [UInt8](repeating: 0, count: text.count / 4 * 3 + 1)
            let count = text.withUnsafeBufferPointer { text in
                out.withUnsafeMutableBufferPointer { BedrockChunk.decodeBase64(text, into: $0) }
            }
            return count.map { Array(out[..<$0]) }
        }
        XCTAssertEqual(decoded("eyJhIjoxfQ=="), Array(#"{"a":1}"#.utf8))
        XCTAssertEqual(decoded("YWI="), Array("ab".utf8))
        XCTAssertEqual(decoded("YWJj"), Array("abc".utf8))
        XCTAssertEqual(decoded(""), [])
        for invalid in ["YWI", "Y===", "====", "YW=j", "YW J", "YWJ\n", "YR==", "YWJ-"] {
            XCTAssertNil(decoded(invalid), invalid)
        }
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...40, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var text = Data(bytes).base64EncodedString()
            if !text.isEmpty, Int.random(in: 0..<4, using: &rng) == 0 {
                let index = text.index(text.startIndex, offsetBy: Int.random(in: 0..<text.count, using: &rng))
                text.replaceSubrange(index...index, with: String(UnicodeScalar(UInt8.random(in: 0x20...0x7E, using: &rng))))
            }
            let foundation = Data(base64Encoded: text).map(Array.init)
            if let ours = decoded(text) {
                XCTAssertEqual(ours, foundation, text)
            }
            if foundation == nil { XCTAssertNil(decoded(text), text) }
        }
    }

    func testAnEventTypeDifferingFromChunkInOneByteIsSkipped() throws {
        func event(_ type: String, _ text: String) throws -> [UInt8] {
            try EventStreamEncoder.encode(EventStreamMessage(headers: [
                EventStreamHeader(":event-type", .string(type)),
                EventStreamHeader(":content-type", .string("application/json")),
                EventStreamHeader(":message-type", .string("event")),
            ], payload: BedrockServer.chunkPayload(modelJSON: Array("{\"completion\":\"\(text)\",\"stop_reason\":null}".utf8))))
        }
        var body = try event("chunk", "a") + event("chunq", "b") + event("chunk", "c") + event("xhunk", "d")
        body += try EventStreamEncoder.encode(BedrockServer.chunkMessage(Completion(completion: "e", stopReason: "stop_sequence")))
        for (label, reads) in [("whole", [body]), ("one byte per read", body.map { [$0] })] {
            let result = decode(reads)
            XCTAssertEqual(result.text, "ace", label)
            XCTAssertNil(result.error, label)
        }
    }

    func testAThousandChunksInOneReadOrAtRandomCutsComeOutWholeAndACorruptOneStopsThemWhereItIs() throws {
        var body: [UInt8] = []
        var starts: [Int] = []
        for index in 0..<1000 {
            starts.append(body.count)
            let last = index == 999
            try EventStreamEncoder.encode(BedrockServer.chunkMessage(Completion(completion: "\(index % 10)",
                                                                                stopReason: last ? "stop_sequence" : nil)), into: &body)
        }
        let expected = (0..<1000).map { "\($0 % 10)" }.joined()
        var rng = SeededGenerator(seed: 1000)
        var cuts: [[[UInt8]]] = [[body]]
        for _ in 0..<5 {
            var reads: [[UInt8]] = [], at = 0
            while at < body.count {
                let next = min(body.count, at + Int.random(in: 1...40_000, using: &rng))
                reads.append(Array(body[at..<next]))
                at = next
            }
            cuts.append(reads)
        }
        for reads in cuts {
            let result = decode(reads)
            XCTAssertEqual(result.text, expected, "\(reads.count) reads")
            XCTAssertEqual(result.stop, "stop_sequence")
            XCTAssertNil(result.error)
        }
        var corrupt = body
        corrupt[starts[500] + 30] ^= 0x01
        for reads in [[corrupt], [Array(corrupt[..<starts[300]]), Array(corrupt[starts[300]...])]] {
            let result = decode(reads)
            XCTAssertEqual(result.text, String(expected.prefix(500)), "\(reads.count) reads")
            XCTAssertEqual(result.error?.kind, .malformedResponse)
            XCTAssertTrue(result.error?.message.contains("Message checksum mismatch") ?? false, result.error?.message ?? "")
        }
    }

    /// A `chunk` event with the given payload (the same header block as every chunk).
    private func chunk(payload: String) throws -> [UInt8] {
        var message = BedrockServer.chunkMessage(Completion(completion: ""))
        message.payload = Array(payload.utf8)
        return try EventStreamEncoder.encode(message)
    }

    /// The base64 of a completion object with `text`.
    private func base64(_ text: String, stopReason: String? = nil) -> String {
        Data(BedrockServer.completionJSON(Completion(completion: text, stopReason: stopReason), metrics: nil)).base64EncodedString()
    }

    func testChunksInOtherFormsAmongCompactOnesAreReadInTheirPlaceAtEverySplit() throws {
        // "???" makes a '/' in the base64, which a JSON writer may escape as "\/": only a JSON decoder reads that one.
        let slashed = base64("???")
        XCTAssertTrue(slashed.contains("/"))
        var body = try chunk(payload: #"{"bytes":"\#(base64("a"))"}"#)
        body += try chunk(payload: #"{"bytes":"\#(base64("b"))","p":"abcdefgh"}"#)
        body += try chunk(payload: #"{"bytes":"\#(base64("c"))"}"#)
        body += try chunk(payload: #"{ "bytes" : "\#(base64("d"))" }"#)
        let escaped = slashed.replacingOccurrences(of: "/", with: #"\/"#)
        body += try chunk(payload: #"{"bytes":"\#(escaped)"}"#)
        body += try chunk(payload: #"{"bytes":"\#(base64("f", stopReason: "end_turn"))"}"#)
        for (label, reads) in EventStreamTesting.readings(of: body) {
            let result = decode(reads)
            XCTAssertEqual(result.text, "abcd???f", label)
            XCTAssertEqual(result.stop, "end_turn", label)
            XCTAssertNil(result.error, label)
            XCTAssertNil(result.finish, label)
        }
    }

    func testAChunkThatCannotBeReadAmongOthersKeepsTheTextBeforeItAndEndsTheStream() throws {
        let unreadable = [
            ("not base64", #"{"bytes":"@@@@"}"#, "is not base64 text"),
            ("base64 of what is not a completion object", #"{"bytes":"\#(Data("[1]".utf8).base64EncodedString())"}"#, "the value is not an object"),
            ("a lone last character", #"{"bytes":"\#(base64("x"))A"}"#, "is not base64 text"),
        ]
        for (name, payload, detail) in unreadable {
            var body = try chunk(payload: #"{"bytes":"\#(base64("a"))"}"#)
            body += try chunk(payload: #"{"bytes":"\#(base64("b"))"}"#)
            body += try chunk(payload: payload)
            body += try chunk(payload: #"{"bytes":"\#(base64("c", stopReason: "end_turn"))"}"#)
            for (label, reads) in EventStreamTesting.readings(of: body) {
                let result = decode(reads)
                XCTAssertEqual(result.text, "ab", "\(name), \(label)")
                XCTAssertEqual(result.error?.kind, .malformedResponse, "\(name), \(label)")
                XCTAssertTrue(result.error?.message.contains(detail) ?? false, "\(name): \(result.error?.message ?? "")")
                XCTAssertNil(result.stop, "nothing after the unreadable chunk is read: \(name), \(label)")
                XCTAssertNil(result.finish, "an error already ended the stream: \(name), \(label)")
            }
        }
    }
}
