import Foundation
import TurnsAPI
import TurnsServe
import TurnsTestSupport
import XCTest

/// Random messages with headers of every type survive encoding and decoding at random splits.
final class EventStreamPropertyTests: XCTestCase {
    func testRandomMessagesEncodeAndDecodeIdenticallyAtRandomSplits() throws {
        var rng = SeededGenerator(seed: 0xE5E5)
        for round in 0..<200 {
            let messages = (0..<Int.random(in: 1...4, using: &rng)).map { _ in randomMessage(&rng) }
            var stream: [UInt8] = []
            for message in messages { try EventStreamEncoder.encode(message, into: &stream) }
            let reads = randomSplit(stream, &rng)
            XCTAssertEqual(try EventStreamTesting.decode(reads), messages, "round \(round), \(reads.count) reads")
            // Re-encoding what was decoded gives the same bytes: the encoder is byte-exact.
            var again: [UInt8] = []
            for message in try EventStreamTesting.decode([stream]) { try EventStreamEncoder.encode(message, into: &again) }
            XCTAssertEqual(again, stream, "round \(round)")
        }
    }

    func testFlippingAnyOneBitOfARandomMessageIsDetected() throws {
        var rng = SeededGenerator(seed: 77)
        for round in 0..<20 {
            let bytes = try EventStreamEncoder.encode(randomMessage(&rng))
            let bit = Int.random(in: 0..<bytes.count * 8, using: &rng)
            var corrupted = bytes
            corrupted[bit / 8] ^= 1 << UInt8(bit % 8)
            // A changed length may also leave the stream waiting for more bytes: then finish() reports it.
            XCTAssertThrowsError(try EventStreamTesting.decode([corrupted]), "round \(round), bit \(bit)")
        }
    }

    private func randomMessage(_ rng: inout SeededGenerator) -> EventStreamMessage {
        var headers: [EventStreamHeader] = []
        var names = Set<String>()
        for _ in 0..<Int.random(in: 0...12, using: &rng) {
            var name = TrickyText.random(using: &rng, maxPieces: 4)
            if name.utf8.count > 255 { name = String(decoding: name.utf8.prefix(200), as: UTF8.self) }
            guard names.insert(name).inserted else { continue }
            headers.append(EventStreamHeader(name, randomValue(&rng)))
        }
        let payload = (0..<Int.random(in: 0...(Bool.random(using: &rng) ? 40 : 3000), using: &rng)).map { _ in
            UInt8.random(in: 0...255, using: &rng)
        }
        return EventStreamMessage(headers: headers, payload: payload)
    }

    private func randomValue(_ rng: inout SeededGenerator) -> EventStreamHeaderValue {
        switch Int.random(in: 0...9, using: &rng) {
        case 0: return .bool(true)
        case 1: return .bool(false)
        case 2: return .byte(Int8.random(in: .min ... .max, using: &rng))
        case 3: return .short(Int16.random(in: .min ... .max, using: &rng))
        case 4: return .integer(Int32.random(in: .min ... .max, using: &rng))
        case 5: return .long(Int64.random(in: .min ... .max, using: &rng))
        case 6: return .byteArray((0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) })
        case 7: return .string(TrickyText.random(using: &rng))
        case 8: return .timestamp(Int64.random(in: .min ... .max, using: &rng))
        default:
            var uuid: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &uuid) { raw in for index in raw.indices { raw[index] = UInt8.random(in: 0...255, using: &rng) } }
            return .uuid(UUID(uuid: uuid))
        }
    }

    /// The bytes cut at random points, sometimes into single bytes, sometimes into a few large reads.
    private func randomSplit(_ bytes: [UInt8], _ rng: inout SeededGenerator) -> [[UInt8]] {
        var reads: [[UInt8]] = []
        var index = 0
        let maxRead = [1, 3, 17, 256, bytes.count].randomElement(using: &rng)!
        while index < bytes.count {
            let length = Int.random(in: 1...max(1, maxRead), using: &rng)
            reads.append(Array(bytes[index..<min(index + length, bytes.count)]))
            index += length
        }
        return reads
    }
}
