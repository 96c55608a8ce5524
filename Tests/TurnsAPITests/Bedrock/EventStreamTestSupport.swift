import Foundation
@testable import TurnsAPI
import TurnsServe
import TurnsTestSupport
import XCTest

/// Helpers shared by the event-stream and Bedrock tests.
enum EventStreamTesting {
    /// Decodes `reads` in order, taking every message as soon as it is complete, then ends the stream; every way
    /// the decoder offers (`append` and `next()`; reading each read in place, message by message or in runs) must
    /// give the same messages or the same error.
    static func decode(_ reads: [[UInt8]], file: StaticString = #filePath, line: UInt = #line)
        throws(EventStreamError) -> [EventStreamMessage] {
        let pulled = Result { () throws(EventStreamError) in try decodePulling(reads) }
        let inPlace = Result { () throws(EventStreamError) in try decodeInPlace(reads, inRuns: false) }
        let inRuns = Result { () throws(EventStreamError) in try decodeInPlace(reads, inRuns: true) }
        XCTAssertEqual(inPlace, pulled, "reading in place and pulling with next() disagree", file: file, line: line)
        XCTAssertEqual(inRuns, pulled, "reading in runs and pulling with next() disagree", file: file, line: line)
        return try pulled.get()
    }

    /// Decodes with `append` and `next()`.
    static func decodePulling(_ reads: [[UInt8]]) throws(EventStreamError) -> [EventStreamMessage] {
        var decoder = EventStreamDecoder()
        var messages: [EventStreamMessage] = []
        for read in reads {
            decoder.append(read)
            while let message = try decoder.next() { messages.append(message) }
        }
        try decoder.finish()
        return messages
    }

    /// Decodes with `readMessages(appending:_:)`, each read in place; `inRuns`, with the messages that repeat a
    /// header block taken as runs.
    static func decodeInPlace(_ reads: [[UInt8]], inRuns: Bool) throws(EventStreamError) -> [EventStreamMessage] {
        var decoder = EventStreamDecoder()
        var messages: [EventStreamMessage] = []
        for read in reads {
            var unreadable: EventStreamError?
            // One message as values; false (and why kept) when its view cannot be read.
            func take(_ view: EventStreamDecoder.MessageView) -> Bool {
                do throws(EventStreamError) {
                    messages.append(try EventStreamDecoder.message(view))
                    return true
                } catch {
                    unreadable = error
                    return false
                }
            }
            try read.withUnsafeBytes { bytes in
                Result { () throws(EventStreamError) in
                    guard inRuns else { return try decoder.readMessages(appending: bytes, take) }
                    try decoder.readMessages(appending: bytes, runs: { run in
                        var offset = 0
                        for index in 0..<run.count {
                            let view = run.view(at: offset, index: index)
                            XCTAssertTrue(view.repeatsHeaders)
                            guard take(view) else { return index + 1 }
                            offset += view.total
                        }
                        return run.count
                    }, take)
                }
            }.get()
            if let unreadable { throw unreadable }
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

    /// The bytes of a vector file, skipping the test when the vectors are absent.
    static func vector(_ relativePath: String) throws -> [UInt8] {
        guard let bytes = Vectors.data(relativePath) else { throw XCTSkip(Vectors.missingNotice(relativePath)) }
        return bytes
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
        ], payload: Array("{\"bytes\":\"\(Base64.encode(Array(json.utf8)))\"}".utf8))
        return try! EventStreamEncoder.encode(message)
    }
}
