import TurnsAPI
import TurnsHTTP
import XCTest

final class RetryPolicyTests: XCTestCase {
    /// Fri, 29 Sep 2023 16:26:37 GMT, the SDK test's frozen clock.
    private let frozenNow = 1_696_004_797.0

    private func policy(random: Double) -> RetryPolicy {
        let now = frozenNow
        return RetryPolicy(now: { now }, random: { random }, sleep: { _ in })
    }

    // MARK: - The SDK's retry-after vectors (tests/test_client.py::test_parse_retry_after_header)

    func testTheSDKRetryAfterVectorsGiveTheSDKDelays() {
        // (remaining_retries, retry-after, expected seconds) with max_retries = 3.
        let vectors: [(Int, String, Double)] = [
            (3, "20", 20), (3, "0", 0.5), (3, "-10", 0.5), (3, "60", 60), (3, "61", 0.5),
            (3, "Fri, 29 Sep 2023 16:26:57 GMT", 20), (3, "Fri, 29 Sep 2023 16:26:37 GMT", 0.5),
            (3, "Fri, 29 Sep 2023 16:26:27 GMT", 0.5), (3, "Fri, 29 Sep 2023 16:27:37 GMT", 60),
            (3, "Fri, 29 Sep 2023 16:27:38 GMT", 0.5), (3, "99999999999999999999999999999999999", 0.5),
            (3, "Zun, 29 Sep 2023 16:26:27 GMT", 0.5), (3, "", 0.5), (2, "", 1.0), (1, "", 2.0), (-1100, "", 8),
        ]
        let maxRetries = 3
        for (remaining, header, expected) in vectors {
            let headers = [HTTPHeader("retry-after", header)]
            let retriesTaken = maxRetries - remaining
            // With no jitter the delay is the nominal value; with the most jitter, 0.75 of it for backoffs.
            let honoured = expected != 0.5 && expected != 1 && expected != 2 && expected != 8
            XCTAssertEqual(policy(random: 0).delay(retriesTaken: retriesTaken, headers: headers), expected,
                           accuracy: 1e-9, "\(remaining), \(header.debugDescription)")
            let lowest = policy(random: 0.999_999).delay(retriesTaken: retriesTaken, headers: headers)
            if honoured {
                XCTAssertEqual(lowest, expected, accuracy: 1e-9, "a server's delay gets no jitter: \(header)")
            } else {
                XCTAssertEqual(lowest, expected * 0.75, accuracy: 1e-5, "backoff jitter: \(header)")
            }
        }
    }

    func testRetryAfterMillisecondsIsReadFirst() {
        let headers = [HTTPHeader("Retry-After", "30"), HTTPHeader("retry-after-ms", "1500")]
        XCTAssertEqual(policy(random: 0).delay(retriesTaken: 0, headers: headers), 1.5)
    }

    func testAnUnreadableRetryAfterMillisecondsFallsBackToRetryAfter() {
        let headers = [HTTPHeader("retry-after-ms", "soon"), HTTPHeader("retry-after", "2.5")]
        XCTAssertEqual(policy(random: 0).retryAfter(headers), 2.5)
    }

    func testARetryAfterMillisecondsOutOfRangeFallsBackToBackoffNotToRetryAfter() {
        let headers = [HTTPHeader("retry-after-ms", "120000"), HTTPHeader("retry-after", "3")]
        XCTAssertEqual(policy(random: 0).delay(retriesTaken: 1, headers: headers), 1)
    }

    func testRetryAfterAcceptsFractionsAndSurroundingSpace() {
        XCTAssertEqual(policy(random: 0).retryAfter([HTTPHeader("retry-after", " 0.25 ")]), 0.25)
    }

