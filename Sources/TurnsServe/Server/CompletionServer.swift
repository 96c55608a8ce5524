import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import TurnsAPI
import TurnsLocal

/// A loopback HTTP server that speaks the Text Completions and Messages APIs (`POST /v1/complete`, `POST /v1/messages`,
/// `GET /v1/models`, PROTOCOL.md A and E) and Claude on Bedrock Runtime (`POST /model/{modelId}/invoke[-with-response-stream]`,
/// PROTOCOL.md C) with the offline model: what `turns serve` runs, and what `turns` starts in-process when it has no
/// API key.
///
/// ```swift
/// let server = CompletionServer(options: .init(tokensPerSecond: 30))
/// let port = try server.start()       // "listening on http://127.0.0.1:\(port)"
/// …
/// server.stop()
/// ```
///
/// Thread-safe: `start` and `stop` may be called from any thread (not from the server's own event loop).
public final class CompletionServer: @unchecked Sendable {
    /// How the server listens and answers.
    public struct Options: Sendable {
        /// The address to bind (default `127.0.0.1`: only this machine can connect).
        public var host: String
        /// The port to bind; 0 picks a free one (see `start()`'s result).
        public var port: Int
        /// When set, `/v1/complete` requests must carry this key in `x-api-key` (or `Authorization: Bearer`), else
        /// 401; without an AWS key pair, Bedrock requests must carry it as a bearer token, else 403.
        public var apiKey: String?
        /// Streamed tokens per second (default 30, like a real model); 0 streams as fast as the reader takes it.
        public var tokensPerSecond: Double
        /// The model that answers (trained once, shared by every request).
        public var model: LocalModel
        /// A fixed random seed for every request, so tests get the same text at any temperature; nil: random.
        public var seed: UInt64?
        /// False when answers must run to max_tokens_to_sample or a request stop sequence (benchmarks); by
        /// default the model ends an answer by itself, with stop_reason `stop_sequence` and stop `"\n\nHuman:"`.
        public var endsAnswers: Bool
        /// With `awsSecretAccessKey`: every Bedrock request must be SigV4-signed by this key pair, else 403.
        public var awsAccessKeyID: String?
        /// The secret of `awsAccessKeyID` (never printed: `description` masks it).
        public var awsSecretAccessKey: String?

        /// Creates options; every parameter has the default described on its property.
        public init(host: String = "127.0.0.1", port: Int = 0, apiKey: String? = nil, tokensPerSecond: Double = 30,
                    model: LocalModel = .shared, seed: UInt64? = nil, endsAnswers: Bool = true,
                    awsAccessKeyID: String? = nil, awsSecretAccessKey: String? = nil) {
            self.host = host
            self.port = port
            self.apiKey = apiKey
            self.tokensPerSecond = tokensPerSecond
            self.model = model
            self.seed = seed
            self.endsAnswers = endsAnswers
            self.awsAccessKeyID = awsAccessKeyID
            self.awsSecretAccessKey = awsSecretAccessKey
        }

        /// The verifier for the AWS key pair, nil when none is set.
        ///
        /// - Throws: `CompletionServerError.incompleteAWSKeys` when only one half of the pair is set.
        func bedrockVerifier() throws(CompletionServerError) -> SigV4Verifier? {
            let id = awsAccessKeyID.flatMap { $0.isEmpty ? nil : $0 }
            let secret = awsSecretAccessKey.flatMap { $0.isEmpty ? nil : $0 }
            switch (id, secret) {
            case (nil, nil): return nil
            case (let id?, let secret?): return SigV4Verifier(accessKeyID: id, secretAccessKey: secret)
            default: throw CompletionServerError.incompleteAWSKeys
            }
        }
    }

    /// The options the server was created with.
    public let options: Options

    // Guarded by `lock`: set by `start`, cleared by `stop`.
    private let lock = NSLock()
    private var group: MultiThreadedEventLoopGroup?
    private var listener: Channel?

