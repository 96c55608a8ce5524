import Foundation

/// A real terminal for end-to-end tests: a program run inside tmux on a private tmux server, driven with
/// send-keys and read with capture-pane. The server (and the program) is killed when the session is closed.
public final class TmuxSession {
    /// The tmux server's socket name (private to this session).
    public let socket: String
    private let name = "t"

    /// Whether tmux is installed.
    public static var isAvailable: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux")
    }

    /// Starts `command` (argv) in a `width` x `height` terminal with exactly `environment` (plus TERM from tmux).
    public init(_ command: [String], environment: [String: String], width: Int = 100, height: Int = 30) throws {
        socket = "turns-test-\(UUID().uuidString.prefix(8))"
        let env = environment.filter { $0.key != "TERM" && $0.key != "TMUX" }
            .map { "\($0.key)=\(Self.shellQuote($0.value))" }.sorted().joined(separator: " ")
        let line = "env -i \(env) TERM=tmux-256color " + command.map(Self.shellQuote).joined(separator: " ")
        try tmux(["-f", "/dev/null", "new-session", "-d", "-s", name, "-x", "\(width)", "-y", "\(height)", line])
        try tmux(["set-option", "-t", name, "remain-on-exit", "on"])
    }

    deinit { close() }

    /// Copies everything the program writes to the terminal into `path` (raw bytes, escape sequences included).
    public func record(to path: String) throws {
        try tmux(["pipe-pane", "-t", name, "cat > " + Self.shellQuote(path)])
    }

    /// Kills the tmux server and everything in it.
    public func close() {
        _ = try? tmux(["kill-server"])
    }

    /// Sends tmux key names ("Enter", "F2", "C-c", "Escape", "Down"…).
    public func keys(_ names: String...) throws {
        try tmux(["send-keys", "-t", name] + names)
    }

    /// Types text literally.
    public func type(_ text: String) throws {
        try tmux(["send-keys", "-t", name, "-l", text])
    }

    /// Pastes text as a terminal paste (bracketed when the program asked for it).
    public func paste(_ text: String) throws {
        let file = NSTemporaryDirectory() + "/\(socket)-paste.txt"
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        try tmux(["load-buffer", "-b", "p", file])
        try tmux(["paste-buffer", "-p", "-d", "-b", "p", "-t", name])
    }

    /// Resizes the terminal.
    public func resize(width: Int, height: Int) throws {
        try tmux(["resize-window", "-t", name, "-x", "\(width)", "-y", "\(height)"])
    }

    /// The screen as lines of text (trailing spaces removed).
    public func screen() -> [String] {
        let text = (try? tmux(["capture-pane", "-p", "-t", name])) ?? ""
        var lines = text.components(separatedBy: "\n")
        if lines.last == "" { lines.removeLast() }
        return lines.map { String($0.reversed().drop(while: { $0 == " " }).reversed()) }
    }

    /// The screen as one string, for searching and failure messages.
    public var screenText: String { screen().joined(separator: "\n") }

    /// Waits until `condition` holds for the screen, up to `timeout` seconds; returns whether it did.
    @discardableResult
    public func waitUntil(timeout: Double = 10, _ condition: ([String]) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if condition(screen()) { return true }
            usleep(20_000)
        } while Date() < deadline
        return condition(screen())
    }

    /// Waits until the screen contains `text`.
    @discardableResult
    public func waitFor(_ text: String, timeout: Double = 10) -> Bool {
        waitUntil(timeout: timeout) { $0.joined(separator: "\n").contains(text) }
    }

    /// A tmux format value of the pane, e.g. "pane_dead", "pane_dead_status", "alternate_on", "pane_pid".
    public func paneValue(_ format: String) -> String {
        ((try? tmux(["display-message", "-p", "-t", name, "#{\(format)}"])) ?? "")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits for the program to exit and returns its exit status (nil on timeout).
    public func waitForExit(timeout: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if paneValue("pane_dead") == "1" {
                // tmux leaves pane_dead_status empty for a status of 0; a signal shows in pane_dead_signal.
                if let signal = Int32(paneValue("pane_dead_signal")) { return 128 + signal }
                return Int32(paneValue("pane_dead_status")) ?? 0
            }
            usleep(20_000)
        }
        return nil
    }

    @discardableResult
    private func tmux(_ arguments: [String]) throws -> String {
        // posix_spawn and waitpid, not Foundation's Process: the tmux server that new-session starts inherits the
        // client's descriptors, and Process would wait for those to close (as long as the server runs).
        let outputPath = NSTemporaryDirectory() + "/\(socket)-\(UUID().uuidString.prefix(6)).out"
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        let argv = ["/usr/bin/tmux", "-L", socket] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, &cArguments, environ)
        guard spawned == 0 else { throw TmuxError(message: "cannot start tmux (\(spawned))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitCode = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        if exitCode != 0 && arguments.first != "kill-server" {
            throw TmuxError(message: "tmux \(arguments.joined(separator: " ")) failed (\(exitCode))")
        }
        return String(decoding: FileManager.default.contents(atPath: outputPath) ?? Data(), as: UTF8.self)
    }

    /// Quotes a word for sh.
    public static func shellQuote(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

/// A tmux command failed.
public struct TmuxError: Error, CustomStringConvertible {
    /// What failed.
    public var message: String
    /// The message.
    public var description: String { message }
}
