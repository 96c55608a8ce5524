import Foundation
import TurnsHTTP
import TurnsTestSupport
import XCTest

/// `CurlTransport` leaves nothing behind: no open descriptors, no secrets in what it prints or throws.
final class CurlTransportHygieneTests: XCTestCase {
    private let transport = CurlTransport()

    func testTwoHundredSequentialRequestsLeaveNoExtraOpenFileDescriptors() async throws {
        // Warm up first: libcurl's global state and the worker's wake-up descriptors are created once per process.
        let warmUp = try LoopbackServer([.status(200, body: "warm")])
        _ = await collect(transport.execute(HTTPRequest(url: warmUp.baseURL + "/")))
        warmUp.stop()
        let before = try openFileDescriptorCount()

        // Every way a transfer can end: success, error status, lost connection, consumer leaving mid-stream.
        let event = LoopbackServer.sseEvent("ping", data: "{}")
        let script: [LoopbackServer.Response] = [
            .sse([event, event]),
            .status(404, body: "missing"),
            .sse([event], ending: [.reset]),
            .sse([event], ending: [.stall]),
        ]
        let server = try LoopbackServer()
        for index in 0..<200 {
            server.enqueue(script[index % script.count])
            let request = HTTPRequest(url: server.baseURL + "/\(index)")
            if index % script.count == 3 {
                for try await part in transport.execute(request) { if case .body = part { break } }
                XCTAssertNotNil(server.waitForClientClose(timeout: 5), "request \(index) was not cancelled")
            } else {
                _ = await collect(transport.execute(request))
            }
        }
        server.stop()

        XCTAssertEqual(server.requests.count, 200)
        let after = try openFileDescriptorCount()
        XCTAssertLessThanOrEqual(after, before, "open descriptors grew from \(before) to \(after)")
    }

    func testHeaderValuesNeverAppearInLogLinesOrErrorDescriptions() async throws {
        let secret = "sk-ant-api03-SECRETSECRET-0123456789"
        let recorder = LineRecorder()
        let transport = CurlTransport(log: recorder.record)
        let headers = [HTTPHeader("x-api-key", secret), HTTPHeader("authorization", "Bearer \(secret)")]
        let server = try LoopbackServer([
            .status(200, body: "{}"),
            .status(401, body: #"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#),
            LoopbackServer.Response([.head(status: 200, headers: [HTTPHeader("content-length", "50")]), .close]),
            LoopbackServer.Response([.stall]),
        ])
        defer { server.stop() }
        let requests = [
            HTTPRequest(url: server.baseURL + "/v1/complete", headers: headers),
            HTTPRequest(url: server.baseURL + "/v1/complete", headers: headers),
            HTTPRequest(url: server.baseURL + "/v1/complete", headers: headers),
            HTTPRequest(url: server.baseURL + "/v1/complete", headers: headers, timeouts: HTTPTimeouts(idle: 0.2)),
            HTTPRequest(url: "http://127.0.0.1:\(try refusedPort())/v1/complete", headers: headers),
            HTTPRequest(url: server.baseURL + "/v1/complete", headers: headers + [HTTPHeader("x-bad", "\(secret)\r\n")]),
        ]

        var texts: [String] = []
        for request in requests {
            let result = await collect(transport.execute(request))
            if let error = result.error {
                texts += [String(describing: error), String(reflecting: error), error.localizedDescription]
            }
        }

        XCTAssertEqual(texts.count, 4 * 3, "four of the six requests fail")
        XCTAssertTrue(recorder.lines.contains { $0.contains("headers: x-api-key, authorization") },
                      "the log names the headers it sent:\n\(recorder.lines.joined(separator: "\n"))")
        for text in texts + recorder.lines {
            XCTAssertFalse(text.contains("SECRETSECRET"), "a secret leaked into: \(text)")
        }
    }

    private func openFileDescriptorCount() throws -> Int {
        try FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count
    }
}
