import TurnsCore

/// The colour forms a theme file accepts: `"default"`, an ANSI name, a palette index, or `"#rrggbb"`.
enum ThemeColor {
    /// Why a value is not a colour; the caller prefixes the role and key.
    struct Problem: Error {
        /// What is wrong, to follow the key ("300 is outside the 256-colour palette (0 to 255)").
        var reason: String
    }

    /// The 16 ANSI names in terminal order: the 8 basic colours, then the same with "bright-" before them.
    static let names: [String] = {
        let basic = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]
        return basic + basic.map { "bright-" + $0 }
    }()

    /// Reads one colour value.
    static func parse(_ value: TOMLValue) throws(Problem) -> Color {
        switch value {
        case .integer(let index):
            guard (0...255).contains(index) else {
                throw Problem(reason: "\(index) is outside the 256-colour palette (0 to 255)")
            }
            return .palette(UInt8(index))
        case .string(let text):
            if text == "default" { return .default }
            if let index = names.firstIndex(of: text) { return .named(NamedColor(rawValue: UInt8(index))!) }
            if let rgb = hexRGB(text) { return .palette(XtermPalette.nearest(rgb)) }
            throw Problem(reason: "\"\(text)\" is not a colour (use \"default\", a name such as \"red\" or "
                + "\"bright-cyan\", 0 to 255, or \"#rrggbb\")")
        default:
            throw Problem(reason: "must be a colour name, \"#rrggbb\" or 0 to 255, not \(value.typeName)")
        }
    }

    /// The red, green and blue of `"#rrggbb"`, or nil when `text` is not of that form.
    static func hexRGB(_ text: String) -> XtermPalette.RGB? {
        let digits = Array(text.utf8)
        guard digits.count == 7, digits[0] == UInt8(ascii: "#") else { return nil }
        func byte(_ at: Int) -> Int? { Int(String(decoding: digits[at..<at + 2], as: UTF8.self), radix: 16) }
        guard let red = byte(1), let green = byte(3), let blue = byte(5) else { return nil }
        return XtermPalette.RGB(red: red, green: green, blue: blue)
    }
}

/// The fixed part of the xterm 256-colour palette: entries 16…231 are a 6x6x6 colour cube, 232…255 a grey ramp.
/// (Entries 0…15 are the ANSI colours, which each terminal sets itself, so `"#rrggbb"` never maps to them.)
enum XtermPalette {
    /// A colour as 8-bit red, green and blue.
    struct RGB: Equatable {
        /// 0…255.
        var red, green, blue: Int
    }

    /// The levels of each channel in the colour cube.
    static let cubeLevels = [0, 95, 135, 175, 215, 255]

    /// The colour of palette entry `index` (16…255).
    static func rgb(_ index: UInt8) -> RGB {
        precondition(index >= 16, "entries 0…15 depend on the terminal")
        if index >= 232 {
            let level = 8 + Int(index - 232) * 10
            return RGB(red: level, green: level, blue: level)
        }
        let cube = Int(index - 16)
        return RGB(red: cubeLevels[cube / 36], green: cubeLevels[(cube / 6) % 6], blue: cubeLevels[cube % 6])
    }

    /// The palette entry closest to `color` (by squared distance in RGB; the lower index wins a tie).
    static func nearest(_ color: RGB) -> UInt8 {
        // 240 candidates, only when a theme file is read: a plain search is clearer than per-channel rounding.
        var best: (index: UInt8, distance: Int) = (16, .max)
        for index in UInt8(16)...UInt8(255) {
            let entry = rgb(index)
            let dr = entry.red - color.red, dg = entry.green - color.green, db = entry.blue - color.blue
            let distance = dr * dr + dg * dg + db * db
            if distance < best.distance { best = (index, distance) }
        }
        return best.index
    }
}
