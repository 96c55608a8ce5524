import ArgumentParser
import Foundation
import TurnsLocal
import TurnsServe

/// `turns serve`: a loopback server that speaks the Text Completions API with the local model behind it.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve /v1/complete on loopback with the offline local model.",
        discussion: "The first line on stdout is `listening on http://HOST:PORT`. SIGINT or SIGTERM stops it.")

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port (0 picks a free one).")
    var port = 0

    @Option(name: .customLong("api-key"), help: "Require this x-api-key (answer 401 otherwise).")
    var apiKey: String?

    @Option(name: .customLong("tokens-per-second"), help: "The pace of streamed answers (0 = as fast as possible).")
    var tokensPerSecond: Double = 30

    @Option(help: "A text file the local model learns from instead of its built-in text.")
    var corpus: String?

    @Option(help: "Seed the local model's sampling so answers at temperature > 0 repeat.")
    var seed: UInt64?

    @Flag(help: "Generate until max_tokens_to_sample instead of ending answers naturally (for benchmarks).")
    var continuous = false

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard tokensPerSecond >= 0 else { throw ValidationError("--tokens-per-second must be >= 0") }
    }

    func run() async throws {
        let model: LocalModel
        if let corpus {
            do { model = try LocalModel(corpusFile: corpus) } catch {
                Terminal.error(error.description)
                throw ProcessExit(status: ExitStatus.usage)
            }
        } else {
            model = .shared
        }
        let server = CompletionServer(options: .init(host: host, port: port, apiKey: apiKey, tokensPerSecond: tokensPerSecond,
                                                     model: model, seed: seed, endsAnswers: !continuous))
        let boundPort: Int
        do {
            boundPort = try server.start()
        } catch {
            Terminal.error("cannot listen on \(host):\(port): \(error)")
            throw ProcessExit(status: ExitStatus.other)
        }
        Terminal.out("listening on http://\(host):\(boundPort)\n")
        let stopped = AsyncStream<Int32> { continuation in
            let watcher = SignalWatcher([SIGINT, SIGTERM]) { signal in continuation.yield(signal) }
            continuation.onTermination = { _ in watcher.cancel() }
        }
        for await _ in stopped { break }
        server.stop()
    }
}
