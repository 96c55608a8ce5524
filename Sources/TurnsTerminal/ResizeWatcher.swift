import CNcurses
import Foundation
import TurnsUI

/// Turns SIGWINCH into a wake-up of the UI thread.
///
/// A signal can be delivered to any thread; ncurses' own handler only sets a flag, so a UI thread asleep in `poll`
/// would not notice a resize until the next key. This handler (async-signal-safe: it only writes one byte) wakes the
/// poll through the wake pipe, and the UI thread then asks the terminal for its size.
enum ResizeWatcher {
    private nonisolated(unsafe) static var wakeDescriptor: Int32 = -1
    private nonisolated(unsafe) static var lastSize: (rows: UInt16, columns: UInt16) = (0, 0)

    /// Installs the handler (replacing ncurses' own), waking `wake` on every resize.
    static func install(wake: WakePipe) {
        wakeDescriptor = wake.writeDescriptor
        var size = winsize()
        if ioctl(1, UInt(TIOCGWINSZ), &size) == 0 { lastSize = (size.ws_row, size.ws_col) }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { _ in
            // The interrupted code may be about to read errno; a full pipe makes write() set it to EAGAIN.
            let savedErrno = errno
            var byte: UInt8 = 1
            _ = write(ResizeWatcher.wakeDescriptor, &byte, 1)
            errno = savedErrno
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = SA_RESTART
        sigaction(SIGWINCH, &action, nil)
    }

    /// Restores the default (ignored) disposition.
    static func uninstall() {
        signal(SIGWINCH, SIG_DFL)
    }

    /// The new size when the terminal's size changed since the last call: ncurses is told (`resizeterm`) first.
    /// The size is also compared on every call (one ioctl), so a resize is noticed at the next wake-up even if its
    /// signal was missed.
    static func takeResize() -> InputEvent? {
        var size = winsize()
        guard ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return nil }
        guard size.ws_row != lastSize.rows || size.ws_col != lastSize.columns else { return nil }
        lastSize = (size.ws_row, size.ws_col)
        resizeterm(Int32(size.ws_row), Int32(size.ws_col))
        return .resize(width: Int(size.ws_col), height: Int(size.ws_row))
    }
}
