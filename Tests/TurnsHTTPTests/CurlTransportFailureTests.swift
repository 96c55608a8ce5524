import Foundation
import TurnsHTTP
import TurnsTestSupport
import XCTest

/// `CurlTransport` against a loopback server: how failures below HTTP are reported.
final class CurlTransportFailureTests: XCTestCase {
    private let transport = CurlTransport()

    func testConnectionClosedMidBodyIsConnectionLostAfterTheBytesThatArrived() async throws {
        let server = try LoopbackServer([LoopbackServer.Response([
            .head(status: 200, headers: [HTTPHeader("content-length", "100")]),
            .send(Array("0123456789".utf8)),
            .close,
        ])])
        defer { server.stop() }

        let result = await collect(transport.execute(HTTPRequest(url: server.baseURL + "/")))

        XCTAssertEqual(result.body, Array("0123456789".utf8))
        guard case .connectionLost(let message) = result.transportError else {
            return XCTFail("expected connectionLost, got \(String(describing: result.error))")
        }
        XCTAssertTrue(message.hasPrefix("the server closed the connection before the response was complete"), message)
    }

    func testEventStreamClosedWithoutItsLastChunkIsConnectionLost() async throws {
        let event = LoopbackServer.sseEvent("completion", data: #"{"completion":"partial"}"#)
        let server = try LoopbackServer([.sse([event], ending: [.close])])
        defer { server.stop() }

        let result = await collect(transport.execute(HTTPRequest(url: server.baseURL + "/v1/complete")))

        XCTAssertEqual(result.body, Array(event.utf8))
        guard case .connectionLost = result.transportError else {
            return XCTFail("expected connectionLost, got \(String(describing: result.error))")
        }
    }

    func testConnectionResetMidStreamIsConnectionLost() async throws {
        let event = LoopbackServer.sseEvent("completion", data: #"{"completion":"partial"}"#)
        let server = try LoopbackServer([.sse([event], ending: [.sleep(milliseconds: 20), .reset])])
        defer { server.stop() }

        let result = await collect(transport.execute(HTTPRequest(url: server.baseURL + "/v1/complete")))

        XCTAssertEqual(result.body, Array(event.utf8))
        guard case .connectionLost = result.transportError else {
            return XCTFail("expected connectionLost, got \(String(describing: result.error))")
        }
    }

    func testServerClosingWithoutAnyResponseIsConnectionLost() async throws {
        let server = try LoopbackServer([LoopbackServer.Response([.close])])
        defer { server.stop() }

        let result = await collect(transport.execute(HTTPRequest(url: server.baseURL + "/")))

        XCTAssertNil(result.head)
        XCTAssertEqual(result.transportError,
                       .connectionLost("the server closed the connection without sending a response"))
    }

    func testRefusedPortIsCouldNotConnect() async throws {
        let port = try refusedPort()

        let result = await collect(transport.execute(HTTPRequest(url: "http://127.0.0.1:\(port)/v1/complete")))

        XCTAssertNil(result.head)
        guard case .couldNotConnect(let message) = result.transportError else {
            return XCTFail("expected couldNotConnect, got \(String(describing: result.error))")
        }
        XCTAssertTrue(message.contains("127.0.0.1"), message)
    }

    func testSilenceAfterSomeBytesPastTheIdleLimitIsIdleTimedOut() async throws {
        let event = LoopbackServer.sseEvent("ping", data: "{}")
        let server = try LoopbackServer([.sse([event], ending: [.stall])])
        defer { server.stop() }
        let start = ContinuousClock.now

        let request = HTTPRequest(url: server.baseURL + "/", timeouts: HTTPTimeouts(idle: 0.5))
        let result = await collect(transport.execute(request))

        let elapsed = seconds(from: start, to: .now)
        XCTAssertEqual(result.body, Array(event.utf8))
        XCTAssertEqual(result.transportError, .idleTimedOut(seconds: 0.5))
        XCTAssertGreaterThanOrEqual(elapsed, 0.5)
        XCTAssertLessThan(elapsed, 3, "the idle limit must end the transfer, not some later limit")
    }

    func testSilenceBeforeTheHeadPastTheIdleLimitIsIdleTimedOut() async throws {
        let server = try LoopbackServer([LoopbackServer.Response([.stall])])
        defer { server.stop() }

        let request = HTTPRequest(url: server.baseURL + "/", timeouts: HTTPTimeouts(idle: 0.5))
        let result = await collect(transport.execute(request))

        XCTAssertNil(result.head)
        XCTAssertEqual(result.transportError, .idleTimedOut(seconds: 0.5))
        XCTAssertEqual(result.transportError?.description, "the server sent nothing for 0.5 s")
    }

    func testBodyTricklingPastTheTotalLimitIsTotalTimedOut() async throws {
        var steps: [LoopbackServer.Step] = [.head(status: 200, headers: [HTTPHeader("content-length", "1000")])]
        for _ in 0..<100 { steps += [.send([UInt8(ascii: "x")]), .sleep(milliseconds: 20)] }
        let server = try LoopbackServer([LoopbackServer.Response(steps)])
        defer { server.stop() }

        let request = HTTPRequest(url: server.baseURL + "/", timeouts: HTTPTimeouts(idle: 5, total: 0.3))
        let result = await collect(transport.execute(request))

        XCTAssertEqual(result.head?.status, 200)
        XCTAssertEqual(result.transportError, .totalTimedOut(seconds: 0.3))
    }

    func testHeaderValueWithALineBreakIsRefusedBeforeAnythingIsSent() async throws {
        let server = try LoopbackServer([.status(200)])
        defer { server.stop() }
        let request = HTTPRequest(url: server.baseURL + "/",
                                  headers: [HTTPHeader("x-custom", "value\r\nx-injected: yes")])

        let result = await collect(transport.execute(request))

        XCTAssertEqual(result.transportError,
                       .other("the request header \"x-custom\" contains a line break or NUL; the request was not sent"))
        XCTAssertEqual(server.requests, [])
    }

    func testNonHTTPURLIsRefused() async throws {
        let result = await collect(transport.execute(HTTPRequest(method: "GET", url: "file:///etc/hostname")))

        guard case .other(let message) = result.transportError else {
            return XCTFail("expected other, got \(String(describing: result.error))")
        }
        XCTAssertTrue(message.hasPrefix("the URL cannot be used"), message)
    }
}
