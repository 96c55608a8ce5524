import ArgumentParser
import Foundation
import TurnsLocal
import TurnsServe

/// `turns serve`: a loopback server that speaks the Text Completions API and Claude on Bedrock Runtime with the
/// local model behind them.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve /v1/complete, /v1/messages and Bedrock's /model/{id}/invoke on loopback with the offline model.",
        discussion: """
        The first line on stdout is `listening on http://HOST:PORT`. SIGINT or SIGTERM stops it. Bedrock clients \
        reach it with an endpoint URL of http://HOST:PORT (e.g. turns --backend bedrock --base-url …).

        With --api-key (or --api-key-file) every /v1/complete, /v1/messages and /v1/models request must carry that x-api-key, else it is refused \
        with 401. With --aws-access-key-id and --aws-secret-access-key (or --aws-secret-access-key-file) every \
        Bedrock request must be SigV4-signed with that key pair (any region, service bedrock), else it is refused \
        with 403. A secret given on the command line can be read by other users of the machine (ps); a file keeps \
        it out of sight.
        """)

    @Option(help: "The address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "The port (0 picks a free one).")
    var port = 0

    @Option(name: .customLong("api-key"),
            help: "Require this x-api-key (answer 401 otherwise; other users can see it in ps: prefer the file).")
    var apiKey: String?

    @Option(name: .customLong("api-key-file"),
            help: ArgumentHelp("Read the key to require from this file (its first line).", valueName: "path"))
    var apiKeyFile: String?

    @Option(name: .customLong("tokens-per-second"), help: "The pace of streamed answers (0 = as fast as possible).")
    var tokensPerSecond: Double = 30

    @Option(help: "A text file the local model learns from instead of its built-in text.")
    var corpus: String?

    @Option(help: "Seed the local model's sampling so answers at temperature > 0 repeat.")
    var seed: UInt64?

    @Flag(help: "Generate until max_tokens_to_sample instead of ending answers naturally (for benchmarks).")
    var continuous = false

    @Option(name: .customLong("aws-access-key-id"), help: "Require Bedrock requests signed with this AWS access key id.")
    var awsAccessKeyID: String?

    @Option(name: .customLong("aws-secret-access-key"),
            help: "The secret of --aws-access-key-id (never printed; other users can see it in ps: prefer the file).")
    var awsSecretAccessKey: String?

    @Option(name: .customLong("aws-secret-access-key-file"),
            help: ArgumentHelp("Read the secret of --aws-access-key-id from this file (its first line).",
                               valueName: "path"))
    var awsSecretAccessKeyFile: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
        guard tokensPerSecond >= 0 else { throw ValidationError("--tokens-per-second must be >= 0") }
        if apiKey != nil && apiKeyFile != nil {
            throw ValidationError("give --api-key or --api-key-file, not both")
        }
        if awsSecretAccessKey != nil && awsSecretAccessKeyFile != nil {
            throw ValidationError("give --aws-secret-access-key or --aws-secret-access-key-file, not both")
        }
        if (awsAccessKeyID ?? "").isEmpty != ((awsSecretAccessKey ?? "").isEmpty && awsSecretAccessKeyFile == nil) {
            throw ValidationError("give both --aws-access-key-id and --aws-secret-access-key, or neither")
        }
    }

    func run() async throws {
        let model: LocalModel, secret: String?, key: String?
        do {
            model = try corpus.map { try LocalModel(corpusFile: $0) } ?? .shared
            secret = try awsSecretAccessKeyFile.map { try Self.readSecret($0, flag: "--aws-secret-access-key-file") }
                ?? awsSecretAccessKey
            key = try apiKeyFile.map { try Self.readSecret($0, flag: "--api-key-file") } ?? apiKey
        } catch {
            Terminal.error(String(describing: error))
            throw ProcessExit(status: ExitStatus.usage)
        }
        let server = CompletionServer(options: .init(host: host, port: port, apiKey: key, tokensPerSecond: tokensPerSecond,
                                                     model: model, seed: seed, endsAnswers: !continuous,
                                                     awsAccessKeyID: awsAccessKeyID, awsSecretAccessKey: secret))
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

    /// Why `--api-key-file` or `--aws-secret-access-key-file` could not give a secret.
    struct SecretFileError: Error, CustomStringConvertible {
        /// What went wrong, naming the file (never its contents).
        let description: String
    }

    /// The secret in the first line of the file at `path`, given with `flag` (named in the errors).
    static func readSecret(_ path: String, flag: String) throws(SecretFileError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SecretFileError(description: "cannot read \(flag) \(path): no such file, or not readable")
        }
        let firstLine = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first ?? ""
        let secret = firstLine.trimmingCharacters(in: .whitespaces)
        guard !secret.isEmpty else {
            throw SecretFileError(description: "\(flag) \(path) is empty: put the secret on its first line")
        }
        return secret
    }
}
