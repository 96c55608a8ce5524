import Foundation
import TurnsAPI
import TurnsCore
import TurnsHTTP
import TurnsLocal
import TurnsServe

/// A ready client for the configured backend. For the local backend it also runs the in-process loopback
/// server, so the local model is reached through the very same HTTP + SSE path as the real API.
final class BackendConnection {
    /// The client requests go through.
    let client: CompletionsClient
    /// The backend in use.
    let backend: BackendKind
    private let localServer: CompletionServer?

    private init(client: CompletionsClient, backend: BackendKind, localServer: CompletionServer?) {
        self.client = client
        self.backend = backend
        self.localServer = localServer
    }

    /// The notice shown once when the offline model answers.
    static let localNotice = """
        Using the offline local model: a small word model that runs on this machine, not Claude. \
        To talk to Claude, set ANTHROPIC_API_KEY (or api_key in ~/.config/turns/config.toml) and run turns again.
        """

    /// Opens a connection for `config`, starting the local server when the local backend is chosen. Bedrock's
    /// credentials and region come from `config` (`--region`, `--profile`) and the AWS chain in `environment`.
    static func open(_ config: ResolvedConfiguration, environment: AWSEnvironment = .current)
        throws(BackendSetupError) -> BackendConnection {
        var configuration: ClientConfiguration
        var localServer: CompletionServer?
        switch config.backend {
        case .local:
            let model: LocalModel
            if let path = config.corpusPath {
                do { model = try LocalModel(corpusFile: (path as NSString).expandingTildeInPath) } catch {
                    throw BackendSetupError(message: error.description)
                }
            } else {
                model = .shared
            }
            // A fresh key per process: nothing else on this machine can use our loopback port by accident.
            let localKey = "local-" + UUID().uuidString
            let server = CompletionServer(options: .init(host: "127.0.0.1", port: 0, apiKey: localKey,
                                                         tokensPerSecond: config.tokensPerSecond, model: model))
            let port: Int
            do {
                port = try server.start()
            } catch {
                throw BackendSetupError(message: "the local model could not start: \(error)")
            }
            localServer = server
            let base = "http://127.0.0.1:\(port)"
            configuration = ClientConfiguration(backend: .anthropic(apiKey: localKey, baseURL: base))
        case .anthropic:
            guard !(config.apiKey ?? "").isEmpty || !(config.authToken ?? "").isEmpty else {
                throw BackendSetupError(message: "the anthropic backend needs an API key: set ANTHROPIC_API_KEY or "
                    + "ANTHROPIC_AUTH_TOKEN (or api_key or auth_token in the config file), or use --backend local for the offline model")
            }
            let base = config.baseURL ?? ClientConfiguration.defaultAnthropicBaseURL
            configuration = ClientConfiguration(backend: .anthropic(apiKey: config.apiKey, baseURL: base))
            configuration.authToken = config.authToken
        case .bedrock:
            do throws(AWSConfigurationError) {
                configuration = try ClientConfiguration.bedrock(region: config.region, baseURL: config.baseURL,
                                                                profile: config.profile, environment: environment)
            } catch {
                throw BackendSetupError(message: "the bedrock backend cannot start: \(error.description)")
            }
        }
        configuration.maxRetries = config.maxRetries
        configuration.idleTimeout = config.idleTimeout
        let client = CompletionsClient(configuration, transport: CurlTransport())
        return BackendConnection(client: client, backend: config.backend, localServer: localServer)
    }

    /// Opens a connection, or writes why it cannot be opened and returns nil (the caller exits with status 2).
    static func openReportingFailure(_ config: ResolvedConfiguration) -> BackendConnection? {
        do {
            return try open(config)
        } catch {
            Terminal.error(error.message)
            return nil
        }
    }

    /// Stops the local server, if one runs.
    func close() {
        localServer?.stop()
    }
}

/// The backend could not be set up; the message says what to do.
struct BackendSetupError: Error, CustomStringConvertible {
    /// What went wrong and what to do.
    var message: String
    var description: String { message }
}
