/// A terminal colour: the terminal's default, one of the 16 named ANSI colours, or a 256-colour palette index.
///
/// Themes name colours this way; the terminal edge maps them to what the terminal supports (nearest of 8 when needed).
public enum Color: Sendable, Hashable {
    /// The terminal's own foreground or background.
    case `default`
    /// One of the 16 ANSI colours.
    case named(NamedColor)
    /// An index into the 256-colour palette.
    case palette(UInt8)

    /// The nearest of the 8 basic colours, for terminals that have no more (nil: the default colour).
    public var nearestBasic: NamedColor? {
        switch self {
        case .default: return nil
        case .named(let named): return named.basic
        case .palette(let index): return Color.basicForPalette(index)
        }
    }

    /// Maps a 256-colour index to the nearest of the 8 basic colours.
    static func basicForPalette(_ index: UInt8) -> NamedColor {
        if index < 16 { return NamedColor(rawValue: index)!.basic }
        let rgb: (Int, Int, Int)
        if index >= 232 {
            let level = 8 + Int(index - 232) * 10
            rgb = (level, level, level)
        } else {
            let cube = Int(index - 16)
            let steps = [0, 95, 135, 175, 215, 255]
            rgb = (steps[cube / 36], steps[(cube / 6) % 6], steps[cube % 6])
        }
        // Each channel above half intensity lights that bit of the ANSI colour (red 1, green 2, blue 4).
        let bits = (rgb.0 > 127 ? 1 : 0) | (rgb.1 > 127 ? 2 : 0) | (rgb.2 > 127 ? 4 : 0)
        return NamedColor(rawValue: UInt8(bits))!
    }
}

/// The 16 ANSI colours, numbered as the terminal numbers them.
public enum NamedColor: UInt8, Sendable, Hashable, CaseIterable {
    /// ANSI 0 to 7.
    case black, red, green, yellow, blue, magenta, cyan, white
    /// ANSI 8 to 15.
    case brightBlack, brightRed, brightGreen, brightYellow, brightBlue, brightMagenta, brightCyan, brightWhite

    /// The same hue among the first 8 colours.
    public var basic: NamedColor { NamedColor(rawValue: rawValue & 7)! }
}

/// Text attributes a terminal can show.
public struct TextAttributes: OptionSet, Sendable, Hashable {
    /// The raw bits.
    public let rawValue: UInt8
    /// Creates attributes from raw bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Bold (or bright) text.
    public static let bold = TextAttributes(rawValue: 1 << 0)
    /// Italic text.
    public static let italic = TextAttributes(rawValue: 1 << 1)
    /// Underlined text.
    public static let underline = TextAttributes(rawValue: 1 << 2)
    /// Foreground and background swapped.
    public static let reverse = TextAttributes(rawValue: 1 << 3)
    /// Dim (faint) text.
    public static let dim = TextAttributes(rawValue: 1 << 4)
}

/// How a cell looks: foreground, background and attributes.
public struct Style: Sendable, Hashable {
    /// The text colour.
    public var foreground: Color
    /// The cell colour.
    public var background: Color
    /// Bold, italic, underline, reverse, dim.
    public var attributes: TextAttributes

    /// Creates a style.
    public init(foreground: Color = .default, background: Color = .default, attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }

    /// The terminal's default look.
    public static let plain = Style()
}
