import Foundation
import TurnsHTTP
import TurnsTestSupport
import XCTest

/// Everything a transport stream delivered, for assertions.
struct Collected {
    /// The head, if one arrived.
    var head: HTTPResponseHead?
    /// The body pieces in arrival order.
    var chunks: [[UInt8]] = []
    /// The error the stream ended with, if any.
    var error: Error?
    /// The body pieces joined.
    var body: [UInt8] { chunks.flatMap { $0 } }
    /// The error as a `TransportError`, if it is one.
    var transportError: TransportError? { error as? TransportError }
}

/// Runs `stream` to its end, checking that exactly one head comes before any body.
func collect(_ stream: AsyncThrowingStream<HTTPResponsePart, Error>,
             file: StaticString = #filePath, line: UInt = #line) async -> Collected {
    var collected = Collected()
    do {
        for try await part in stream {
            switch part {
            case .head(let head):
                XCTAssertNil(collected.head, "a second head arrived", file: file, line: line)
                collected.head = head
            case .body(let bytes):
                XCTAssertNotNil(collected.head, "body bytes arrived before the head", file: file, line: line)
                collected.chunks.append(bytes)
            }
        }
    } catch {
        collected.error = error
    }
    return collected
}

/// Collects log lines from any thread.
final class LineRecorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recorded: [String] = []

    /// Appends `line`.
    func record(_ line: String) {
        lock.withLock { recorded.append(line) }
    }

    /// Every line so far.
    var lines: [String] {
        lock.withLock { recorded }
    }
}

/// Seconds from `start` to `end`.
func seconds(from start: ContinuousClock.Instant, to end: ContinuousClock.Instant) -> Double {
    let duration = (end - start).components
    return Double(duration.seconds) + Double(duration.attoseconds) / 1e18
}

/// A port on 127.0.0.1 where nothing listens (it was just bound and released).
func refusedPort() throws -> Int {
    let server = try LoopbackServer([])
    server.stop()
    return server.port
}