    /// Creates a server; nothing listens until `start()`.
    public init(options: Options = Options()) {
        self.options = options
    }

    deinit {
        stop()
    }

    /// The bound port while running, else nil.
    public var port: Int? {
        lock.withLock { listener?.localAddress?.port }
    }

    /// Binds and starts answering; returns the bound port. Throws `CompletionServerError` if it cannot bind
    /// or is already running.
    @discardableResult
    public func start() throws(CompletionServerError) -> Int {
        lock.lock()
        defer { lock.unlock() }
        if listener != nil { throw CompletionServerError.alreadyRunning }
        let verifier = try options.bedrockVerifier()
        // One thread is plenty for a loopback server, and leaves the machine's other core to the client.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // Each connection's handler gets this value, captured as a constant: the initializer runs on the loop's thread.
        let service = CompletionService(options: options, verifier: verifier)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(HTTPConnectionHandler(service: service))
                }
            }
        let channel: Channel
        do {
            channel = try bootstrap.bind(host: options.host, port: options.port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw CompletionServerError.cannotBind(host: options.host, port: options.port,
                                                   reason: String(describing: error))
        }
        guard let port = channel.localAddress?.port else {
            try? channel.close().wait()
            try? group.syncShutdownGracefully()
            throw CompletionServerError.cannotBind(host: options.host, port: options.port, reason: "no local port")
        }
        self.group = group
        self.listener = channel
        return port
    }

    /// Stops listening, closes every connection (ending any stream in progress) and frees the thread.
    /// Does nothing when not running.
    public func stop() {
        let (group, listener) = lock.withLock { () -> (MultiThreadedEventLoopGroup?, Channel?) in
            defer { (self.group, self.listener) = (nil, nil) }
            return (self.group, self.listener)
        }
        try? listener?.close().wait()
        try? group?.syncShutdownGracefully()
    }
}

/// Why the server could not start.
public enum CompletionServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The address could not be bound (in use, not local, no permission…).
    case cannotBind(host: String, port: Int, reason: String)
    /// `start()` was called on a running server.
    case alreadyRunning
    /// Only one of the AWS access key id and secret access key was given.
    case incompleteAWSKeys

    /// A message naming the address and the cause.
    public var description: String {
        switch self {
        case .cannotBind(let host, let port, let reason):
            return "cannot listen on \(host):\(port): \(reason). Choose another --host or --port (0 picks a free port)"
        case .alreadyRunning:
            return "the server is already running"
        case .incompleteAWSKeys:
            return "give both --aws-access-key-id and --aws-secret-access-key, or neither"
        }
    }
}

extension CompletionServer.Options: CustomStringConvertible, CustomReflectable {
    /// The options with the keys masked, so printing them never shows a secret (`String(reflecting:)` uses it too).
    public var description: String {
        "Options(" + customMirror.children.map { "\($0.label!): \($0.value)" }.joined(separator: ", ") + ")"
    }

    /// A mirror with the keys masked, so `dump` never shows them either.
    public var customMirror: Mirror {
        Mirror(self, children: ["host": host, "port": port, "apiKey": Self.mask(apiKey),
                                "tokensPerSecond": tokensPerSecond, "seed": seed.map(String.init) ?? "nil",
                                "endsAnswers": endsAnswers, "awsAccessKeyID": maskedAccessKeyID,
                                "awsSecretAccessKey": Self.mask(awsSecretAccessKey)], displayStyle: .struct)
    }

    /// The key id as AWS tools show it (its last four characters), or `<none>`.
    private var maskedAccessKeyID: String {
        guard let id = awsAccessKeyID, !id.isEmpty else { return "<none>" }
        return AWSCredentials(accessKeyID: id, secretAccessKey: "").maskedAccessKeyID
    }

    private static func mask(_ secret: String?) -> String {
        guard let secret, !secret.isEmpty else { return "<none>" }
        return "<set>"
    }
}
