import CNcurses
import Foundation

/// Puts the terminal back on every way out: normal exit (`atexit`) and crash signals (the handler restores the
/// terminal, then lets the signal kill the process as it would have).
enum TerminalRestorer {
    private nonisolated(unsafe) static weak var session: TerminalSession?
    private nonisolated(unsafe) static var installed = false

    static func install(_ session: TerminalSession) {
        self.session = session
        guard !installed else { return }
        installed = true
        atexit { TerminalRestorer.restoreNow() }
        for number in [SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP] {
            signal(number) { received in
                TerminalRestorer.restoreNow()
                signal(received, SIG_DFL)
                raise(received)
            }
        }
    }

    static func uninstall() {
        session = nil
    }

    /// Leaves curses mode and turns bracketed paste off. Kept minimal: it may run inside a signal handler.
    static func restoreNow() {
        guard let session, session.isActive else { return }
        endwin()
        // ncurses writes through stdio: flush it now, or the switch back from the alternate screen could reach
        // the terminal after text printed once the chat is over (and hide it).
        turns_flush_stdout()
        let sequence: StaticString = "\u{1B}[?2004l"
        _ = write(1, sequence.utf8Start, sequence.utf8CodeUnitCount)
    }
}
