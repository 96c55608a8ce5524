import CNcurses
import TurnsUI

/// Maps ncurses key codes to `KeyPress`es, including the shifted and modified variants xterm reports.
enum NcursesKeys {
    static func keyPress(for code: Int32) -> KeyPress {
        switch code {
        case KEY_UP: return KeyPress(.up)
        case KEY_DOWN: return KeyPress(.down)
        case KEY_LEFT: return KeyPress(.left)
        case KEY_RIGHT: return KeyPress(.right)
        case KEY_HOME: return KeyPress(.home)
        case KEY_END: return KeyPress(.end)
        case KEY_PPAGE: return KeyPress(.pageUp)
        case KEY_NPAGE: return KeyPress(.pageDown)
        case KEY_IC: return KeyPress(.insert)
        case KEY_DC: return KeyPress(.delete)
        case KEY_BACKSPACE: return KeyPress(.backspace)
        case KEY_ENTER: return KeyPress(.enter)
        case KEY_BTAB: return KeyPress(.tab, .shift)
        case KEY_SLEFT: return KeyPress(.left, .shift)
        case KEY_SRIGHT: return KeyPress(.right, .shift)
        case KEY_SR: return KeyPress(.up, .shift)
        case KEY_SF: return KeyPress(.down, .shift)
        case KEY_SHOME: return KeyPress(.home, .shift)
        case KEY_SEND: return KeyPress(.end, .shift)
        case KEY_SDC: return KeyPress(.delete, .shift)
        default: break
        }
        // F1–F12, and xterm's shifted F13–F24.
        let f0 = Int32(KEY_F0)
        if code > f0 && code <= f0 + 12 { return KeyPress(.function(Int(code - f0))) }
        if code > f0 + 12 && code <= f0 + 24 { return KeyPress(.function(Int(code - f0 - 12)), .shift) }
        if let named = modifiedKeys[code] { return named }
        return KeyPress(.character("\u{FFFD}"))
    }

    /// xterm's Ctrl/Alt/Shift arrows and Home/End, which ncurses numbers dynamically: looked up by name once the
    /// terminal description is loaded (the first key read happens after `start()`).
    private nonisolated(unsafe) static var modifiedKeys: [Int32: KeyPress] = {
        var table: [Int32: KeyPress] = [:]
        let bases: [(String, Key)] = [("UP", .up), ("DN", .down), ("LFT", .left), ("RIT", .right), ("HOM", .home),
                                      ("END", .end), ("PRV", .pageUp), ("NXT", .pageDown), ("DC", .delete)]
        // xterm modifier numbers: 2 Shift, 3 Alt, 4 Shift-Alt, 5 Ctrl, 6 Shift-Ctrl, 7 Alt-Ctrl.
        let mods: [(Int, Modifiers)] = [(2, .shift), (3, .alt), (4, [.shift, .alt]), (5, .ctrl),
                                           (6, [.shift, .ctrl]), (7, [.alt, .ctrl])]
        for (name, key) in bases {
            for (number, modifiers) in mods {
                // tigetstr answers NULL when absent and (char *)-1 when the name is not a string capability.
                guard let sequence = tigetstr("k\(name)\(number)"), Int(bitPattern: sequence) != -1 else { continue }
                let code = key_defined(sequence)
                if code > 0 { table[code] = KeyPress(key, modifiers) }
            }
        }
        return table
    }()
}
