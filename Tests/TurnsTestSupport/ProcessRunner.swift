import Foundation

/// Runs a built executable of this package (e.g. `turns`) and captures what it wrote.
public struct ProcessRunner {
    /// What a finished process left behind.
    public struct Result: Sendable {
        /// The exit status (or 128 + signal when a signal ended it).
        public var status: Int32
        /// Everything written to stdout.
        public var stdout: String
        /// Everything written to stderr.
        public var stderr: String
        /// Both streams, for searching.
        public var output: String { stdout + stderr }
    }

    /// The folder that holds the package's built products (beside the test bundle).
    public static var productsDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["TURNS_PRODUCTS"] {
            return URL(fileURLWithPath: override)
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            return bundle.bundleURL.deletingLastPathComponent()
        }
        return Bundle.main.bundleURL
    }

    /// The path of a product, e.g. `turns`.
    public static func executable(_ name: String) -> String {
        productsDirectory.appendingPathComponent(name).path
    }

    /// An environment for child processes: this one without API keys or AWS secrets, plus `overrides`,
    /// with the XDG folders pointed at `home` so nothing the user has on disk changes the result.
    /// Everything else passes through, ASAN_OPTIONS, LSAN_OPTIONS and TSAN_OPTIONS included: under `scripts/sanitize`
    /// a sanitized `turns` reports where the test process does and uses the same suppressions.
    public static func isolatedEnvironment(home: String, _ overrides: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("ANTHROPIC_") || key.hasPrefix("AWS_") || key.hasPrefix("XDG_") {
            env.removeValue(forKey: key)
        }
        env["HOME"] = home
        env["XDG_CONFIG_HOME"] = home + "/config"
        env["XDG_DATA_HOME"] = home + "/data"
        env["XDG_STATE_HOME"] = home + "/state"
        env["NO_PROXY"] = "127.0.0.1,localhost"
        env["no_proxy"] = "127.0.0.1,localhost"
        for (key, value) in overrides { env[key] = value }
        return env
    }

    /// Runs `executable` with `arguments` and `stdin`, waiting at most `timeout` seconds (then it is killed
    /// and the status is that of the kill).
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String],
                           stdin: String? = nil, timeout: Double = 60) throws -> Result {
        let running = try start(executable, arguments, environment: environment, stdin: stdin)
        return running.wait(timeout: timeout)
    }

    /// Starts a process and returns a handle to it.
    public static func start(_ executable: String, _ arguments: [String], environment: [String: String],
                             stdin: String? = nil) throws -> RunningProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = environment
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        let running = RunningProcess(process: process, stdout: out, stderr: err)
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        return running
    }

    /// A temporary folder that is removed when the test process ends (or by the caller).
    public static func temporaryDirectory(_ label: String = "turns-test") -> String {
        let path = NSTemporaryDirectory() + "/\(label)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// A started child process whose output is collected in the background.
public final class RunningProcess: @unchecked Sendable {
    /// The process.
    public let process: Process
    private let lock = NSLock()
    private var outData = Data()
    private var errData = Data()
    private let group = DispatchGroup()

    init(process: Process, stdout: Pipe, stderr: Pipe) {
        self.process = process
        collect(stdout.fileHandleForReading, isStdout: true)
        collect(stderr.fileHandleForReading, isStdout: false)
    }

    private func collect(_ handle: FileHandle, isStdout: Bool) {
        group.enter()
        let thread = Thread { [self] in
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { break }
                lock.lock()
                if isStdout { outData.append(chunk) } else { errData.append(chunk) }
                lock.unlock()
            }
            group.leave()
        }
        thread.start()
    }

    /// What the process has written to stdout so far.
    public var stdoutSoFar: String {
        lock.lock(); defer { lock.unlock() }
        return String(decoding: outData, as: UTF8.self)
    }

    /// Waits until stdout contains `text` or `timeout` passes; returns whether it appeared.
    public func waitForOutput(containing text: String, timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if stdoutSoFar.contains(text) { return true }
            if !process.isRunning { return stdoutSoFar.contains(text) }
            usleep(5_000)
        }
        return false
    }

    /// Sends a signal to the process.
    public func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Waits for the process to end (killing it after `timeout` seconds) and returns what it left.
    public func wait(timeout: Double) -> ProcessRunner.Result {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(2_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        _ = group.wait(timeout: .now() + 5)
        lock.lock(); defer { lock.unlock() }
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return ProcessRunner.Result(status: status, stdout: String(decoding: outData, as: UTF8.self),
                                    stderr: String(decoding: errData, as: UTF8.self))
    }
}
