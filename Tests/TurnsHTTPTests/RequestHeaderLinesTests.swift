@testable import TurnsHTTP
import XCTest

/// The header lines handed to libcurl, and the redaction of URLs in the log.
final class RequestHeaderLinesTests: XCTestCase {
    func testHeadersBecomeLinesAndLibcurlDefaultsAreSwitchedOff() throws {
        let lines = try RequestHeaderLines.make(method: "POST", headers: [
            HTTPHeader("x-api-key", "k"), HTTPHeader("content-type", "application/json"), HTTPHeader("x-empty", ""),
        ])

        XCTAssertEqual(lines, ["x-api-key: k", "content-type: application/json", "x-empty;", "Accept:", "Expect:"])
    }

    func testLineBreakInAValueIsRefusedNamingOnlyTheHeader() {
        XCTAssertThrowsError(try RequestHeaderLines.make(method: "POST", headers: [HTTPHeader("x-api-key", "a\nb")])) {
            XCTAssertEqual($0 as? TransportError,
                           .other("the request header \"x-api-key\" contains a line break or NUL; the request was not sent"))
        }
    }

    func testNameThatIsNotATokenIsRefused() {
        XCTAssertThrowsError(try RequestHeaderLines.make(method: "POST", headers: [HTTPHeader("x-api-key: k", "")]))
        XCTAssertThrowsError(try RequestHeaderLines.make(method: "GET / HTTP/1.1\r\n", headers: []))
    }

    func testURLsInTheLogLoseCredentialsQueryAndFragment() {
        XCTAssertEqual(LogRedaction.url("https://user:pw@api.example.com:8443/v1/complete?key=s#f"),
                       "https://…@api.example.com:8443/v1/complete?…")
        XCTAssertEqual(LogRedaction.url("http://127.0.0.1:9/v1/complete"), "http://127.0.0.1:9/v1/complete")
        XCTAssertEqual(LogRedaction.url("https://host/a@b"), "https://host/a@b")
    }
}

/// Which URLs bypass proxies.
final class LoopbackURLTests: XCTestCase {
    func testLoopbackHostsAreRecognized() {
        XCTAssertTrue(LoopbackURL.isLoopback("http://127.0.0.1:8080/v1/complete"))
        XCTAssertTrue(LoopbackURL.isLoopback("http://127.1.2.3/"))
        XCTAssertTrue(LoopbackURL.isLoopback("http://LOCALHOST:1"))
        XCTAssertTrue(LoopbackURL.isLoopback("http://[::1]:9/x"))
        XCTAssertTrue(LoopbackURL.isLoopback("http://user@127.0.0.1/"))
    }

    func testOtherHostsAreNot() {
        XCTAssertFalse(LoopbackURL.isLoopback("https://api.anthropic.com/v1/complete"))
        XCTAssertFalse(LoopbackURL.isLoopback("http://127.0.0.1.example.com/"))
        XCTAssertFalse(LoopbackURL.isLoopback("http://localhost.example.com/"))
        XCTAssertFalse(LoopbackURL.isLoopback("http://example.com/127.0.0.1"))
        XCTAssertFalse(LoopbackURL.isLoopback("not a url"))
    }
}
