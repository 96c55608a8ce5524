import TurnsServe
import XCTest

/// The base of the tests that run `turns serve` in process: each server on a free loopback port, stopped in tearDown.
class ServerTestCase: XCTestCase {
    private var servers: [CompletionServer] = []

    override func tearDown() {
        for server in servers { server.stop() }
        servers.removeAll()
        super.tearDown()
    }

    /// Starts a server on a free loopback port, stopped again in tearDown; returns the port.
    func startServer(_ options: CompletionServer.Options = .init(tokensPerSecond: 0, seed: 1)) throws -> Int {
        let server = CompletionServer(options: options)
        servers.append(server)
        return try server.start()
    }
}
