import Foundation
import TurnsAPI
import TurnsServe
import TurnsCore
import TurnsTestSupport
import XCTest

/// The aws-sdk-go event-stream vectors (PROTOCOL.md D.1) and the two computed Bedrock frames (C.6).
final class EventStreamVectorTests: XCTestCase {
    private let positive = ["empty_message", "int32_header", "payload_no_headers", "payload_one_str_header", "all_headers"]
    private let negative = ["corrupted_header_len", "corrupted_headers", "corrupted_length", "corrupted_payload"]

    // MARK: - Positive vectors

    func testEveryPositiveVectorDecodesToItsDocumentedContentFedWholeAndByteByByte() throws {
        for name in positive {
            let bytes = try EventStreamTesting.vector("eventstream/encoded/positive/\(name)")
            let expected = try XCTUnwrap(try Vectors.json("eventstream/decoded/positive/\(name)"), name)
            for (label, reads) in [("whole", [bytes]), ("one byte per read", bytes.map { [$0] })] {
                let messages = try EventStreamTesting.decode(reads)
                XCTAssertEqual(messages.count, 1, "\(name), \(label)")
                guard let message = messages.first else { continue }
                try assertMessage(message, bytes: bytes, matches: expected, name: "\(name), \(label)")
            }
        }
    }

    func testEveryPositiveVectorDecodesAtEverySplitInTwo() throws {
        for name in positive {
            let bytes = try EventStreamTesting.vector("eventstream/encoded/positive/\(name)")
            let whole = try EventStreamTesting.decode([bytes])
            for (label, reads) in EventStreamTesting.readings(of: bytes) {
                XCTAssertEqual(try EventStreamTesting.decode(reads), whole, "\(name), \(label)")
            }
        }
    }

    func testTheEncoderReproducesEveryPositiveVectorByteForByte() throws {
        for name in positive {
            let bytes = try EventStreamTesting.vector("eventstream/encoded/positive/\(name)")
            let message = try XCTUnwrap(try EventStreamTesting.decode([bytes]).first)
            XCTAssertEqual(try EventStreamEncoder.encode(message), bytes, name)
        }
    }

    /// Compares with the aws-sdk-go JSON: lengths, both CRCs, headers and payload. Either CRC may be written
    /// signed (payload_no_headers has a negative prelude_crc, though PROTOCOL.md D.1 says it is unsigned),
    /// so both are read as 32-bit patterns.
    private func assertMessage(_ message: EventStreamMessage, bytes: [UInt8], matches expected: TestJSON,
                               name: String) throws {
        XCTAssertEqual(expected["total_length"]?.intValue, bytes.count, name)
        XCTAssertEqual(expected["headers_length"]?.intValue, Int(bytes[4]) << 24 | Int(bytes[5]) << 16 | Int(bytes[6]) << 8 | Int(bytes[7]), name)
        XCTAssertEqual(expected["prelude_crc"]?.intValue.map { UInt32(truncatingIfNeeded: $0) },
                       CRC32.checksum(Array(bytes[0..<8])), name)
        XCTAssertEqual(expected["message_crc"]?.intValue.map { UInt32(truncatingIfNeeded: $0) },
                       CRC32.checksum(Array(bytes[0..<bytes.count - 4])), name)
        XCTAssertEqual(message.payload, Data(base64Encoded: try XCTUnwrap(expected["payload"]?.stringValue)).map { Array($0) }, name)
        let headers = try XCTUnwrap(expected["headers"]?.arrayValue, name)
        XCTAssertEqual(message.headers.count, headers.count, name)
        for (header, json) in zip(message.headers, headers) {
            XCTAssertEqual(header.name, json["name"]?.stringValue, name)
            XCTAssertEqual(Int(header.value.typeCode), json["type"]?.intValue, "\(name): \(header.name)")
            XCTAssertEqual(jsonValue(of: header.value), json["value"], "\(name): \(header.name)")
        }
    }

    /// A header value in the vectors' JSON form: bool, number, or base64 for bytes, strings and UUIDs.
    private func jsonValue(of value: EventStreamHeaderValue) -> TestJSON {
        switch value {
        case .bool(let flag): return .bool(flag)
        case .byte(let number): return .number(Double(number))
        case .short(let number): return .number(Double(number))
        case .integer(let number): return .number(Double(number))
        case .long(let number), .timestamp(let number): return .number(Double(number))
        case .byteArray(let bytes): return .string(Data(bytes).base64EncodedString())
        case .string(let text): return .string(Data(text.utf8).base64EncodedString())
        case .uuid(let uuid): return .string(withUnsafeBytes(of: uuid.uuid) { Data($0) }.base64EncodedString())
        }
    }

