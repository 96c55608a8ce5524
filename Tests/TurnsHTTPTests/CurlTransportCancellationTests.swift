import Foundation
import TurnsHTTP
import TurnsTestSupport
import XCTest

/// `CurlTransport` cancellation: the connection must close within 100 ms of the consumer leaving.
///
/// The moment is measured where it matters: when the server sees the client close the socket.
final class CurlTransportCancellationTests: XCTestCase {
    private let transport = CurlTransport()
    private let deadline = 0.1

    func testStoppingIterationClosesTheConnectionWithin100Milliseconds() async throws {
        let server = try LoopbackServer([.sse([LoopbackServer.sseEvent("ping", data: "{}")], ending: [.stall])])
        defer { server.stop() }

        var stoppedAt: ContinuousClock.Instant?
        for try await part in transport.execute(HTTPRequest(url: server.baseURL + "/")) {
            if case .body = part {
                stoppedAt = .now
                break
            }
        }

        let closedAt = try XCTUnwrap(server.waitForClientClose(timeout: 5), "the client never closed the connection")
        let latency = seconds(from: try XCTUnwrap(stoppedAt), to: closedAt)
        print("CurlTransport: connection closed \(String(format: "%.2f", latency * 1000)) ms after the consumer stopped iterating")
        XCTAssertLessThan(latency, deadline)
    }

    func testCancellingTheTaskClosesTheConnectionWithin100Milliseconds() async throws {
        let server = try LoopbackServer([.sse([LoopbackServer.sseEvent("ping", data: "{}")], ending: [.stall])])
        defer { server.stop() }
        let firstBytes = expectation(description: "first body bytes")
        let stream = transport.execute(HTTPRequest(url: server.baseURL + "/"))

        let consumer = Task { () -> Error? in
            do {
                for try await part in stream {
                    if case .body = part { firstBytes.fulfill() }
                }
                return nil
            } catch {
                return error
            }
        }
        await fulfillment(of: [firstBytes], timeout: 5)
        let cancelledAt = ContinuousClock.now
        consumer.cancel()

        let closedAt = try XCTUnwrap(server.waitForClientClose(timeout: 5), "the client never closed the connection")
        let latency = seconds(from: cancelledAt, to: closedAt)
        print("CurlTransport: connection closed \(String(format: "%.2f", latency * 1000)) ms after the task was cancelled")
        XCTAssertLessThan(latency, deadline)
        // The loop ends either quietly (the standard library finished the stream first) or with `.cancelled`.
        if let error = await consumer.value {
            XCTAssertEqual(error as? TransportError, .cancelled)
        }
    }

    func testCancellingWhileWaitingForTheHeadClosesTheConnectionWithin100Milliseconds() async throws {
        let server = try LoopbackServer([LoopbackServer.Response([.stall])])
        defer { server.stop() }
        let stream = transport.execute(HTTPRequest(url: server.baseURL + "/"))
        let consumer = Task {
            for try await _ in stream {}
        }
        XCTAssertTrue(server.waitForRequests(1, timeout: 5), "the request never reached the server")

        let cancelledAt = ContinuousClock.now
        consumer.cancel()

        let closedAt = try XCTUnwrap(server.waitForClientClose(timeout: 5), "the client never closed the connection")
        let latency = seconds(from: cancelledAt, to: closedAt)
        print("CurlTransport: connection closed \(String(format: "%.2f", latency * 1000)) ms after cancelling before the head")
        XCTAssertLessThan(latency, deadline)
    }
}
