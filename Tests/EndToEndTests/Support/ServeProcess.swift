import Foundation
import TurnsTestSupport

/// `turns serve` as a child process on a free port of 127.0.0.1, with a required API key (given in a file, as a
/// careful user would, so it is not in ps); `stop()` ends it.
final class ServeProcess: Sendable {
    /// Where the server listens, e.g. `http://127.0.0.1:41234`.
    let baseURL: String
    /// The key the server requires in `x-api-key`.
    let apiKey: String
    private let running: RunningProcess

    /// Starts the server (answers unpaced unless `tokensPerSecond` says otherwise) and waits for its
    /// `listening on …` line.
    init(home: String, apiKey: String = "parity-" + UUID().uuidString, tokensPerSecond: Double = 0) throws {
        self.apiKey = apiKey
        let keyFile = home + "/serve-api-key-" + UUID().uuidString
        try Data((apiKey + "\n").utf8).write(to: URL(fileURLWithPath: keyFile))
        let arguments = ["serve", "--port", "0", "--tokens-per-second", String(tokensPerSecond), "--api-key-file", keyFile]
        running = try ProcessRunner.start(ProcessRunner.executable("turns"), arguments,
                                          environment: ProcessRunner.isolatedEnvironment(home: home))
        guard running.waitForOutput(containing: "\n", timeout: 30),
              let line = running.stdoutSoFar.split(separator: "\n").first, line.hasPrefix("listening on ") else {
            let result = running.wait(timeout: 1)
            throw ServeProcessError(output: result.output)
        }
        baseURL = String(line.dropFirst("listening on ".count))
    }

    /// Stops the server (SIGTERM, then SIGKILL after 10 s).
    func stop() {
        running.signal(SIGTERM)
        _ = running.wait(timeout: 10)
    }
}

/// `turns serve` did not print its `listening on …` line.
struct ServeProcessError: Error, CustomStringConvertible {
    /// What the process wrote.
    var output: String
    var description: String { "turns serve did not start: \(output)" }
}
