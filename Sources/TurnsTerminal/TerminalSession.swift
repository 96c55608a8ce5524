import CNcurses
import Foundation
import TurnsUI

/// Why the terminal could not be used, in words a user can act on.
public struct TerminalError: Error, Sendable, CustomStringConvertible {
    /// What is wrong and what to do.
    public var message: String
    /// The message.
    public var description: String { message }
}

/// The ncurses screen: set-up and guaranteed restore, drawing frames, and reading input.
///
/// Only the thread that calls `start()` may use a session: ncurses is not thread-safe. Other threads wake that
/// thread through a `WakePipe` and hand it work.
public final class TerminalSession {
    private var screen: OpaquePointer?
    private var colors = ColorPalette()
    private var decoder = KeyDecoder()
    /// Whether the terminal is currently in curses mode.
    public private(set) var isActive = false

    /// Creates a session; nothing happens to the terminal until `start()`.
    public init() {}

    /// Takes over the terminal: raw keys, no echo, keypad decoding, bracketed paste, mouse wheel, colours.
    /// The terminal is restored on `stop()`, at exit, and on a crash signal; resizes wake `wake`.
    public func start(wake: WakePipe, environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(TerminalError) {
        setlocale(LC_ALL, "")
        if let term = environment["TERM"], term == "dumb" {
            throw TerminalError(message: "TERM=dumb cannot show the chat; use a terminal with cursor movement "
                + "(e.g. TERM=xterm-256color), or turns --print")
        }
        guard isatty(0) == 1, isatty(1) == 1 else {
            throw TerminalError(message: "the chat needs a terminal; for scripts use turns --print")
        }
        let codeset = String(cString: turns_codeset())
        if codeset != "UTF-8" {
            // Fall back to a UTF-8 locale so wide characters draw; ncurses takes the encoding from the locale.
            if setlocale(LC_CTYPE, "C.UTF-8") == nil && setlocale(LC_CTYPE, "en_US.UTF-8") == nil {
                throw TerminalError(message: "the locale (\(codeset)) is not UTF-8 and no UTF-8 locale is installed; "
                    + "set LANG=C.UTF-8")
            }
        }
        guard let newScreen = turns_newterm() else {
            let term = environment["TERM"] ?? "(unset)"
            throw TerminalError(message: "the terminal type TERM=\(term) is unknown to this system; "
                + "try TERM=xterm-256color")
        }
        screen = newScreen
        set_term(newScreen)
        TerminalRestorer.install(self)
        isActive = true
        raw()
        noecho()
        nonl()
        keypad(turns_stdscr(), true)
        nodelay(turns_stdscr(), true)
        _ = turns_set_escdelay(25)
        curs_set(1)
        if has_colors() {
            start_color()
            use_default_colors()
            colors = ColorPalette(colorCount: Int(turns_colors()), pairCount: Int(turns_color_pairs()))
        }
        _ = mousemask(turns_button4_pressed() | turns_button5_pressed(), nil)
        // Bracketed paste: the terminal wraps pasted text in ESC[200~ … ESC[201~, which ncurses reports as keys.
        _ = define_key("\u{1B}[200~", Self.pasteStart)
        _ = define_key("\u{1B}[201~", Self.pasteEnd)
        let bracketedPasteOn: StaticString = "\u{1B}[?2004h"  // written straight to the terminal, outside ncurses
        _ = write(1, bracketedPasteOn.utf8Start, bracketedPasteOn.utf8CodeUnitCount)
        ResizeWatcher.install(wake: wake)
    }

    /// Restores the terminal to how it was (safe to call more than once).
    public func stop() {
        guard isActive else { return }
        ResizeWatcher.uninstall()
        TerminalRestorer.restoreNow()
        isActive = false
        if let screen { delscreen(screen) }
        screen = nil
        TerminalRestorer.uninstall()
    }

    /// The terminal's size in cells.
    public var size: (width: Int, height: Int) {
        (Int(turns_cols()), Int(turns_lines()))
    }

    /// Writes a frame's changed cells (as `FrameRenderer` computed them) and places the cursor. With `repaint`,
    /// the terminal is cleared first (after a resize, or when the screen may hold someone else's output).
    public func draw(_ buffer: ScreenBuffer, changes: [ScreenChange], cursor: (x: Int, y: Int)?, repaint: Bool) {
        if repaint { clearok(turns_stdscr(), true) }
        for change in changes {
            for x in change.columns where !buffer[x, change.row].isContinuation {
                put(buffer[x, change.row], x: x, y: change.row)
            }
        }
        if let cursor {
            curs_set(1)
            _ = turns_move(Int32(cursor.y), Int32(cursor.x))
        } else {
            curs_set(0)
        }
        refresh()
    }

    private func put(_ cell: Cell, x: Int, y: Int) {
        let (attributes, pair) = colors.attributes(for: cell.style)
        var scalars = Array(cell.symbol.unicodeScalars.prefix(5)).map { wchar_t(bitPattern: $0.value) }
        if scalars.isEmpty { scalars = [32] }
        // Control characters never reach the screen (they would move the cursor); show a replacement.
        if scalars[0] < 32 || scalars[0] == 127 { scalars[0] = 0xFFFD }
        scalars.append(0)
        _ = scalars.withUnsafeBufferPointer { buffer in
            turns_put_cell(Int32(y), Int32(x), buffer.baseAddress, attributes, pair)
        }
    }

    /// Reads all input that is waiting, without blocking, and decodes it (a resize comes first).
    public func readEvents() -> [InputEvent] {
        var events: [InputEvent] = []
        if let resize = ResizeWatcher.takeResize() { events.append(resize) }
        var value: wint_t = 0
        while true {
            let result = turns_get_wch(&value)
            if result == turns_err() { break }
            if result == KEY_CODE_YES {
                // Resizes come from ResizeWatcher alone (one source of truth for the size); the KEY_RESIZE that
                // resizeterm queues carries nothing new.
                if Int32(value) == turns_key_resize() { continue }
                events.append(contentsOf: decoder.feed(rawKey(Int32(value))))
            } else if let scalar = Unicode.Scalar(UInt32(value)) {
                events.append(contentsOf: decoder.feed(.character(Character(scalar))))
            }
        }
        return events
    }

    /// Resolves a waiting Escape as a plain Esc key.
    public func flushEscape() -> [InputEvent] { decoder.flushEscape() }

    private func rawKey(_ code: Int32) -> KeyDecoder.RawInput {
        if code == Self.pasteStart { return .pasteStart }
        if code == Self.pasteEnd { return .pasteEnd }
        if code == turns_key_mouse() {
            var event = MEVENT()
            if getmouse(&event) == OK {
                // Three rows a notch, as most terminals scroll.
                if event.bstate & turns_button4_pressed() != 0 { return .wheel(-3) }
                if event.bstate & turns_button5_pressed() != 0 { return .wheel(3) }
            }
            return .wheel(0)
        }
        return .key(NcursesKeys.keyPress(for: code))
    }

    /// The key codes `define_key` gives the bracketed-paste sequences ESC [200~ and ESC [201~.
    private static let pasteStart: Int32 = 0x7F00
    private static let pasteEnd: Int32 = 0x7F01
}
