import Foundation
import TurnsCore

/// Reads the configuration file and the environment and layers them under the flags.
enum ConfigurationLoader {
    /// The configuration in force, or a usage failure (exit 2) after printing why.
    static func load(flags: ConfigLayer, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws -> ResolvedConfiguration {
        do {
            let file = try readFile(at: XDGPaths(environment: environment).configFile)
            return try ResolvedConfiguration.resolve(file: file, environment: .fromEnvironment(environment), flags: flags)
        } catch {
            Terminal.error("\(error)")  // a ConfigError or a SettingsError: both describe themselves in one line
            throw ProcessExit(status: ExitStatus.usage)
        }
    }

    /// The layer a config file gives; a missing file is an empty layer.
    static func readFile(at path: String) throws -> ConfigLayer {
        guard FileManager.default.fileExists(atPath: path) else { return ConfigLayer() }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(path: path, line: nil, reason: "cannot be read")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ConfigError(path: path, line: nil, reason: "is not UTF-8 text")
        }
        return try ConfigFile.parse(text, path: path)
    }
}
