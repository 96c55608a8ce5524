import CCurl
@testable import TurnsHTTP
import XCTest

/// libcurl result codes become the transport errors callers act on.
final class CurlErrorMappingTests: XCTestCase {
    private let limits = HTTPTimeouts(connect: 5, idle: 60, total: 600)

    private func map(_ code: CURLcode, connected: Bool = true, consumerGone: Bool = false,
                     timeouts: HTTPTimeouts? = nil) -> TransportError {
        CurlErrorMapping.error(for: code, detail: "detail", context: CurlErrorMapping.Context(
            connected: connected, consumerGone: consumerGone, timeouts: timeouts ?? limits))
    }

    func testTimeoutBeforeTheRequestWentOutIsAConnectTimeout() {
        XCTAssertEqual(map(CURLE_OPERATION_TIMEDOUT, connected: false), .connectTimedOut(seconds: 5))
    }

    func testTimeoutAfterTheRequestWentOutIsTheTotalLimit() {
        XCTAssertEqual(map(CURLE_OPERATION_TIMEDOUT, connected: true), .totalTimedOut(seconds: 600))
    }

    func testTotalLimitShorterThanTheConnectLimitIsReportedAsTheTotalLimit() {
        XCTAssertEqual(map(CURLE_OPERATION_TIMEDOUT, connected: false, timeouts: HTTPTimeouts(connect: 5, total: 2)),
                       .totalTimedOut(seconds: 2))
    }

    func testConnectionFailuresAreCouldNotConnect() {
        for code in [CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY] {
            XCTAssertEqual(map(code), .couldNotConnect("detail"))
        }
    }

    func testBrokenConnectionsAreConnectionLost() {
        XCTAssertEqual(map(CURLE_PARTIAL_FILE),
                       .connectionLost("the server closed the connection before the response was complete (detail)"))
        XCTAssertEqual(map(CURLE_RECV_ERROR), .connectionLost("the connection broke while talking to the server (detail)"))
        XCTAssertEqual(map(CURLE_GOT_NOTHING),
                       .connectionLost("the server closed the connection without sending a response"))
    }

    func testCertificateProblemsAreTLSErrors() {
        XCTAssertEqual(map(CURLE_PEER_FAILED_VERIFICATION), .tls("detail"))
        XCTAssertEqual(map(CURLE_SSL_CONNECT_ERROR), .tls("detail"))
    }

    func testAnyFailureAfterTheConsumerLeftIsACancellation() {
        XCTAssertEqual(map(CURLE_WRITE_ERROR, consumerGone: true), .cancelled)
        XCTAssertEqual(map(CURLE_RECV_ERROR, consumerGone: true), .cancelled)
    }
}
