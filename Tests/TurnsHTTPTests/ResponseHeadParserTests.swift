@testable import TurnsHTTP
import XCTest

/// The parser that turns libcurl's header lines into one response head.
final class ResponseHeadParserTests: XCTestCase {
    private func feed(_ lines: [String]) -> [HTTPResponseHead] {
        var parser = ResponseHeadParser()
        return lines.compactMap { line in
            Array(line.utf8).withUnsafeBytes { parser.feed($0) }
        }
    }

    func testStatusLineAndHeadersBecomeOneHeadAtTheBlankLine() {
        let heads = feed(["HTTP/1.1 200 OK\r\n", "Content-Type:  text/event-stream \r\n", "request-id:req_1\r\n", "\r\n"])

        XCTAssertEqual(heads, [HTTPResponseHead(status: 200, headers: [
            HTTPHeader("Content-Type", "text/event-stream"), HTTPHeader("request-id", "req_1"),
        ])])
    }

    func testHTTP2StatusLineWithoutReasonIsRead() {
        XCTAssertEqual(feed(["HTTP/2 529\r\n", "x-should-retry: true\r\n", "\r\n"]),
                       [HTTPResponseHead(status: 529, headers: [HTTPHeader("x-should-retry", "true")])])
    }

    func testInterimResponsesAreDroppedAndTheFinalOneKept() {
        let heads = feed(["HTTP/1.1 100 Continue\r\n", "x-interim: 1\r\n", "\r\n",
                          "HTTP/1.1 103 Early Hints\r\n", "\r\n",
                          "HTTP/1.1 401 Unauthorized\r\n", "request-id: r\r\n", "\r\n"])

        XCTAssertEqual(heads, [HTTPResponseHead(status: 401, headers: [HTTPHeader("request-id", "r")])])
    }

    func testTrailersAfterTheHeadAreIgnored() {
        XCTAssertEqual(feed(["HTTP/1.1 200 OK\r\n", "\r\n", "x-trailer: late\r\n", "\r\n"]),
                       [HTTPResponseHead(status: 200, headers: [])])
    }

    func testFoldedHeaderLineContinuesThePreviousValue() {
        XCTAssertEqual(feed(["HTTP/1.1 200 OK\r\n", "x-long: first\r\n", "\t second\r\n", "\r\n"]),
                       [HTTPResponseHead(status: 200, headers: [HTTPHeader("x-long", "first second")])])
    }

    func testBareLineFeedsAreAccepted() {
        XCTAssertEqual(feed(["HTTP/1.0 404 Not Found\n", "a: b\n", "\n"]),
                       [HTTPResponseHead(status: 404, headers: [HTTPHeader("a", "b")])])
    }
}
