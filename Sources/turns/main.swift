// The `turns` executable: parses the command line, runs the command, and turns every failure into a
// one-line message on stderr and the documented exit code.
import ArgumentParser
import Foundation

let status = await TurnsMain.run(arguments: Array(CommandLine.arguments.dropFirst()))
exit(status)
