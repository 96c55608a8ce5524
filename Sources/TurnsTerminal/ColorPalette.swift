import CNcurses
import TurnsUI

/// Maps styles to ncurses attributes and colour pairs, allocating pairs as they are first needed and choosing the
/// nearest colour the terminal has (256, 16 or 8 colours, or none).
struct ColorPalette {
    private let colorCount: Int
    private let pairCount: Int
    /// Colour pairs by foreground and background.
    private var pairs: [SIMD2<Int16>: Int16] = [:]
    private var nextPair: Int16 = 1

    /// A palette for a terminal with `colorCount` colours and `pairCount` pairs (none: no colours).
    init(colorCount: Int = 0, pairCount: Int = 0) {
        self.colorCount = colorCount
        self.pairCount = min(pairCount, Int(Int16.max))
    }

    /// The ncurses attributes and pair number that draw `style`.
    mutating func attributes(for style: Style) -> (attr_t, Int16) {
        var attributes: attr_t = 0
        if style.attributes.contains(.bold) { attributes |= turns_a_bold() }
        if style.attributes.contains(.underline) { attributes |= turns_a_underline() }
        if style.attributes.contains(.reverse) { attributes |= turns_a_reverse() }
        if style.attributes.contains(.dim) { attributes |= turns_a_dim() }
        if style.attributes.contains(.italic) { attributes |= turns_a_italic() }
        guard colorCount > 0 else { return (attributes, 0) }
        let key = SIMD2(index(style.foreground), index(style.background))
        if key == SIMD2(-1, -1) { return (attributes, 0) }
        if let pair = pairs[key] { return (attributes, pair) }
        guard Int(nextPair) < pairCount else { return (attributes, 0) }
        let pair = nextPair
        nextPair += 1
        init_pair(pair, key.x, key.y)
        pairs[key] = pair
        return (attributes, pair)
    }

    /// The terminal colour number for a colour (-1 is the terminal's default).
    private func index(_ color: Color) -> Int16 {
        switch color {
        case .default: return -1
        case .named(let named):
            if colorCount >= 16 { return Int16(named.rawValue) }
            return Int16(named.basic.rawValue)
        case .palette(let value):
            if colorCount >= 256 { return Int16(value) }
            if colorCount >= 16 && value < 16 { return Int16(value) }
            return Int16(color.nearestBasic?.rawValue ?? 7)
        }
    }
}
