import Foundation

/// Where AWS settings are looked up: environment variables, the home directory (for `~/.aws`) and a way
/// to read files. Tests build one from a dictionary and a temporary folder.
public struct AWSEnvironment: Sendable {
    /// The environment variables.
    public var variables: [String: String]
    /// The home directory `~` stands for.
    public var homeDirectory: String
    /// Reads a whole file; nil when it does not exist or cannot be read.
    public var readFile: @Sendable (String) -> [UInt8]?

    /// Creates an environment; the home directory defaults to `$HOME` in `variables`, then the user's home.
    public init(variables: [String: String], homeDirectory: String? = nil,
                readFile: @escaping @Sendable (String) -> [UInt8]? = AWSEnvironment.readFromDisk) {
        self.variables = variables
        self.homeDirectory = homeDirectory ?? variables["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        self.readFile = readFile
    }

    /// This process's environment and home directory, reading from the file system.
    public static var current: AWSEnvironment {
        AWSEnvironment(variables: ProcessInfo.processInfo.environment)
    }

    /// Reads a file from the file system.
    public static let readFromDisk: @Sendable (String) -> [UInt8]? = { path in
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    /// The value of `name`, or nil when it is unset or empty (the AWS tools treat both alike).
    public func value(_ name: String) -> String? {
        guard let value = variables[name], !value.isEmpty else { return nil }
        return value
    }

    /// The first of `names` that is set and not empty, with its name.
    func firstValue(_ names: [String]) -> (name: String, value: String)? {
        for name in names { if let value = value(name) { return (name, value) } }
        return nil
    }

    /// `path` with a leading `~` replaced by the home directory.
    func expandingTilde(_ path: String) -> String {
        if path == "~" { return homeDirectory }
        if path.hasPrefix("~/") { return homeDirectory + path.dropFirst() }
        return path
    }
}
