import NIOCore
import TurnsCore
import TurnsLocal
@testable import TurnsServe
import XCTest

/// The bytes of `/v1/complete` events and bodies: the API's `completion` object with sorted keys.
final class CompletionEncoderTests: XCTestCase {
    private var encoder = AnswerEncoder(api: .complete, id: "compl_1", model: "claude-2.1", requestID: "req_1")

    private func written(_ write: (inout ByteBuffer) -> Void) -> String {
        var buffer = ByteBufferAllocator().buffer(capacity: 0)
        write(&buffer)
        return String(decoding: buffer.readableBytesView, as: UTF8.self)
    }

    func testATextEventCarriesItsTextEscapedAndNullStops() {
        let text = " \"hi\" \\ new\nline\ttab\u{01} é/😀"
        XCTAssertEqual(written { encoder.writeTextEvent(Array(text.utf8), into: &$0) },
                       "event: completion\ndata: "
                           + #"{"completion":" \"hi\" \\ new\nline\ttab\u0001 é/😀","id":"compl_1","model":"claude-2.1","stop":null,"stop_reason":null,"type":"completion"}"#
                           + "\n\n")
    }

    func testTheFinalEventHasNoTextAndTheStop() {
        XCTAssertEqual(written { encoder.writeFinalEvent(LocalStop(reason: .stopSequence, sequence: "\n\nHuman:"),
                                                         outputTokens: 3, into: &$0) },
                       "event: completion\ndata: "
                           + #"{"completion":"","id":"compl_1","model":"claude-2.1","stop":"\n\nHuman:","stop_reason":"stop_sequence","type":"completion"}"#
                           + "\n\n")
    }

    func testAWholeBodyIsOneObject() {
        XCTAssertEqual(String(decoding: encoder.body(text: " Hi", stop: LocalStop(reason: .maxTokens, sequence: nil), outputTokens: 2),
                              as: UTF8.self),
                       #"{"completion":" Hi","id":"compl_1","model":"claude-2.1","stop":null,"stop_reason":"max_tokens","type":"completion"}"#)
    }

    func testAnErrorBodyHasTheAPIsShape() {
        XCTAssertEqual(String(decoding: ServeError.invalidRequest("bad \"x\"").body(requestID: "req_1"), as: UTF8.self),
                       #"{"error":{"message":"bad \"x\"","type":"invalid_request_error"},"request_id":"req_1","type":"error"}"#)
    }
}