    func testTheAllHeadersVectorHoldsEveryTypeWithItsValue() throws {
        let bytes = try EventStreamTesting.vector("eventstream/encoded/positive/all_headers")
        let message = try XCTUnwrap(try EventStreamTesting.decode([bytes]).first)
        XCTAssertEqual(message.headers, [
            EventStreamHeader("event-type", .integer(40972)),
            EventStreamHeader("content-type", .string("application/json")),
            EventStreamHeader("bool false", .bool(false)),
            EventStreamHeader("bool true", .bool(true)),
            EventStreamHeader("byte", .byte(-49)),
            EventStreamHeader("byte buf", .byteArray(Array("I'm a little teapot!".utf8))),
            EventStreamHeader("timestamp", .timestamp(8_675_309)),
            EventStreamHeader("int16", .short(42)),
            EventStreamHeader("int64", .long(42_424_242)),
            EventStreamHeader("uuid", .uuid(UUID(uuid: (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16)))),
        ])
        XCTAssertEqual(String(decoding: message.payload, as: UTF8.self), "{'foo':'bar'}")
    }

    // MARK: - Negative vectors

    func testEveryNegativeVectorFailsWithTheDocumentedKindFedWholeAndByteByByte() throws {
        for name in negative {
            let bytes = try EventStreamTesting.vector("eventstream/encoded/negative/\(name)")
            let text = String(decoding: try EventStreamTesting.vector("eventstream/decoded/negative/\(name)"), as: UTF8.self)
            for (label, reads) in [("whole", [bytes]), ("one byte per read", bytes.map { [$0] })] {
                do {
                    let messages = try EventStreamTesting.decode(reads)
                    XCTFail("\(name), \(label): decoded \(messages.count) messages instead of failing")
                } catch {
                    XCTAssertTrue(error.description.hasPrefix(text), "\(name), \(label): \(error.description) is not “\(text)”")
                }
            }
        }
    }

    func testACorruptLengthIsCaughtAsSoonAsThePreludeIsIn() throws {
        let bytes = try EventStreamTesting.vector("eventstream/encoded/negative/corrupted_length")
        var decoder = EventStreamDecoder()
        decoder.append(Array(bytes[0..<12]))
        XCTAssertThrowsError(try decoder.next()) { error in
            guard case .preludeChecksumMismatch? = error as? EventStreamError else { return XCTFail("\(error)") }
        }
        // The stream cannot be resynchronised: later calls report the same failure.
        decoder.append(Array(bytes[12...]))
        XCTAssertThrowsError(try decoder.next())
    }

    // MARK: - The computed Bedrock frames (PROTOCOL.md C.6)

    private let chunkHex = "000000af0000004b765b4f360b3a6576656e742d747970650700056368756e6b0d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d747970650700056576656e747b226279746573223a2265794a6a623231776247563061573975496a6f694945686c624778764969776963335276634639795a57467a623234694f6d353162477773496e4e30623341694f6d353162477839227d7bcce327"
    private let exceptionHex = "000000b2000000613590d5d30f3a657863657074696f6e2d747970650700137468726f74746c696e67457863657074696f6e0d3a636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e0d3a6d6573736167652d74797065070009657863657074696f6e7b226d657373616765223a22546f6f206d616e792072657175657374732c20706c656173652077616974206265666f726520747279696e6720616761696e2e227de8ffb26a"