    func testHTTPDatesAreReadWithOrWithoutWeekdayAndWithNumericZones() {
        let p = policy(random: 0)
        XCTAssertEqual(p.retryAfter([HTTPHeader("retry-after", "29 Sep 2023 16:26:47 GMT")]), 10)
        XCTAssertEqual(p.retryAfter([HTTPHeader("retry-after", "Fri, 29 Sep 2023 18:26:47 +0200")]), 10)
        XCTAssertEqual(p.retryAfter([HTTPHeader("retry-after", "Fri, 29 Sep 2023 12:26:47 EDT")]), 10)
        XCTAssertNil(p.retryAfter([HTTPHeader("retry-after", "tomorrow")]))
        XCTAssertNil(p.retryAfter([]))
    }

    func testBackoffDoublesFromHalfASecondUpToEightSeconds() {
        let delays = (0..<7).map { policy(random: 0).delay(retriesTaken: $0) }
        XCTAssertEqual(delays, [0.5, 1, 2, 4, 8, 8, 8])
        XCTAssertEqual(policy(random: 0).delay(retriesTaken: Int.max), 8)
    }

    func testJitterScalesBackoffIntoThreeQuartersToOne() {
        XCTAssertEqual(policy(random: 0.5).delay(retriesTaken: 2), 2 * 0.875)
        for _ in 0..<100 {
            let delay = RetryPolicy().delay(retriesTaken: 1)
            XCTAssertGreaterThan(delay, 0.75)
            XCTAssertLessThanOrEqual(delay, 1)
        }
    }

    // MARK: - Whether to retry

    func testStatusesAreRetriedAsTheSDKRetriesThem() {
        let p = RetryPolicy()
        let table: [(Int, Bool)] = [
            (400, false), (401, false), (403, false), (404, false), (408, true), (409, true), (413, false),
            (422, false), (429, true), (500, true), (502, true), (503, true), (504, true), (529, true), (302, false),
        ]
        for (status, expected) in table {
            XCTAssertEqual(p.shouldRetry(status: status, headers: []), expected, "status \(status)")
        }
    }

    func testTheShouldRetryHeaderWinsOverTheStatus() {
        let p = RetryPolicy()
        XCTAssertTrue(p.shouldRetry(status: 400, headers: [HTTPHeader("X-Should-Retry", "true")]))
        XCTAssertFalse(p.shouldRetry(status: 529, headers: [HTTPHeader("x-should-retry", "false")]))
        XCTAssertTrue(p.shouldRetry(status: 529, headers: [HTTPHeader("x-should-retry", "maybe")]))
    }

    func testConnectionFailuresAndTimeoutsAreRetriedButRefusalsAndCancellationAreNot() {
        let p = RetryPolicy()
        XCTAssertTrue(p.shouldRetry(APIError(kind: .connection, message: "")))
        XCTAssertTrue(p.shouldRetry(APIError(kind: .timeout, message: "")))
        XCTAssertFalse(p.shouldRetry(APIError(kind: .invalidRequest, message: "")))
        XCTAssertFalse(p.shouldRetry(APIError(kind: .cancelled, message: "")))
        XCTAssertFalse(p.shouldRetry(APIError(kind: .malformedResponse, status: 200, message: "")))
        XCTAssertFalse(p.shouldRetry(APIError(kind: .authentication, message: "no key")))
    }

    func testHTTPErrorsAreJudgedByStatusAndStreamErrorsByKind() {
        let p = RetryPolicy()
        XCTAssertTrue(p.shouldRetry(APIError(kind: .overloaded, status: 529, message: "")))
        XCTAssertFalse(p.shouldRetry(APIError(kind: .badRequest, status: 400, message: "")))
        XCTAssertFalse(p.shouldRetry(APIError(kind: .overloaded, status: 529, message: ""),
                                     headers: [HTTPHeader("x-should-retry", "false")]))
        XCTAssertTrue(p.shouldRetry(APIError(kind: .overloaded, status: 200, errorType: "overloaded_error", message: "")))
        XCTAssertFalse(p.shouldRetry(APIError(kind: .badRequest, status: 200, errorType: "invalid_request_error", message: "")))
    }
}
