import ArgumentParser
import Foundation
import TurnsAPI
import TurnsCore

/// Runs a command line and returns the process exit status.
enum TurnsMain {
    static func run(arguments: [String]) async -> Int32 {
        if arguments == ["--help"] || arguments == ["-h"] || arguments == ["help"] {
            print(rootHelp)
            return 0
        }
        do {
            var command = try TurnsCommand.parseAsRoot(arguments)
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let exit as ProcessExit {
            return exit.status
        } catch {
            let code = TurnsCommand.exitCode(for: error)
            let message = TurnsCommand.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                return 0
            }
            if !message.isEmpty { Terminal.error(message.replacingOccurrences(of: "Error: ", with: "")) }
            return ExitStatus.usage
        }
    }

    /// The chat's help (the default command's flags) followed by the other subcommands.
    static var rootHelp: String {
        let chat = ChatCommand.helpMessage(for: ChatCommand.self)
            .replacingOccurrences(of: "turns chat", with: "turns")
            .replacingOccurrences(of: "USAGE: chat", with: "USAGE: turns")
        return TurnsCommand.configuration.abstract + "\n\n" + TurnsCommand.configuration.discussion + "\n\n"
            + chat.replacingOccurrences(of: "OVERVIEW: " + ChatCommand.configuration.abstract + "\n\n", with: "")
            + """

            SUBCOMMANDS:
              serve                   Serve /v1/complete, /v1/messages and Bedrock on loopback with the
                                      offline model. See 'turns serve --help'.
              models                  List the models the API offers (GET /v1/models).
              export IN OUT           Convert a transcript between .txt, .md and .json.
              sessions                List saved chat sessions (reopen one with turns --resume ID).
            """
    }
}

/// The documented exit codes.
enum ExitStatus {
    /// The answer was complete.
    static let success: Int32 = 0
    /// Bad usage or an invalid setting.
    static let usage: Int32 = 2
    /// Any other API or protocol error (`APIError.exitCode` gives 3 to 5 for authentication, rate limits, the network).
    static let other: Int32 = 6
    /// Interrupted by the user (Ctrl-C).
    static let interrupted: Int32 = 130
}

/// Thrown to end the process with a status after the message was already written.
struct ProcessExit: Error {
    /// The exit status.
    var status: Int32
}

/// Writing to the process's standard streams without Foundation's buffering surprises.
enum Terminal {
    /// Writes `text` to stdout at once.
    static func out(_ text: String) {
        var copy = text
        copy.withUTF8 { buffer in writeAll(1, buffer) }
    }

    /// Writes "turns: message" and a newline to stderr.
    static func error(_ message: String) {
        note("turns: " + message)
    }

    /// Writes a line to stderr.
    static func note(_ line: String) {
        var copy = line.hasSuffix("\n") ? line : line + "\n"
        copy.withUTF8 { buffer in writeAll(2, buffer) }
    }

    private static func writeAll(_ fd: Int32, _ buffer: UnsafeBufferPointer<UInt8>) {
        guard var base = buffer.baseAddress else { return }
        var remaining = buffer.count
        while remaining > 0 {
            let written = write(fd, base, remaining)
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            base += written
            remaining -= written
        }
    }
}