    func testTheComputedChunkFrameDecodesToItsDocumentedContent() throws {
        let bytes = try XCTUnwrap(Vectors.bytes(hex: chunkHex))
        XCTAssertEqual(bytes.count, 175)
        for (label, reads) in EventStreamTesting.readings(of: bytes) {
            let message = try XCTUnwrap(try EventStreamTesting.decode(reads).first, label)
            XCTAssertEqual(message.headers, [
                EventStreamHeader(":event-type", .string("chunk")),
                EventStreamHeader(":content-type", .string("application/json")),
                EventStreamHeader(":message-type", .string("event")),
            ], label)
            XCTAssertEqual(String(decoding: message.payload, as: UTF8.self),
                           #"{"bytes":"eyJjb21wbGV0aW9uIjoiIEhlbGxvIiwic3RvcF9yZWFzb24iOm51bGwsInN0b3AiOm51bGx9"}"#, label)
        }
        let message = try XCTUnwrap(try EventStreamTesting.decode([bytes]).first)
        let inner = Array(try XCTUnwrap(Data(base64Encoded: "eyJjb21wbGV0aW9uIjoiIEhlbGxvIiwic3RvcF9yZWFzb24iOm51bGwsInN0b3AiOm51bGx9")))
        XCTAssertEqual(String(decoding: inner, as: UTF8.self), #"{"completion":" Hello","stop_reason":null,"stop":null}"#)
        XCTAssertEqual(message.messageType, "event")
    }

    func testTheComputedExceptionFrameDecodesToItsDocumentedContent() throws {
        let bytes = try XCTUnwrap(Vectors.bytes(hex: exceptionHex))
        XCTAssertEqual(bytes.count, 178)
        for (label, reads) in EventStreamTesting.readings(of: bytes) {
            let message = try XCTUnwrap(try EventStreamTesting.decode(reads).first, label)
            XCTAssertEqual(message.headers, [
                EventStreamHeader(":exception-type", .string("throttlingException")),
                EventStreamHeader(":content-type", .string("application/json")),
                EventStreamHeader(":message-type", .string("exception")),
            ], label)
            XCTAssertEqual(String(decoding: message.payload, as: UTF8.self),
                           #"{"message":"Too many requests, please wait before trying again."}"#, label)
        }
    }

    func testTheServerHelpersEncodeTheComputedExceptionFrameByteForByte() throws {
        XCTAssertEqual(try EventStreamEncoder.encode(BedrockServer.exceptionMessage(
            type: "throttlingException", message: "Too many requests, please wait before trying again.")),
                       Vectors.bytes(hex: exceptionHex))
    }

    // MARK: - Limits and malformed headers (botocore's inline negative cases)

    func testHeadersLongerThan128KiBAreRefusedEvenWithValidChecksums() {
        // botocore's INVALID_HEADERS_LENGTH: headers_length 0xff000102 with both CRCs right.
        let bytes = EventStreamTesting.frame(total: 0xFF00_0112, headersLength: 0xFF00_0102, body: [])
        XCTAssertThrowsError(try EventStreamTesting.decode([Array(bytes[0..<12])])) { error in
            XCTAssertEqual(error as? EventStreamError, .headersTooLong(0xFF00_0102))
        }
    }

    func testAPayloadOfOneByteMoreThan24MiBIsRefusedBeforeItIsBuffered() {
        let payload = EventStreamDecoder.maxPayloadLength + 1
        let prelude = EventStreamTesting.frame(total: UInt32(16 + payload), headersLength: 0, body: [])
        var decoder = EventStreamDecoder()
        decoder.append(Array(prelude[0..<12]))
        XCTAssertThrowsError(try decoder.next()) { error in
            XCTAssertEqual(error as? EventStreamError, .payloadTooLong(payload))
        }
    }

    func testExactlyTheLimitsAreAccepted() throws {
        let message = EventStreamMessage(headers: [], payload: [UInt8](repeating: 7, count: EventStreamDecoder.maxPayloadLength))
        let bytes = try EventStreamEncoder.encode(message)
        XCTAssertEqual(try EventStreamTesting.decode([bytes]), [message])
    }

    func testATotalLengthTooShortForItsHeadersIsRefused() {
        let bytes = EventStreamTesting.frame(total: 20, headersLength: 5, body: [0, 0, 0, 0])
        XCTAssertThrowsError(try EventStreamTesting.decode([bytes])) { error in
            XCTAssertEqual(error as? EventStreamError, .invalidTotalLength(total: 20, headers: 5))
        }
    }

    func testATotalLengthBelowSixteenIsRefused() {
        let bytes = EventStreamTesting.frame(total: 12, headersLength: 0, body: [])
        XCTAssertThrowsError(try EventStreamTesting.decode([Array(bytes[0..<12])])) { error in
            XCTAssertEqual(error as? EventStreamError, .invalidTotalLength(total: 12, headers: 0))
        }
    }

    func testAHeaderTypeAboveNineIsRefused() {
        let headers: [UInt8] = [1, UInt8(ascii: "a"), 10]
        let bytes = EventStreamTesting.frame(total: UInt32(16 + headers.count), headersLength: UInt32(headers.count), body: headers)
        XCTAssertThrowsError(try EventStreamTesting.decode([bytes])) { error in
            XCTAssertEqual(error as? EventStreamError, .invalidHeaderType(10))
        }
    }

    func testARepeatedHeaderNameIsRefused() {
        // botocore's DUPLICATE_HEADER: the same bool header twice.
        let headers: [UInt8] = [4, 116, 101, 115, 116, 0, 4, 116, 101, 115, 116, 1]
        let bytes = EventStreamTesting.frame(total: UInt32(16 + headers.count), headersLength: UInt32(headers.count), body: headers)
        XCTAssertThrowsError(try EventStreamTesting.decode([bytes])) { error in
            XCTAssertEqual(error as? EventStreamError, .duplicateHeader("test"))
        }
        XCTAssertThrowsError(try EventStreamEncoder.encode(EventStreamMessage(headers: [
            EventStreamHeader("test", .bool(true)), EventStreamHeader("test", .bool(false)),
        ]))) { error in
            XCTAssertEqual(error as? EventStreamError, .duplicateHeader("test"))
        }
    }

    func testManyHeadersOfEveryLengthAreKeptInOrderAndALateRepeatIsRefused() throws {
        // Twenty-four headers of every kind: each kept, in order, and a repeat of any of them refused.
        let names = (0..<24).map { "h\(String(repeating: "x", count: $0))" }
        let headers = names.enumerated().map { index, name in
            EventStreamHeader(name, index % 3 == 0 ? .string("v\(index)") : index % 3 == 1 ? .integer(Int32(index)) : .bool(true))
        }
        let encoded = try EventStreamEncoder.encode(EventStreamMessage(headers: headers, payload: Array("p".utf8)))
        XCTAssertEqual(try EventStreamTesting.decode([encoded]).first?.headers, headers)
        for repeated in [1, 15, 20] {
            var block: [UInt8] = []
            for header in headers + [EventStreamHeader(names[repeated], .bool(false))] {
                let name = Array(header.name.utf8)
                block += [UInt8(name.count)] + name
                switch header.value {
                case .string(let text): block += [7, 0, UInt8(text.utf8.count)] + Array(text.utf8)
                case .integer(let value): block += [4] + withUnsafeBytes(of: value.bigEndian) { Array($0) }
                default: block += [0]
                }
            }
            let bytes = EventStreamTesting.frame(total: UInt32(16 + block.count), headersLength: UInt32(block.count), body: block)
            XCTAssertThrowsError(try EventStreamTesting.decode([bytes])) { error in
                XCTAssertEqual(error as? EventStreamError, .duplicateHeader(names[repeated]))
            }
        }
    }

    func testAHeaderValueRunningPastTheBlockIsRefused() {
        let headers: [UInt8] = [1, UInt8(ascii: "a"), 7, 0, 9, UInt8(ascii: "x")]
        let bytes = EventStreamTesting.frame(total: UInt32(16 + headers.count), headersLength: UInt32(headers.count), body: headers)
        XCTAssertThrowsError(try EventStreamTesting.decode([bytes])) { error in
            XCTAssertEqual(error as? EventStreamError, .malformedHeader("the value of \"a\" runs past the header block"))
        }
    }

    func testAStringHeaderThatIsNotUTF8IsRefused() {
        let headers: [UInt8] = [1, UInt8(ascii: "a"), 7, 0, 1, 0xFF]
        let bytes = EventStreamTesting.frame(total: UInt32(16 + headers.count), headersLength: UInt32(headers.count), body: headers)
        XCTAssertThrowsError(try EventStreamTesting.decode([bytes])) { error in
            XCTAssertEqual(error as? EventStreamError, .malformedHeader("the string value of \"a\" is not UTF-8"))
        }
    }

    func testAPartialMessageYieldsNothingUntilItIsComplete() throws {
        let bytes = try XCTUnwrap(Vectors.bytes(hex: chunkHex))
        var decoder = EventStreamDecoder()
        decoder.append(Array(bytes.dropLast()))
        XCTAssertNil(try decoder.next())
        XCTAssertEqual(decoder.bufferedByteCount, bytes.count - 1)
        decoder.append([bytes.last!])
        XCTAssertNotNil(try decoder.next())
        XCTAssertNil(try decoder.next())
        XCTAssertEqual(decoder.bufferedByteCount, 0)
        XCTAssertNoThrow(try decoder.finish())
    }

    func testAStreamEndingInsideAMessageIsTruncated() throws {
        let bytes = try XCTUnwrap(Vectors.bytes(hex: chunkHex))
        XCTAssertThrowsError(try EventStreamTesting.decode([Array(bytes[0..<100])])) { error in
            XCTAssertEqual(error as? EventStreamError, .truncated(buffered: 100))
        }
    }

    func testAnEncoderRefusesAHeaderNameOver255Bytes() {
        let name = String(repeating: "n", count: 256)
        XCTAssertThrowsError(try EventStreamEncoder.encode(EventStreamMessage(headers: [EventStreamHeader(name, .bool(true))]))) { error in
            XCTAssertEqual(error as? EventStreamError, .headerTooLong(String(repeating: "n", count: 40)))
        }
    }

    // MARK: - CRC-32

    func testCRC32MatchesTheStandardCheckValueAndABitwiseReference() {
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum([]), 0)
        var rng = SeededGenerator(seed: 32)
        for length in 0..<80 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &rng) }
            XCTAssertEqual(CRC32.checksum(bytes), bitwiseCRC32(bytes), "length \(length)")
            let cut = length / 3
            XCTAssertEqual(CRC32.checksum(Array(bytes[cut...]), seed: CRC32.checksum(Array(bytes[..<cut]))),
                           bitwiseCRC32(bytes), "continued at \(cut) of \(length)")
        }
    }

    private func bitwiseCRC32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
