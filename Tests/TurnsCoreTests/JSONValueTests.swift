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
