/// Stand-in until the real server lands (replaced by the local-backend work).
public final class CompletionServer: @unchecked Sendable {
    /// Options.
    public struct Options: Sendable {
        /// Host.
        public var host = "127.0.0.1"
        /// Port.
        public var port = 0
        /// Key.
        public var apiKey: String?
        /// Pace.
        public var tokensPerSecond = 30.0
        /// Corpus.
        public var corpus: String?
        /// Creates options.
        public init() {}
    }
    /// Creates a server.
    public init(options: Options) throws {}
    /// Starts.
    public func start() throws -> Int { 0 }
    /// Stops.
    public func stop() {}
}
