import Foundation
import TurnsAPI
import TurnsTestSupport
import XCTest

final class Base64Tests: XCTestCase {
    func testEncodingThenDecodingGivesBackTheBytesAndAgreesWithFoundation() {
        var rng = SeededGenerator(seed: 21)
        for length in 0..<200 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let text = Base64.encode(bytes)
            XCTAssertEqual(text, Data(bytes).base64EncodedString())
            XCTAssertEqual(Base64.decode(text), bytes)
            // Padding may be left out.
            XCTAssertEqual(Base64.decode(String(text.prefix { $0 != "=" })), bytes)
        }
    }

    func testTextThatIsNotBase64IsRefused() {
        for text in ["a", "abcde", "ab=c", "abc==", "ab\\/", "ab\"c", "a b=", "=", "abcd=", "ab cd", "é123"] {
            XCTAssertNil(Base64.decode(text), text)
            var out = [UInt8](repeating: 7, count: 8)
            let written = Array(text.utf8).withUnsafeBufferPointer { text in
                out.withUnsafeMutableBufferPointer { Base64.decode(text, into: $0) }
            }
            XCTAssertNil(written, text)
        }
        XCTAssertEqual(Base64.decode(""), [])
        // Decoding into a buffer needs room for every byte.
        var small = [UInt8](repeating: 0, count: 1)
        let written = Array("aGk=".utf8).withUnsafeBufferPointer { text in small.withUnsafeMutableBufferPointer { Base64.decode(text, into: $0) } }
        XCTAssertNil(written)
        XCTAssertEqual(Base64.decode("aGk="), Array("hi".utf8))
    }
}
