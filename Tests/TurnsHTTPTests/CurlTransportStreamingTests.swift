import Foundation
import TurnsHTTP
import TurnsTestSupport
import XCTest

/// `CurlTransport` against a loopback server: what arrives when everything works.
final class CurlTransportStreamingTests: XCTestCase {
    private let transport = CurlTransport()

    func testStreamedBodyArrivesAsHeadThenChunksThatJoinToExactlyWhatWasSent() async throws {
        let events = [
            LoopbackServer.sseEvent("completion", data: #"{"completion":" Hello","stop_reason":null}"#),
            LoopbackServer.sseEvent("ping", data: "{}"),
            LoopbackServer.sseEvent("completion", data: #"{"completion":" wörld 👋","stop_reason":"stop_sequence"}"#),
        ]
        let server = try LoopbackServer([.sse(events, headers: [HTTPHeader("request-id", "req_1")],
                                              pauseMilliseconds: 20)])
        defer { server.stop() }

        let result = await collect(transport.execute(HTTPRequest(url: server.baseURL + "/v1/complete")))

        XCTAssertNil(result.error)
        XCTAssertEqual(result.head?.status, 200)
        XCTAssertEqual(result.head?.headers.value(for: "Content-Type"), "text/event-stream; charset=utf-8")
        XCTAssertEqual(result.head?.headers.value(for: "request-id"), "req_1")
        XCTAssertEqual(result.body, Array(events.joined().utf8))
    }

    func testBodyBytesArriveWhileTheServerIsStillSending() async throws {
        let first = LoopbackServer.sseEvent("completion", data: #"{"completion":"Hi"}"#)
        let server = try LoopbackServer([.sse([first], ending: [.stall])])
        defer { server.stop() }

        var received: [UInt8] = []
        let request = HTTPRequest(url: server.baseURL + "/v1/complete", timeouts: HTTPTimeouts(idle: 5))
        for try await part in transport.execute(request) {
            if case .body(let bytes) = part { received += bytes }
            if received.count == first.utf8.count { break }
        }

        XCTAssertEqual(received, Array(first.utf8), "the first event must arrive although the response never ends")
    }

    func testBodySentOneByteAtATimeWithPausesArrivesIntact() async throws {
        let body = Array("data: {\"completion\":\"é ✓ 👋\"}\r\n\r\n".utf8)
        var steps: [LoopbackServer.Step] = [.head(status: 200, headers: [HTTPHeader("content-length", "\(body.count)")])]
        for byte in body { steps += [.send([byte]), .sleep(milliseconds: 2)] }
        let server = try LoopbackServer([LoopbackServer.Response(steps)])
        defer { server.stop() }

        let request = HTTPRequest(url: server.baseURL + "/", timeouts: HTTPTimeouts(idle: 0.5))
        let result = await collect(transport.execute(request))

        XCTAssertNil(result.error)
        XCTAssertEqual(result.body, body)
        XCTAssertGreaterThan(result.chunks.count, 1, "paused single bytes should arrive as separate pieces")
    }

    func testRequestMethodPathHeadersAndBodyArriveIntact() async throws {
        let server = try LoopbackServer([.status(200, body: "{}")])
        defer { server.stop() }
        let headers = [
            HTTPHeader("x-api-key", "sk-test-123"),
            HTTPHeader("anthropic-version", "2023-06-01"),
            HTTPHeader("content-type", "application/json"),
            HTTPHeader("accept", "text/event-stream"),
            HTTPHeader("x-empty", ""),
        ]
        let body = Array(UInt8.min...UInt8.max) + Array(#"{"prompt":"\n\nHuman: hi"}"#.utf8)

        let result = await collect(transport.execute(
            HTTPRequest(method: "POST", url: server.baseURL + "/v1/complete?beta=true", headers: headers, body: body)))

        XCTAssertNil(result.error)
        let received = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(server.requests.count, 1)
        XCTAssertEqual(received.method, "POST")
        XCTAssertEqual(received.path, "/v1/complete?beta=true")
        XCTAssertEqual(received.body, body)
        for header in headers {
            XCTAssertEqual(received.headers.value(for: header.name), header.value, header.name)
        }
        XCTAssertEqual(Set(received.headers.map { $0.name.lowercased() }),
                       Set(headers.map(\.name) + ["host", "content-length"]),
                       "the transport adds only Host and Content-Length")
        XCTAssertEqual(received.headers.value(for: "content-length"), "\(body.count)")
    }

    func testGetRequestSendsNoBodyAndNoContentType() async throws {
        let server = try LoopbackServer([.status(200, body: "ok")])
        defer { server.stop() }

        let result = await collect(transport.execute(HTTPRequest(method: "GET", url: server.baseURL + "/health")))

        XCTAssertEqual(result.body, Array("ok".utf8))
        let received = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(received.method, "GET")
        XCTAssertEqual(received.path, "/health")
        XCTAssertEqual(received.body, [])
        XCTAssertEqual(received.headers.map { $0.name.lowercased() }, ["host"])
    }

    func testNonSuccessStatusIsDeliveredAsHeadAndBodyNotAsAnError() async throws {
        let errorBody = #"{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"#
        let server = try LoopbackServer([.status(529, headers: [HTTPHeader("request-id", "req_529")], body: errorBody)])
        defer { server.stop() }

        let result = await collect(transport.execute(HTTPRequest(url: server.baseURL + "/v1/complete")))

        XCTAssertNil(result.error)
        XCTAssertEqual(result.head?.status, 529)
        XCTAssertEqual(result.head?.headers.value(for: "request-id"), "req_529")
        XCTAssertEqual(result.body, Array(errorBody.utf8))
    }

    func testInterimContinueResponseIsSkippedAndTheFinalHeadDelivered() async throws {
        let server = try LoopbackServer([LoopbackServer.Response([
            .send(Array("HTTP/1.1 100 Continue\r\nx-interim: yes\r\n\r\n".utf8)),
            .head(status: 201, headers: [HTTPHeader("content-length", "4")]),
            .send(Array("done".utf8)),
        ])])
        defer { server.stop() }

        let result = await collect(transport.execute(HTTPRequest(url: server.baseURL + "/")))

        XCTAssertNil(result.error)
        XCTAssertEqual(result.head?.status, 201)
        XCTAssertNil(result.head?.headers.value(for: "x-interim"))
        XCTAssertEqual(result.body, Array("done".utf8))
    }

    func testASameOriginRedirectIsFollowedAndOneToAnotherOriginIsRefusedBeforeAnythingIsSentThere() async throws {
        // Source: anthropic 0.125.0 _base_client.py:909 (httpx follow_redirects=True); RFC 9110 15.4.8-9 (307/308 keep POST).
        let elsewhere = try LoopbackServer([.status(200, body: "stolen")])
        defer { elsewhere.stop() }
        let server = try LoopbackServer([.status(307, headers: [HTTPHeader("location", "/v1/moved")], body: "moved")])
        defer { server.stop() }
        server.enqueue(.status(308, headers: [HTTPHeader("location", server.baseURL + "/v1/final")]))
        server.enqueue(.status(200, body: "followed"))
        server.enqueue(.status(307, headers: [HTTPHeader("location", elsewhere.baseURL + "/steal")]))
        let post = HTTPRequest(url: server.baseURL + "/v1/complete", headers: [HTTPHeader("x-api-key", "k")], body: Array("hi".utf8))

        let followed = await collect(transport.execute(post))
        XCTAssertNil(followed.error)
        XCTAssertEqual(followed.head?.status, 200)
        XCTAssertEqual(followed.body, Array("followed".utf8))
        XCTAssertEqual(server.requests.map(\.path), ["/v1/complete", "/v1/moved", "/v1/final"])
        XCTAssertEqual(server.requests.map(\.method), ["POST", "POST", "POST"])
        XCTAssertEqual(server.requests.map(\.body), Array(repeating: Array("hi".utf8), count: 3))

        let refused = await collect(transport.execute(post))
        XCTAssertNil(refused.head)
        XCTAssertEqual(refused.error as? TransportError, .redirectRefused("http://127.0.0.1:\(elsewhere.port)"))
        XCTAssertEqual(elsewhere.requests, [])
    }

    func testLoopbackRequestsBypassAProxyFromTheEnvironment() async throws {
        let deadProxy = "http://127.0.0.1:\(try refusedPort())"
        let names = ["http_proxy", "HTTP_PROXY", "no_proxy", "NO_PROXY"]
        let saved = names.map { name in (name, ProcessInfo.processInfo.environment[name]) }
        setenv("http_proxy", deadProxy, 1)
        setenv("HTTP_PROXY", deadProxy, 1)
        unsetenv("no_proxy")
        unsetenv("NO_PROXY")
        defer {
            for (name, value) in saved {
                if let value { setenv(name, value, 1) } else { unsetenv(name) }
            }
        }
        let server = try LoopbackServer([.status(200, body: "direct")])
        defer { server.stop() }

        let result = await collect(transport.execute(HTTPRequest(url: server.baseURL + "/")))

        XCTAssertNil(result.error)
        XCTAssertEqual(result.body, Array("direct".utf8))
    }

    func testAReaderThatFallsBehindPausesTheTransferWithoutTimingOutAndThenGetsEveryByte() async throws {
        // 24 MB as fast as the socket takes it, each megabyte a different byte, so loss or reordering shows.
        let megabytes = 24
        let steps: [LoopbackServer.Step] = [.head(status: 200, headers: [HTTPHeader("Content-Length", "\(megabytes << 20)")])]
            + (0..<megabytes).map { .send([UInt8](repeating: UInt8(0x41 + $0), count: 1 << 20)) }
        let server = try LoopbackServer([LoopbackServer.Response(steps)])
        defer { server.stop() }
        let recorder = LineRecorder()
        let transport = CurlTransport(log: recorder.record)
        // An idle limit shorter than the reader's pause: a transfer paused for its reader is not idle.
        let request = HTTPRequest(method: "GET", url: server.baseURL + "/large", timeouts: HTTPTimeouts(idle: 0.5))

        var received: [UInt8] = []
        var stalled = false
        for try await part in transport.execute(request) {
            guard case .body(let bytes) = part else { continue }
            received += bytes
            if !stalled {
                stalled = true
                try await Task.sleep(for: .seconds(1.5))
            }
        }

        XCTAssertEqual(received.count, megabytes << 20)
        let expected = (0..<megabytes).flatMap { [UInt8](repeating: UInt8(0x41 + $0), count: 1 << 20) }
        XCTAssertTrue(received == expected, "the body arrived damaged")
        let pause = recorder.lines.first { $0.hasPrefix("paused after ") }
        let pausedAt = pause.flatMap { Int($0.dropFirst("paused after ".count).prefix { $0.isNumber }) }
        XCTAssertNotNil(pausedAt, "the transfer never paused: \(recorder.lines)")
        // What waits unread stays near the channel's limit, far from the whole body.
        XCTAssertLessThan(pausedAt ?? .max, 12 << 20)
    }
}
