import XCTest
import TurnsCore
import TurnsTestSupport

final class JSONValueTests: XCTestCase {
    func testEveryKindOfValueParses() throws {
        let value = try JSONValue.parse(#"{"a":[1,-2.5,3e2],"b":true,"c":null,"d":"x\"y\\z\n\u00e9\ud83d\ude00","e":{}}"#)
        XCTAssertEqual(value["a"], .array([.number(1), .number(-2.5), .number(300)]))
        XCTAssertEqual(value["b"], .bool(true))
        XCTAssertEqual(value["c"], .null)
        XCTAssertEqual(value["d"], .string("x\"y\\z\né😀"))
        XCTAssertEqual(value["e"], .object([]))
    }

    func testMalformedJSONReportsTheByteOffset() {
        func message(_ text: String) -> String? {
            do { _ = try JSONValue.parse(text); return nil } catch { return error.description }
        }
        XCTAssertEqual(message("{\"a\" 1}"), "invalid JSON at byte 5: expected ':'")
        XCTAssertEqual(message("[1,2"), "invalid JSON at byte 4: unexpected end of input")
        XCTAssertEqual(message("{} x"), "invalid JSON at byte 3: unexpected text after the JSON value")
        XCTAssertEqual(message("\"\u{01}\""), "invalid JSON at byte 1: control character in string")
        XCTAssertNotNil(message(String(repeating: "[", count: 10_000)))
    }

    func testInvalidUTF8InsideAStringIsRefused() {
        XCTAssertThrowsError(try JSONValue.parse(bytes: [0x22, 0xFF, 0x22]))
    }

    func testUTF8ValidationAgreesWithTheStandardLibraryOnRandomBytes() {
        var rng = SeededGenerator(seed: 11)
        // Bytes drawn mostly from the interesting edges (lead bytes, continuation bytes, the surrogate and
        // U+10FFFF boundaries), so most runs exercise a rule rather than plain ASCII.
        let edges: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0,
                              0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        for _ in 0..<20_000 {
            let bytes = (0..<Int.random(in: 0...6, using: &rng)).map { _ in
                Bool.random(using: &rng) ? edges.randomElement(using: &rng)! : UInt8.random(in: 0...255, using: &rng)
            }
            XCTAssertEqual(UTF8Validation.isValid(bytes), String(validating: bytes, as: UTF8.self) != nil,
                           "\(bytes.map { String($0, radix: 16) })")
        }
        for text in ["", "plain", "é", "界", "😀", "a\u{10FFFF}b", TrickyText.random(using: &rng)] {
            XCTAssertTrue(UTF8Validation.isValid(Array(text.utf8)), text)
        }
    }

    func testReadingAStringIntoBytesGivesTheSameTextAsReadingAString() throws {
        var rng = SeededGenerator(seed: 12)
        for _ in 0..<500 {
            let text = TrickyText.random(using: &rng)
            let literal = Array(JSONValue.string(text).jsonText.utf8)
            var out: [UInt8] = [0x21]
            var end = 0
            try literal.withUnsafeBufferPointer { buffer in
                var reader = JSONReader(bytes: buffer)
                try reader.readString(appendingTo: &out)
                end = reader.index
            }
            XCTAssertEqual(end, literal.count)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), "!" + text)
        }
        // Invalid UTF-8 is refused in both ways of reading, with or without escapes around it.
        for literal: [UInt8] in [[0x22, 0xC3, 0x22], [0x22, 0x5C, 0x6E, 0xE2, 0x82, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22]] {
            try literal.withUnsafeBufferPointer { buffer in
                var reader = JSONReader(bytes: buffer)
                var out: [UInt8] = []
                XCTAssertThrowsError(try reader.readString(appendingTo: &out))
                var again = JSONReader(bytes: buffer)
                XCTAssertThrowsError(try again.readString())
            }
        }
    }

    func testStringsAreWrittenWithTheShortEscapesAndUXXXXForOtherControlCharacters() throws {
        XCTAssertEqual(JSONValue.quoted("plain é 😀 / done"), "\"plain é 😀 / done\"")
        XCTAssertEqual(JSONValue.quoted("a\"b\\c\nd\re\tf\u{08}g\u{0C}h\u{01}i\u{1F}é\n😀\u{7F}"),
                       #""a\"b\\c\nd\re\tf\bg\fh\u0001i\u001fé\n😀\#u{7F}""#)
        for code in UInt32(0)..<0x20 {
            let text = "é" + String(Character(Unicode.Scalar(code)!)) + "😀\"\\"
            let written = JSONValue.quoted(text)
            XCTAssertFalse(written.utf8.contains { $0 < 0x20 }, "a raw control character in \(written.debugDescription)")
            XCTAssertEqual(try JSONValue.parse(written), .string(text), written.debugDescription)
        }
    }

    func testWritingThenParsingGivesBackTheSameValue() throws {
        var rng = SeededGenerator(seed: 7)
        for _ in 0..<500 {
            let value = JSONValue.object([
                ("text", .string(TrickyText.random(using: &rng))),
                ("n", .number(Double(Int.random(in: -1_000_000...1_000_000, using: &rng)) / 64)),
                ("list", .array([.bool(true), .null, .string(TrickyText.random(using: &rng))])),
            ])
            XCTAssertEqual(try JSONValue.parse(value.jsonText), value)
            XCTAssertEqual(try JSONValue.parse(value.prettyJSONText), value)
        }
    }
}
