import Foundation
@testable import TurnsAPI
import TurnsServe
import TurnsTestSupport
import XCTest

/// Helpers shared by the event-stream and Bedrock tests.
enum EventStreamTesting {
    /// Decodes `reads` in order with `append` and `next()`, taking every message as soon as it is complete, then
    /// ends the stream.
    static func decode(_ reads: [[UInt8]]) throws(EventStreamError) -> [EventStreamMessage] {
        var decoder = EventStreamDecoder()
        var messages: [EventStreamMessage] = []
        for read in reads {
            decoder.append(read)
            while let message = try decoder.next() { messages.append(message) }
        }
        try decoder.finish()
        return messages
    }

    /// The bytes one read each, one byte per read, and every split in two.
    static func readings(of bytes: [UInt8]) -> [(label: String, reads: [[UInt8]])] {
        var result: [(String, [[UInt8]])] = [("whole", [bytes]), ("one byte per read", bytes.map { [$0] })]
        for k in 1..<max(bytes.count, 1) {
            result.append(("split at \(k)", [Array(bytes[..<k]), Array(bytes[k...])]))
        }
        return result
    }

    /// The bytes of a vector file; a missing file fails the test.
    static func vector(_ relativePath: String) throws -> [UInt8] {
        try XCTUnwrap(Vectors.data(relativePath), Vectors.missingNotice(relativePath))
    }

    /// A frame with its checksums recomputed after the prelude or body was edited (for limit tests whose
    /// bytes must pass both CRCs).
    static func frame(total: UInt32, headersLength: UInt32, body: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        for value in [total, headersLength] { bytes += bigEndian(value) }
        bytes += bigEndian(CRC32.checksum(bytes))
        bytes += body
        bytes += bigEndian(CRC32.checksum(bytes))
        return bytes
    }

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    /// A `chunk` frame whose model JSON is `json`.
    static func chunkFrame(_ json: String) -> [UInt8] {
        let message = EventStreamMessage(headers: [
            EventStreamHeader(":event-type", .string("chunk")),
            EventStreamHeader(":content-type", .string("application/json")),
            EventStreamHeader(":message-type", .string("event")),
        ], payload: Array("{\"bytes\":\"\(Data(json.utf8).base64EncodedString())\"}".utf8))
        return try! EventStreamEncoder.encode(message)
    }
}
