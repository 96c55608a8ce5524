import Foundation
@testable import TurnsAPI
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

    // MARK: - The vector path

    func testTheVectorBlocksAndTheTableLoopDecodeAlike() throws {
        try XCTSkipUnless(Base64.canDecodeBlocks, "this CPU has no SSSE3: only the table loop runs here")
        var rng = SeededGenerator(seed: 6464)
        for length in 0..<260 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            let text = Array(Base64.encode(bytes).utf8)
            // Exactly the room the bytes need, a little more (some wide stores fit, some not), and room for every one.
            for slack in [0, 8, 16, 64] {
                for method in Self.methods {
                    XCTAssertEqual(decode(text, method: method, slack: slack), bytes, "\(method), \(length) bytes, slack \(slack)")
                }
            }
        }
    }

    func testEveryByteOutsideTheAlphabetIsRefusedAtEveryPositionOfABlock() throws {
        try XCTSkipUnless(Base64.canDecodeBlocks, "this CPU has no SSSE3: only the table loop runs here")
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        // 87 characters (padding left out): whole 64-, 32- and 16-character blocks, a block that overlaps them, a
        // masked last block, and a last group of three.
        let valid = Array(Base64.encode(Array(0..<65)).utf8.prefix { $0 != UInt8(ascii: "=") })
        XCTAssertEqual(valid.count, 87)
        for byte in UInt8.min...UInt8.max where !alphabet.contains(byte) {
            for position in 0..<valid.count {
                var text = valid
                text[position] = byte
                for method in Self.methods { XCTAssertNil(decode(text, method: method, slack: 16), "\(method): byte \(byte) at \(position)") }
            }
        }
        // And every character of the alphabet is decoded to its value in every lane.
        let characters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for method in Self.methods { XCTAssertEqual(decode(characters, method: method, slack: 16), decode(characters, method: .table, slack: 16)) }
        XCTAssertEqual(decode(characters, method: .widest, slack: 16), Base64.decode(String(decoding: characters, as: UTF8.self)))
    }

    /// Every path this CPU has (32-character steps only with AVX2, 64 only with AVX-512 VBMI; an absent one is said
    /// once, by the first test that asks: static, so that listing the tests prints nothing).
    private static let methods: [Base64.Method] = {
        let steps = [16, 32, 64].filter { $0 <= Base64.widestStep }
        if steps.count < 3 {
            print("Base64Tests: this CPU decodes at most \(Base64.widestStep) characters per step; wider steps are not tested here")
        }
        return [.table] + steps.map { .steps($0) }
    }()

    private func decode(_ text: [UInt8], method: Base64.Method, slack: Int) -> [UInt8]? {
        let count = text.withUnsafeBufferPointer { Base64.decodedCount(of: $0) } ?? 0
        var out = [UInt8](repeating: 0xAA, count: count + slack)
        let written = text.withUnsafeBufferPointer { text in
            out.withUnsafeMutableBufferPointer { Base64.decode(text, into: $0, method: method) }
        }
        return written.map { Array(out[..<$0]) }
    }
}
